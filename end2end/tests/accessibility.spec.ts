import { expect, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { DEMO, login, openOwnCopy, ready, test } from './helpers';

// axe-core runs in the page through the browser's debugging protocol, which the page's
// Content-Security-Policy does not govern: the policy stays on, as users get it.
const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** Serious and critical findings of axe-core on the page as it is now. */
async function findings(page: Page, testInfo: TestInfo): Promise<string[]> {
  await ready(page, testInfo);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // @ts-expect-error axe is defined by the source evaluated above
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: { id: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
  return result as string[];
}

test('no page has a serious or critical accessibility finding', async ({ page }, testInfo) => {
  // axe-core is a script that runs its checks with timers: with JavaScript off it never
  // finishes. The pages it checks are the server's markup, hydrated.
  test.skip(testInfo.project.name !== 'js', 'axe-core needs JavaScript in the page');
  test.setTimeout(120_000);
  const pages: Record<string, string[]> = {};
  const check = async (name: string) => { pages[name] = await findings(page, testInfo); };

  await page.goto('/');
  await check('início');
  await page.goto('/entrar');
  await check('entrar');
  await page.goto('/cadastro');
  await check('cadastro');
  await page.goto('/c/demo');
  await check('perfil público');

  await login(page, testInfo, DEMO.email, DEMO.password);
  await check('painel');
  await page.goto('/leads');
  await check('quadro');
  await page.goto('/leads?vista=lista');
  await check('lista');
  await page.getByRole('link', { name: 'Marcos Oliveira' }).first().click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}$/);
  await check('lead');
  await page.goto('/fluxos');
  await check('fluxos');
  await page.getByRole('link', { name: /Triagem Básica - Planos de Saúde/ }).click();
  await expect(page).toHaveURL(/\/fluxos\/[0-9a-f-]{36}$/);
  await check('modelo de fluxo');
  await openOwnCopy(page, testInfo);
  await check('editor de fluxo');
  await page.goto('/configuracoes');
  await check('configurações');
  await page.goto('/modelos');
  await check('modelos de mensagem');
  // A lead outside the 24-hour window: the template picker.
  await page.goto('/leads?q=Bruno');
  await page.getByRole('link', { name: /Bruno Carvalho/ }).first().click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}$/);
  await check('lead fora da janela');

  const failing = Object.fromEntries(Object.entries(pages).filter(([, f]) => f.length > 0));
  expect(failing).toEqual({});
});
