import { expect } from '@playwright/test';
import { DEMO, login, ready, sidewaysOverflow, signup, test, uniqueEmail } from './helpers';

test('the dashboard shows the period figures and its charts, with a period switch', async ({ page }, testInfo) => {
  await login(page, testInfo, DEMO.email, DEMO.password);
  await page.goto('/painel?periodo=7');
  await ready(page, testInfo);
  await expect(page.getByRole('link', { name: '7 dias' })).toHaveAttribute('aria-current', 'page');
  const figures = page.getByRole('region', { name: 'Números do período' });
  // The demo's leads were all created in the last few days.
  const created = figures.locator('.card').filter({ hasText: 'Leads novos' }).locator('.card-value');
  await expect(created).toHaveText(/^[1-9][0-9.]*$/);
  await expect(figures).toContainText('Conversão (fechados / novos)');
  await expect(figures).toContainText('vs. período anterior');
  await expect(page.getByText(/Atualizado às \d\d:\d\d/)).toBeVisible();
  // Every chart is an SVG drawn by the server, named for screen readers, with its table.
  const charts = page.locator('svg.chart');
  expect(await charts.count()).toBeGreaterThanOrEqual(3);
  for (const chart of await charts.all()) {
    await expect(chart.locator('title')).not.toBeEmpty();
  }
  await expect(page.getByRole('img', { name: /Leads por dia/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Funil de leads/ })).toBeVisible();
  await page.getByText('Ver tabela').first().click();
  await expect(page.locator('table.chart-table').first()).toBeVisible();

  await page.getByRole('link', { name: '90 dias' }).click();
  await expect(page).toHaveURL(/periodo=90/);
  await expect(page.getByRole('link', { name: '90 dias' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('svg.chart').first()).toBeVisible();
});

test('a new consultant sees how to start instead of empty charts', async ({ page }, testInfo) => {
  await signup(page, testInfo, 'Renata Painel', uniqueEmail(testInfo, 'painel'));
  await expect(page.getByRole('heading', { name: 'Comece por aqui' })).toBeVisible();
  await expect(page.getByText('Teste seu bot')).toBeVisible();
  await expect(page.locator('svg.chart')).toHaveCount(0);
});

test('the dashboard fits a phone screen', async ({ page }, testInfo) => {
  await login(page, testInfo, DEMO.email, DEMO.password);
  await page.setViewportSize({ width: 375, height: 740 });
  for (const period of ['7', '30', '90', 'mes']) {
    await page.goto(`/painel?periodo=${period}`);
    const overflow = await sidewaysOverflow(page, testInfo);
    expect(overflow, `period ${period} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  // The charts' words are readable on the phone: each drawn at least 10 px tall (the SVG
  // scales down to the screen; they were 7 to 8 px at 390 px).
  const smallest = await page.locator('svg.chart text').evaluateAll((texts) =>
    Math.min(...texts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)));
  expect(smallest).toBeGreaterThanOrEqual(10);
});

test('moving between pages keeps the header on screen; only the page waits', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'js', 'without JavaScript every link is a new page');
  await login(page, testInfo, DEMO.email, DEMO.password);
  await ready(page, testInfo);
  const nav = page.getByRole('navigation', { name: 'Principal' });
  await expect(nav).toBeVisible();
  const header = await page.locator('header.topbar').elementHandle();
  expect(header).not.toBeNull();
  for (const [name, url] of [['Leads', /\/leads$/], ['Fluxos', /\/fluxos$/], ['Painel', /\/painel$/]] as const) {
    await nav.getByRole('link', { name }).click();
    await expect(page).toHaveURL(url);
    // The same header element, never taken down and drawn again (no blank screen).
    expect(await header!.evaluate((el) => el.isConnected)).toBe(true);
  }
  await expect(page.locator('header.topbar')).toHaveCount(1);
});
