import { expect } from '@playwright/test';
import { boardShows, consultant, leadNumber, leadSpeaks, leadWrites, ready, sidewaysOverflow, test } from './helpers';

test('a voice note answers the question and shows with its player and transcript, on a phone', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'audio');
  await page.setViewportSize({ width: 375, height: 740 });
  const from = leadNumber();
  await leadWrites(page, number, from, 'Bia Zap', 'Oi');
  await boardShows(page, testInfo, ['Bia Zap']);
  // The name question is answered by voice; the flow goes on to the next question.
  await leadSpeaks(page, number, from, 'Bia Zap', 'Beatriz Fonseca');
  await expect(async () => {
    await page.goto('/leads');
    // The card's name is the answer (the last message shows the transcript a moment before).
    await expect(page.getByRole('link', { name: 'Beatriz Fonseca' }).first()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Beatriz Fonseca' }).first().click();
  await ready(page, testInfo);
  const heard = page.locator('.bubble-in', { hasText: 'Beatriz Fonseca' });
  await expect(heard).toContainText('Transcrição automática do áudio');
  await expect(heard.locator('audio')).toHaveAttribute('src', /\/leads\/[0-9a-f-]{36}\/midia\/[0-9a-f-]{36}$/);
  await expect(heard.getByRole('link', { name: 'Baixar áudio' })).toBeVisible();
  // The next question went out, with the spoken name in it.
  await expect(page.locator('.bubble-out', { hasText: 'Prazer, Beatriz' })).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // A note that cannot be heard: the lead is asked to write, and the page says so.
  await leadSpeaks(page, number, from, 'Bia Zap', 'FALHA');
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('Áudio não transcrito').first()).toBeVisible({ timeout: 500 });
    await expect(page.locator('.bubble-out', { hasText: 'não consegui ouvir seu áudio' })).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
});
