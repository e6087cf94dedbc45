import { expect } from '@playwright/test';
import { ready, sidewaysOverflow, signup, test, uniqueEmail, uniqueNumber } from './helpers';

// #17 "a consultor's day on a phone": the public link, copied and shared from the dashboard
// and Settings on a 390 px screen, with and without JavaScript; an address made of the name.

test('the public link is copied and shared from the dashboard and Settings', async ({ page, context }, testInfo) => {
  const js = testInfo.project.name === 'js';
  if (js) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // Desktop Chromium on Linux has no share sheet: a stand-in records what a phone's gets.
    await page.addInitScript(() => {
      Object.defineProperty(navigator, 'share', {
        value: async (data: unknown) => { (window as unknown as { shared: unknown }).shared = data; },
      });
    });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await signup(page, testInfo, 'Márcia Souza', uniqueEmail(testInfo, 'link'));
  for (const path of ['/painel', '/configuracoes']) {
    await page.goto(path);
    await ready(page, testInfo);
    const field = page.getByLabel('Seu link público');
    await expect(field).toHaveAttribute('readonly', '');
    const link = await field.inputValue();
    expect(link).toMatch(/\/c\/marcia-souza(-\d+)?$/);
    // Always a plain link to WhatsApp with the link in the message.
    const share = page.getByRole('link', { name: 'Compartilhar no WhatsApp' });
    await expect(share).toHaveAttribute('href', `https://wa.me/?text=${encodeURIComponent(
      `Olá! Este é o meu perfil. Por ele você fala comigo pelo WhatsApp: ${link}`,
    ).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    const copy = page.getByRole('button', { name: 'Copiar link' });
    if (js) {
      await copy.click();
      await expect(page.getByText('Link copiado.')).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
      await page.getByRole('button', { name: 'Compartilhar', exact: true }).click();
      await expect.poll(() => page.evaluate(() => (window as unknown as { shared?: { url: string } }).shared?.url))
        .toBe(link);
    } else {
      // Without JavaScript the field is there to select and copy by hand.
      await expect(copy).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Compartilhar', exact: true })).toHaveCount(0);
      await field.selectText();
    }
    expect(await sidewaysOverflow(page, testInfo), `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
});

test('the profile address is made from the name at sign-up and in Settings', async ({ page }, testInfo) => {
  const js = testInfo.project.name === 'js';
  const stamp = `${testInfo.project.name}${Date.now()}${Math.floor(Math.random() * 1e4)}`;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/cadastro');
  await ready(page, testInfo);
  await page.getByLabel('Nome').fill(`Teresa Dias ${stamp}`);
  if (js) {
    // The address follows the name until typed over.
    await expect(page.getByLabel('Endereço do perfil')).toHaveValue(`teresa-dias-${stamp}`);
  }
  await page.getByLabel('E-mail').fill(uniqueEmail(testInfo, 'endereco'));
  await page.getByLabel('Senha').fill('senha-segura-123');
  await page.getByLabel('WhatsApp').fill(uniqueNumber());
  await page.getByLabel('Área de atuação').selectOption('real_estate');
  await page.getByLabel('Endereço do perfil').fill(`Teresa Imóveis ${stamp}`);
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await expect(page).toHaveURL(/\/painel$/);
  await expect(page.getByLabel('Seu link público')).toHaveValue(new RegExp(`/c/teresa-imoveis-${stamp}$`));

  await page.goto('/configuracoes');
  await ready(page, testInfo);
  await page.getByLabel('Endereço do perfil').fill(`Teresa Dias Corretora ${stamp}`);
  await page.getByRole('button', { name: 'Salvar' }).click();
  await expect(page.getByRole('status')).toHaveText('Configurações salvas.');
  await expect(page.getByLabel('Endereço do perfil')).toHaveValue(`teresa-dias-corretora-${stamp}`);
  await expect(page.getByLabel('Seu link público')).toHaveValue(new RegExp(`/c/teresa-dias-corretora-${stamp}$`));
  // The address given up still leads to the profile.
  await page.goto(`/c/teresa-imoveis-${stamp}`);
  await expect(page).toHaveURL(new RegExp(`/c/teresa-dias-corretora-${stamp}$`));
});
