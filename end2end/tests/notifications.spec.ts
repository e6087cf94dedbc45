import { expect } from '@playwright/test';
import { consultant, ready, sidewaysOverflow, test } from './helpers';

test('the app installs and Settings turns notifications on, lists the devices and removes one, on a phone', async ({ page }, testInfo) => {
  // The manifest and the service worker, with their types (src/web_app.rs).
  const manifest = await page.request.get('/manifest.webmanifest');
  expect(manifest.headers()['content-type']).toBe('application/manifest+json');
  expect((await manifest.json()).start_url).toBe('/painel');
  const worker = await page.request.get('/sw.js');
  expect(worker.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  for (const icon of ['/icons/icon-192.png', '/icons/icon-512.png']) {
    expect((await page.request.get(icon)).headers()['content-type']).toBe('image/png');
  }

  await consultant(page, testInfo, 'avisos');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/configuracoes#notificacoes');
  await ready(page, testInfo);
  const section = page.getByRole('region', { name: 'Notificações no celular' });
  const status = section.locator('#push-estado');
  if (testInfo.project.name === 'js') {
    // The service worker registers; the browser could subscribe from here.
    await expect(section.getByRole('button', { name: 'Ativar notificações neste aparelho' })).toBeVisible();
    await expect(status).toHaveText('Este aparelho ainda não recebe notificações.');
  } else {
    await expect(status).toHaveText('Para ativar neste aparelho, o navegador precisa de JavaScript.');
    await expect(section.getByRole('button', { name: 'Ativar notificações neste aparelho' })).toBeHidden();
  }
  await expect(section.getByText('Nenhum aparelho recebe notificações ainda.')).toBeVisible();

  // What push.js posts once the browser's push service answers (which a test browser has no
  // way to reach): the subscription, with the page's form token.
  const csrf = await section.locator('#push-aparelho').getAttribute('data-csrf');
  const res = await page.request.post('/notificacoes/aparelhos', {
    form: {
      csrf: csrf ?? '',
      endpoint: `https://push.exemplo/${Date.now()}`,
      p256dh: 'B'.repeat(87),
      auth: 'a'.repeat(22),
    },
  });
  expect(res.status()).toBe(204);
  await page.reload();
  await ready(page, testInfo);
  await expect(section.getByRole('heading', { name: 'Aparelhos que recebem' })).toBeVisible();
  await expect(section.locator('li.session')).toHaveCount(1);
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // Only hot leads, then the device removed.
  await section.getByLabel('um lead responde uma conversa que você assumiu').uncheck();
  await section.getByRole('button', { name: 'Guardar preferências de aviso' }).click();
  await expect(page.getByText('Preferências de notificação salvas.')).toBeVisible();
  await expect(page.getByLabel('um lead responde uma conversa que você assumiu')).not.toBeChecked();
  await expect(page.getByLabel('um lead fica quente')).toBeChecked();
  await page.getByRole('region', { name: 'Notificações no celular' }).getByRole('button', { name: /^Remover/ }).click();
  await expect(page.getByText('Este aparelho não recebe mais notificações.')).toBeVisible();
  await expect(page.getByText('Nenhum aparelho recebe notificações ainda.')).toBeVisible();
});
