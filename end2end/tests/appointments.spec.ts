import { expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { boardShows, consultant, leadNumber, leadWrites, ready, sidewaysOverflow, test } from './helpers';

const column = (page: Page, label: string) => page.getByRole('region', { name: new RegExp(`^${label}`) });
const card = (page: Page, name: string) => page.locator('.lead-card', { hasText: name });

/** A date `days` ahead as the date field takes it (yyyy-mm-dd, São Paulo). */
function daysAhead(days: number): string {
  const t = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(t);
}

test('on a phone, a lead is booked from its card, shown, downloaded as .ics and cancelled', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const number = await consultant(page, testInfo, 'agenda');
  const name = `Gabi Agenda ${testInfo.project.name}`;
  await leadWrites(page, number, leadNumber(), name, 'Oi');
  await boardShows(page, testInfo, [name]);

  const c = card(page, name);
  await c.getByText('Mover', { exact: true }).first().click();
  // The date fields show only while "Agendado" is chosen.
  await expect(c.getByLabel('Data do agendamento')).toBeHidden();
  await c.getByLabel('Mover para').selectOption('agendado');
  await expect(c.getByLabel('Data do agendamento')).toBeVisible();
  await expect(c.getByLabel('Hora (horário de Brasília)')).toBeVisible();

  if (testInfo.project.name === 'js') {
    // With JavaScript the browser asks for the date before posting.
    await expect(c.getByLabel('Data do agendamento')).toHaveAttribute('required', '');
  } else {
    // Without it, the server refuses, and the card's form comes back open with what was typed.
    await c.getByLabel('Local (opcional)').fill('Sala 3, Centro');
    await c.getByRole('button', { name: 'Mover' }).click();
    await expect(page.getByRole('alert')).toContainText('informe a data e a hora');
    await expect(c.getByLabel('Local (opcional)')).toHaveValue('Sala 3, Centro');
    await expect(c.getByLabel('Mover para')).toHaveValue('agendado');
  }
  // A past date is refused with a clear message.
  await c.getByLabel('Data do agendamento').fill(daysAhead(-1));
  await c.getByLabel('Hora (horário de Brasília)').fill('14:30');
  await c.getByRole('button', { name: 'Mover' }).click();
  await expect(page.getByRole('alert')).toContainText('já passaram');
  await expect(column(page, 'Novo')).toContainText(name);

  const date = daysAhead(3);
  await c.getByLabel('Mover para').selectOption('agendado');
  await c.getByLabel('Data do agendamento').fill(date);
  await c.getByLabel('Hora (horário de Brasília)').fill('14:30');
  await c.getByLabel('Local (opcional)').fill('Sala 3, Centro');
  await c.getByRole('button', { name: 'Mover' }).click();
  await expect(page.getByRole('status')).toContainText('Lead movido para “Agendado”');
  const booked = column(page, 'Agendado').locator('.lead-card', { hasText: name });
  await expect(booked).toContainText(/Agendado para \S+, \d\d\/\d\d às 14:30 · Local: Sala 3, Centro/);
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // The lead page: the appointment, its file and Google Agenda's link.
  await booked.getByRole('link', { name }).click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}/);
  await ready(page, testInfo);
  const section = page.getByRole('region', { name: 'Agendamento' });
  await expect(section).toContainText('às 14:30 · Local: Sala 3, Centro');
  const google = section.getByRole('link', { name: 'Adicionar ao Google Agenda' });
  await expect(google).toHaveAttribute('href', /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&text=Encontro%20com%20Gabi%20Agenda/);
  await expect(google).toHaveAttribute('target', '_blank');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  const download = page.waitForEvent('download');
  await section.getByRole('link', { name: 'Baixar para a agenda (.ics)' }).click();
  const file = readFileSync(await (await download).path()).toString('utf8');
  expect(file.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(file).toContain(`\r\nSUMMARY:Encontro com ${name}\r\n`);
  // 14:30 in São Paulo is 17:30 UTC.
  expect(file).toContain(`\r\nDTSTART:${date.replace(/-/g, '')}T173000Z\r\n`);
  expect(file).toContain(`\r\nDTEND:${date.replace(/-/g, '')}T183000Z\r\n`);
  expect(file).toContain('\r\nLOCATION:Sala 3\\, Centro\r\n');

  // The dashboard lists it.
  await page.goto('/painel');
  await expect(page.getByRole('region', { name: 'Próximos agendamentos' })).toContainText(name);
  await page.getByRole('region', { name: 'Próximos agendamentos' }).getByRole('link', { name }).click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}/);
  await ready(page, testInfo);

  // Cancelled from the lead page: the lead stays in "Agendado", without a time.
  await page.getByText('Alterar ou cancelar').click();
  await page.getByRole('button', { name: 'Cancelar agendamento' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Agendamento cancelado' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Agendamento' })).toContainText('Sem horário marcado');
  await page.goto('/painel');
  await expect(page.getByRole('region', { name: 'Próximos agendamentos' })).not.toContainText(name);
});
