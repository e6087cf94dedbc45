import { expect } from '@playwright/test';
import { consultant, leadNumber, leadWrites, ready, sidewaysOverflow, test } from './helpers';

test("a lead's rights from the lead page: opt-out warning, correction, printable copy, deletion", async ({ page }, testInfo) => {
  const to = await consultant(page, testInfo, 'lgpd');
  const from = leadNumber();
  await leadWrites(page, to, from, 'Lia Direitos', 'Oi');
  await leadWrites(page, to, from, 'Lia Direitos', 'SAIR');
  // The worker runs right after each webhook: wait for the lead and its opt-out. The click
  // waits for the lead page it opens, which a loaded run served in over 500 ms.
  await expect(async () => {
    await page.goto('/leads');
    await page.getByText('Lia Direitos').first().click({ timeout: 5_000 });
    await expect(page.getByText('Este lead pediu para não receber mensagens')).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await ready(page, testInfo);
  const leadUrl = page.url();

  await page.getByText('Corrigir o nome e as respostas').click();
  await page.getByLabel('Nome do lead').fill('Lia Direitos Corrigida');
  await page.getByRole('button', { name: 'Salvar correção' }).click();
  await expect(page.getByText('Dados corrigidos.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lia Direitos Corrigida');

  await page.getByRole('link', { name: 'página para imprimir' }).click();
  await expect(page.getByRole('heading', { name: 'Dados de Lia Direitos Corrigida' })).toBeVisible();
  await expect(page.getByText('Pediu para não receber mensagens')).toBeVisible();

  await page.goto(leadUrl);
  await ready(page, testInfo);
  await page.getByLabel('Entendo que a exclusão não pode ser desfeita.').check();
  await page.getByRole('button', { name: 'Excluir dados' }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(page.getByText('Os dados do lead foram excluídos')).toBeVisible();
  await expect(page.getByText('Lia Direitos Corrigida')).toHaveCount(0);
});

test('the privacy page the bot links is public and readable on a phone', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 740 });
  // The demo consultant (seed-demo), Joana Conceição.
  await page.goto('/c/joana-conceicao/privacidade');
  await ready(page, testInfo);
  await expect(page.getByRole('heading', { name: 'Como seus dados são tratados' })).toBeVisible();
  await expect(page.getByText(/escreva SAIR/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Falar pelo WhatsApp' })).toBeVisible();
  const overflow = await sidewaysOverflow(page, testInfo);
  expect(overflow).toBeLessThanOrEqual(0);
});
