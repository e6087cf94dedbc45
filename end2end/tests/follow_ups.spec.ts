import { expect } from '@playwright/test';
import { boardShows, consultant, leadNumber, leadWrites, ready, sidewaysOverflow, test } from './helpers';

// On a phone, JavaScript on and off: a consultant gets a ready template approved (the sandbox
// approves at once), sets a follow-up rule and the quiet hours, then schedules a template to a
// lead and cancels it before it goes.
test('a follow-up rule is set, and a scheduled message is cancelled, at 375 px', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const number = await consultant(page, testInfo, 'acompanhamento');
  await page.goto('/modelos');
  await ready(page, testInfo);
  await expect(page.getByText('Para criar uma regra, tenha antes um modelo aprovado.')).toBeVisible();
  await page.locator('.template-item', { hasText: 'Cotação pronta' }).getByRole('button', { name: 'Enviar para aprovação' }).click();
  await expect(page.getByText('Modelo "cotacao_pronta" aprovado (modo de teste, sem a Meta).')).toBeVisible();

  await ready(page, testInfo);
  await page.getByLabel('Etapa do lead').selectOption('em_contato');
  await page.getByLabel('Sem resposta há').fill('3');
  await page.getByLabel('Unidade').selectOption('dias');
  await page.getByLabel('Enviar o modelo').selectOption({ label: 'cotacao_pronta' });
  await page.getByRole('button', { name: 'Criar regra' }).click();
  await expect(page.getByText('Regra criada: leads em "Em contato" sem resposta há 3 dias recebem o modelo "cotacao_pronta".')).toBeVisible();
  await expect(page.locator('.rule', { hasText: 'cotacao_pronta' })).toContainText('Em contato, sem resposta há 3 dias');

  await ready(page, testInfo);
  await page.getByLabel('Das').selectOption('22');
  await page.getByLabel('às').selectOption('7');
  await page.getByRole('group', { name: /Horário de silêncio/ }).getByRole('button', { name: 'Salvar' }).click();
  await expect(page.getByText('Nenhuma mensagem automática sai entre 22h e 7h.')).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // A lead writes; the consultant schedules the approved template for tomorrow, then cancels.
  const name = `Lead Agenda ${testInfo.project.name}`;
  await leadWrites(page, number, leadNumber(), name, 'Oi, quero uma cotação');
  await boardShows(page, testInfo, [name]);
  await page.getByRole('link', { name: new RegExp(name) }).first().click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}/);
  await ready(page, testInfo);
  await page.getByText('Mensagens agendadas').click();
  await page.getByLabel('Mensagem', { exact: true }).selectOption({ label: 'Modelo cotacao_pronta' });
  await page.getByRole('button', { name: 'Agendar' }).click();
  await expect(page.getByText(/Modelo "cotacao_pronta" agendado para/)).toBeVisible();
  const item = page.locator('.scheduled-agendada');
  await expect(item).toContainText('Modelo cotacao_pronta');
  await ready(page, testInfo);
  await item.getByRole('button', { name: 'Cancelar' }).click();
  await expect(page.getByText('Envio cancelado: a mensagem não vai sair.')).toBeVisible();
  await expect(page.locator('.scheduled-cancelada')).toContainText('Cancelada');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);
});
