import { expect } from '@playwright/test';
import { consultant, openOwnCopy, ready, sidewaysOverflow, test } from './helpers';

test('the comparison image is set in the flow editor and previewed, on a phone', async ({ page }, testInfo) => {
  await consultant(page, testInfo, 'comparativo');
  await page.setViewportSize({ width: 375, height: 740 });
  const editor = await openOwnCopy(page, testInfo);
  const section = page.locator('section#comparativo');
  await expect(section.getByRole('heading', { name: 'Imagem comparativa' })).toBeVisible();

  // An offer without a price is refused, in words.
  await section.getByLabel('Nome').first().fill('Essencial');
  await section.getByRole('button', { name: 'Guardar comparativo' }).click();
  await expect(page.locator('section#comparativo').getByRole('alert')).toContainText('Opção 1: escreva o preço');

  const s = page.locator('section#comparativo');
  await s.getByLabel('Nome').first().fill('Essencial');
  await s.getByLabel('Preço').first().fill('R$ 489,90/mês');
  await s.getByLabel('Detalhes (cobertura, quartos, ano…)').first().fill('Enfermaria, rede regional');
  await s.getByLabel('Nome').nth(1).fill('Família Plus');
  await s.getByLabel('Preço').nth(1).fill('R$ 980,00/mês');
  await s.getByLabel('Só para quem respondeu').nth(1).selectOption({ label: 'perfil: Família' });
  await s.getByRole('button', { name: 'Guardar comparativo' }).click();
  await expect(page.getByText('Comparativo guardado: a imagem vai para cada lead que concluir o fluxo.')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${editor.replace(/[/.]/g, '\\$&')}`));

  // The preview is the image a lead gets, drawn by the server, and it fits the phone.
  const preview = page.getByRole('img', { name: 'Prévia da imagem comparativa' });
  await preview.scrollIntoViewIfNeeded();
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1080);
  const box = await preview.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(375);
  await expect(page.locator('section#comparativo').getByLabel('Nome').nth(1)).toHaveValue('Família Plus');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);
});
