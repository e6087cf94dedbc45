import { expect, Page } from '@playwright/test';
import { boardShows, consultant, leadNumber, leadWrites, openOwnCopy, ready, sidewaysOverflow, test } from './helpers';

const card = (page: Page, name: string) => page.locator('.lead-card', { hasText: name });

test('a card shows the lead temperature, the filter and the order follow it, the lead page says why, on a phone', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'temperatura');
  await page.setViewportSize({ width: 375, height: 740 });
  await leadWrites(page, number, leadNumber(), 'Rita Morna', 'Oi');
  await boardShows(page, testInfo, ['Rita Morna']);
  // Just wrote, nothing answered yet: 1 point, morno.
  await expect(card(page, 'Rita Morna').locator('.tag-morno')).toHaveText('Morno');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // The filter form (folded on a phone): temperature and order live in the URL.
  await page.locator('summary', { hasText: 'Filtros' }).click();
  await page.getByLabel('Temperatura').selectOption('quente');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await expect(page).toHaveURL(/[?&]temperatura=quente/);
  await expect(page.getByText('Nenhum lead com estes filtros.')).toBeVisible();
  await expect(page.getByText('Rita Morna')).toHaveCount(0);

  await page.goto('/leads?temperatura=morno&ordem=temperatura');
  await ready(page, testInfo);
  await expect(card(page, 'Rita Morna')).toBeVisible();
  await expect(page.getByLabel('Ordem')).toHaveValue('temperatura');
  await expect(page.getByLabel('Temperatura')).toHaveValue('morno');

  // The list has a column of its own, sortable.
  await page.goto('/leads?vista=lista');
  await ready(page, testInfo);
  await page.getByRole('link', { name: 'Temperatura' }).click();
  await expect(page).toHaveURL(/ordem=temperatura/);
  await expect(page.getByRole('table')).toContainText('Morno');

  // The lead page: the temperature, and why (a disclosure: works without JavaScript).
  await page.getByRole('link', { name: 'Rita Morna' }).click();
  await ready(page, testInfo);
  const why = page.locator('details.temperature-why');
  await expect(why.locator('summary')).toContainText('Morno 1 ponto · por quê?');
  await why.locator('summary').click();
  await expect(why).toContainText('Escreveu nas últimas 24 horas +1');
  await expect(why).toContainText('Quente a partir de 4 pontos');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);
});

test('a lead from an ad names the ad on its card, and the dashboard counts leads per ad', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'anuncio');
  await page.setViewportSize({ width: 375, height: 740 });
  await leadWrites(page, number, leadNumber(), 'Caio Anúncio', 'Oi, vi o anúncio', {
    source_type: 'ad', source_id: '120210', headline: 'Plano família 30% off',
    source_url: 'https://www.instagram.com/p/abc', ctwa_clid: 'ARAkLk-e2e',
  });
  await boardShows(page, testInfo, ['Caio Anúncio']);
  await expect(card(page, 'Caio Anúncio')).toContainText('Anúncio no Instagram: Plano família 30% off');
  await expect(card(page, 'Caio Anúncio').locator('.tag-morno')).toHaveText('Morno');

  await page.goto('/painel');
  await ready(page, testInfo);
  const ads = page.locator('figure', { has: page.getByRole('heading', { name: 'Anúncios e campanhas' }) });
  await ads.locator('summary', { hasText: 'Ver tabela' }).click();
  const row = ads.getByRole('row', { name: /Anúncio no Instagram: Plano família 30% off/ });
  await expect(row).toContainText('1');
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);
});

test('an option points are set in the flow editor and kept', async ({ page }, testInfo) => {
  await consultant(page, testInfo, 'pontos');
  const editorUrl = await openOwnCopy(page, testInfo);
  // Step 2 asks who the plan is for; "Só eu" is its first option.
  await page.locator('#etapa-1 summary').click();
  const points = page.locator('#etapa-1').getByLabel('Pontos na temperatura').first();
  await expect(points).toHaveValue('0');
  await points.fill('3');
  await page.getByRole('button', { name: 'Salvar e publicar' }).click();
  await expect(page.getByText('Versão 2 publicada')).toBeVisible();
  await page.goto(editorUrl);
  await ready(page, testInfo);
  await page.locator('#etapa-1 summary').click();
  await expect(page.locator('#etapa-1').getByLabel('Pontos na temperatura').first()).toHaveValue('3');
  // The template's own points came with the copy ("Família" +2).
  await expect(page.locator('#etapa-1').getByLabel('Pontos na temperatura').nth(1)).toHaveValue('2');
});
