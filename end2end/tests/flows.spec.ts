import { expect } from '@playwright/test';
import { consultant, ready, sidewaysOverflow, test } from './helpers';

test('a template is copied, renamed and made live from the flows page, on a phone', async ({ page }, testInfo) => {
  await consultant(page, testInfo, 'fluxos');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByRole('link', { name: 'Fluxos' }).click();
  await expect(page).toHaveURL(/\/fluxos$/);
  await ready(page, testInfo);
  await expect(page.getByText('Você ainda não tem fluxos próprios')).toBeVisible();

  const templates = page.getByRole('region', { name: 'Modelos' });
  await templates.locator('li', { hasText: 'Ativo' }).getByRole('button', { name: 'Copiar para meus fluxos' }).click();
  await expect(page.getByText('Ele ainda não está ativo.')).toBeVisible();

  const mine = page.getByRole('region', { name: 'Meus fluxos' });
  await mine.getByLabel('Novo nome').fill('Meu fluxo de saúde');
  await mine.getByRole('button', { name: 'Renomear' }).click();
  await expect(page.getByText('Fluxo renomeado para “Meu fluxo de saúde”.')).toBeVisible();

  await mine.getByRole('button', { name: 'Ativar' }).click();
  await expect(page.getByText('“Meu fluxo de saúde” está ativo')).toBeVisible();
  await expect(mine.locator('li', { hasText: 'Meu fluxo de saúde' })).toContainText('Ativo');
  const overflow = await sidewaysOverflow(page, testInfo);
  expect(overflow).toBeLessThanOrEqual(0);

  // The editor: JSON that does not parse is refused with its place, and kept in the box.
  await mine.getByRole('link', { name: 'Meu fluxo de saúde' }).click();
  await expect(page).toHaveURL(/\/fluxos\/[0-9a-f-]{36}$/);
  await ready(page, testInfo);
  await expect(page.getByText('Versão publicada: 1.')).toBeVisible();
  await page.getByLabel('Definição do fluxo (JSON)').fill('{\n  "etapas": [\n    }\n');
  await page.getByRole('button', { name: 'Salvar rascunho' }).click();
  await expect(page.getByText(/JSON inválido na linha 3, coluna 5/)).toBeVisible();
  await expect(page.getByLabel('Definição do fluxo (JSON)')).toHaveValue('{\n  "etapas": [\n    }\n');

  // The simulator answers as the bot would, without JavaScript too.
  await page.getByLabel('Mensagem do lead').fill('Oi');
  await page.getByRole('button', { name: 'Enviar' }).click();
  await expect(page.getByRole('region', { name: 'Simulador' })).toContainText('qual é o seu nome?');
});
