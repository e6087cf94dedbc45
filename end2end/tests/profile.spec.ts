import { expect } from '@playwright/test';
import { ready, sidewaysOverflow, signup, test, uniqueEmail } from './helpers';

test('settings change the public profile, which links to WhatsApp', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'perfil');
  const slug = `perfil-${testInfo.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const number = await signup(page, testInfo, 'Renato Dias', email);
  await page.getByRole('link', { name: 'Configurações' }).click();
  await expect(page.getByRole('heading', { name: 'Configurações' })).toBeVisible();
  await ready(page, testInfo);
  await page.getByLabel('Bio').fill('Imóveis na zona sul há 10 anos.');
  await page.getByLabel(/Registro profissional/).fill('CRECI 98765-F');
  const before = await page.getByLabel('Endereço do perfil').inputValue();
  await page.getByLabel('Endereço do perfil').fill(slug);
  await page.getByRole('button', { name: 'Salvar' }).click();
  await expect(page.getByRole('status')).toHaveText('Configurações salvas.');
  // The public link shows the new address at once (it showed the old one with JavaScript).
  await expect(page.getByLabel('Seu link público')).toHaveValue(new RegExp(`/c/${slug}$`));

  // The old address, in ads and bios, takes visitors to the new one.
  await page.goto(`/c/${before}`);
  await expect(page).toHaveURL(new RegExp(`/c/${slug}$`));
  await page.goto(`/c/${slug}`);
  await expect(page).toHaveTitle('Renato Dias | Imóveis | Consultor');
  await expect(page.getByRole('heading', { name: 'Renato Dias' })).toBeVisible();
  await expect(page.getByText('Imóveis na zona sul há 10 anos.')).toBeVisible();
  await expect(page.getByText('CRECI 98765-F')).toBeVisible();
  const cta = page.getByRole('link', { name: 'Conversar no WhatsApp' });
  await expect(cta).toHaveAttribute('href', new RegExp(`^https://wa\\.me/${number}\\?text=`));
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Renato Dias | Imóveis | Consultor');
});

test('a bio over 200 characters is refused with the count', async ({ page }, testInfo) => {
  await signup(page, testInfo, 'Lia Prado', uniqueEmail(testInfo, 'bio'));
  await page.goto('/configuracoes');
  await ready(page, testInfo);
  await page.getByLabel('Bio').fill('a'.repeat(201));
  await page.getByRole('button', { name: 'Salvar' }).click();
  await expect(page.locator('#erro-bio')).toHaveText('A bio pode ter no máximo 200 caracteres (tem 201).');
});

test('an unknown profile is a real 404 page', async ({ page }) => {
  const res = await page.goto('/c/ninguem-com-este-endereco');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Página não encontrada' })).toBeVisible();
});

test('pages fit a phone screen', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const check = async (path: string) => {
    await page.goto(path);
    const overflow = await sidewaysOverflow(page, testInfo);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  };
  await check('/');
  await check('/entrar');
  await check('/cadastro');
  await check('/esqueci-senha');
  await check(`/redefinir-senha?t=${'0'.repeat(64)}`);
  await signup(page, testInfo, 'Tiago Nunes', uniqueEmail(testInfo, 'celular'));
  await check('/painel');
  await check('/configuracoes');
});

// A 1×1 PNG: real image bytes, so the server's type sniffing accepts it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('a profile photo is uploaded, shown on the public page, and a non-image is refused', async ({ page }, testInfo) => {
  await signup(page, testInfo, 'Paula Reis', uniqueEmail(testInfo, 'foto'));
  await page.goto('/configuracoes');
  await ready(page, testInfo);

  await page.getByLabel('Escolher foto').setInputFiles({ name: 'notas.txt', mimeType: 'image/png', buffer: Buffer.from('não sou uma imagem') });
  await page.getByRole('button', { name: 'Enviar foto' }).click();
  await expect(page.getByRole('region', { name: 'Foto do perfil' }).getByRole('alert')).toContainText('JPEG, PNG ou WebP');

  await page.getByLabel('Escolher foto').setInputFiles({ name: 'eu.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Enviar foto' }).click();
  await expect(page.getByRole('region', { name: 'Foto do perfil' }).getByRole('status')).toHaveText('Foto atualizada.');

  await page.getByRole('link', { name: 'Meu perfil' }).click();
  const photo = page.getByRole('img', { name: /Paula Reis/ });
  await expect(photo).toBeVisible();
  // The browser really loaded it (a broken image has no natural size).
  expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
});
