import { expect, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { boardShows, consultant, DEMO, leadNumber, leadWrites, login, ready, sidewaysOverflow, test } from './helpers';

/** Reloads the board until every name is on it (the worker runs right after the webhook). */
const column = (page: Page, label: string) => page.getByRole('region', { name: new RegExp(`^${label}`) });
const card = (page: Page, name: string) => page.locator('.lead-card', { hasText: name });

test('the board shows the leads; search and filters live in the URL; export downloads those rows', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'quadro');
  await leadWrites(page, number, leadNumber(), 'Ana Quadro', 'Oi! [ref:perfil]');
  await leadWrites(page, number, leadNumber(), 'Bruno Quadro', 'Olá');
  await boardShows(page, testInfo, ['Ana Quadro', 'Bruno Quadro']);
  await expect(column(page, 'Novo')).toContainText('Ana Quadro');
  await expect(column(page, 'Novo').locator('.badge').first()).toHaveText('2');
  await expect(card(page, 'Ana Quadro')).toContainText('Página pública');
  await expect(card(page, 'Bruno Quadro')).toContainText('Direto');
  await expect(card(page, 'Bruno Quadro')).toContainText('não lida');

  await page.getByLabel('Buscar por nome ou número').fill('bruno');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await expect(page).toHaveURL(/[?&]q=bruno/);
  await expect(page.getByText('Bruno Quadro').first()).toBeVisible();
  await expect(page.getByText('Ana Quadro')).toHaveCount(0);
  // The other filters are folded (the leads come first on a phone).
  await page.locator('summary', { hasText: 'Filtros' }).click();
  await page.getByLabel('Origem').selectOption('pagina');
  await page.getByLabel('Buscar por nome ou número').fill('');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await expect(page).toHaveURL(/origem=pagina/);
  await expect(page.getByText('Ana Quadro').first()).toBeVisible();
  await expect(page.getByText('Bruno Quadro')).toHaveCount(0);

  // The bookmark opens the same view, list included.
  await page.goto(page.url() + '&vista=lista');
  await expect(page.getByRole('table')).toContainText('Ana Quadro');
  await expect(page.getByRole('table')).not.toContainText('Bruno Quadro');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Exportar CSV' }).click();
  const file = readFileSync(await (await download).path());
  expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = file.subarray(3).toString('utf8');
  expect(text.split('\r\n')[0]).toContain('Nome;WhatsApp;Etapa;Origem;Criado em');
  expect(text).toContain('Ana Quadro;');
  expect(text).toContain(';Página pública;');
  expect(text).not.toContain('Bruno Quadro');
});

test('a card moves with the form on the card, and a refused move says why', async ({ page, context }, testInfo) => {
  const number = await consultant(page, testInfo, 'mover');
  await leadWrites(page, number, leadNumber(), 'Carla Mover', 'Oi');
  await boardShows(page, testInfo, ['Carla Mover']);
  // A second tab with the same board, left open and stale.
  const stale = await context.newPage();
  await stale.goto('/leads');
  await ready(stale, testInfo);

  const c = card(page, 'Carla Mover');
  await c.getByText('Mover', { exact: true }).first().click();
  await c.getByLabel('Mover para').selectOption('em_contato');
  await c.getByRole('button', { name: 'Mover' }).click();
  await expect(page.getByRole('status')).toContainText('Lead movido para “Em contato”.');
  await expect(column(page, 'Em contato')).toContainText('Carla Mover');
  await expect(column(page, 'Novo')).not.toContainText('Carla Mover');

  const s = card(stale, 'Carla Mover');
  await s.getByText('Mover', { exact: true }).first().click();
  await s.getByLabel('Mover para').selectOption('em_contato');
  await s.getByRole('button', { name: 'Mover' }).click();
  await expect(stale.getByRole('alert')).toContainText('O lead já está em “Em contato”.');
});

test('with JavaScript, a card is dragged to another column; a refused drop changes nothing', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'js', 'drag and drop needs JavaScript; the form covers the rest');
  const number = await consultant(page, testInfo, 'arrastar');
  await leadWrites(page, number, leadNumber(), 'Davi Arrastar', 'Oi');
  await boardShows(page, testInfo, ['Davi Arrastar']);
  await card(page, 'Davi Arrastar').dragTo(column(page, 'Fechado'));
  await expect(page.getByRole('alert')).toContainText('antes de fechar');
  await expect(column(page, 'Novo')).toContainText('Davi Arrastar');
  await card(page, 'Davi Arrastar').dragTo(column(page, 'Em contato'));
  await expect(column(page, 'Em contato')).toContainText('Davi Arrastar');
  await expect(column(page, 'Novo')).not.toContainText('Davi Arrastar');
});

test('the consultant replies from the lead page, takes over from the bot and hands back', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'responder');
  await leadWrites(page, number, leadNumber(), 'Elisa Resposta', 'Quero um plano');
  await boardShows(page, testInfo, ['Elisa Resposta']);
  await card(page, 'Elisa Resposta').getByRole('link', { name: 'Elisa Resposta' }).click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}$/);
  await ready(page, testInfo);
  await expect(page.getByRole('list', { name: 'Mensagens' })).toContainText('Quero um plano');
  await expect(page.getByText(/restantes para responder/)).toBeVisible();

  await page.getByLabel('Responder pelo WhatsApp').fill('Oi Elisa, aqui é a Paula. Posso ligar?');
  await page.getByRole('button', { name: 'Enviar' }).click();
  await expect(page.getByText('Mensagem enviada.')).toBeVisible();
  await expect(page.getByText('Você assumiu esta conversa.')).toBeVisible();
  const mine = page.locator('.bubble-out', { hasText: 'Posso ligar?' });
  await expect(mine).toContainText('Você');
  // The sandbox transport records it as sent; the page shows it after the next load or poll.
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.bubble-out', { hasText: 'Posso ligar?' })).toContainText('enviada', { timeout: 500 });
  }).toPass({ timeout: 10_000 });

  await ready(page, testInfo);
  await page.getByRole('button', { name: 'Devolver ao assistente' }).click();
  await expect(page.getByText('O assistente voltou a responder este lead.')).toBeVisible();
  await expect(page.getByText('Você assumiu esta conversa.')).toHaveCount(0);

  await page.getByLabel('Nova nota').fill('Prefere contato à tarde');
  await page.getByRole('button', { name: 'Salvar nota' }).click();
  await expect(page.getByText('Nota salva.')).toBeVisible();
  await expect(page.locator('.note', { hasText: 'Prefere contato à tarde' })).toBeVisible();
});

test('with JavaScript, a new WhatsApp message appears on the open lead page without a reload', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'js', 'live updates need JavaScript');
  const number = await consultant(page, testInfo, 'aovivo');
  const from = leadNumber();
  await leadWrites(page, number, from, 'Fábio Ao Vivo', 'Primeira mensagem');
  await boardShows(page, testInfo, ['Fábio Ao Vivo']);
  await card(page, 'Fábio Ao Vivo').getByRole('link', { name: 'Fábio Ao Vivo' }).click();
  await ready(page, testInfo);
  await expect(page.getByRole('list', { name: 'Mensagens' })).toContainText('Primeira mensagem');
  let reloaded = false;
  page.on('load', () => { reloaded = true; });
  await leadWrites(page, number, from, 'Fábio Ao Vivo', 'Mensagem chegando ao vivo');
  await expect(page.getByRole('list', { name: 'Mensagens' })).toContainText('Mensagem chegando ao vivo', { timeout: 15_000 });
  expect(reloaded).toBe(false);
});

test('the leads pages fit a phone screen', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'celular-leads');
  await leadWrites(page, number, leadNumber(), 'Gabriela Com Um Nome Bem Comprido Para Testar', 'Oi');
  await boardShows(page, testInfo, ['Gabriela Com Um Nome']);
  await page.setViewportSize({ width: 375, height: 740 });
  const check = async (path: string) => {
    await page.goto(path);
    const overflow = await sidewaysOverflow(page, testInfo);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  };
  await check('/leads');
  const href = await card(page, 'Gabriela').getByRole('link').first().getAttribute('href');
  await check('/leads?vista=lista');
  await check(href!);
});

test('in the list, a selection moves together and the refused ones are counted', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'massa');
  await leadWrites(page, number, leadNumber(), 'Hugo Massa', 'Oi');
  await leadWrites(page, number, leadNumber(), 'Irene Massa', 'Oi');
  await leadWrites(page, number, leadNumber(), 'Júlia Massa', 'Oi');
  await boardShows(page, testInfo, ['Hugo Massa', 'Irene Massa', 'Júlia Massa']);
  await page.goto('/leads?vista=lista');
  await ready(page, testInfo);
  await page.getByLabel('Selecionar Hugo Massa').check();
  await page.getByLabel('Selecionar Irene Massa').check();
  await page.getByLabel('Mover para', { exact: true }).selectOption('fechado');
  await page.getByRole('button', { name: 'Mover selecionados' }).click();
  // novo → fechado: nobody talked to them yet; refused by the rules, counted, nothing changed.
  await expect(page.getByRole('alert')).toContainText('Nenhum lead foi movido. 2 não puderam ir para “Fechado”');
  await page.getByLabel('Selecionar Hugo Massa').check();
  await page.getByLabel('Selecionar Irene Massa').check();
  await page.getByLabel('Mover para', { exact: true }).selectOption('em_contato');
  await page.getByRole('button', { name: 'Mover selecionados' }).click();
  await expect(page.getByRole('status')).toContainText('2 leads movidos para “Em contato”.');
  const rows = page.getByRole('table');
  await expect(rows.locator('tr', { hasText: 'Hugo Massa' })).toContainText('Em contato');
  await expect(rows.locator('tr', { hasText: 'Júlia Massa' })).toContainText('Novo');
});

test('a reply sent twice quickly reaches the lead once, and the box is ready for the next', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'duas-vezes');
  await leadWrites(page, number, leadNumber(), 'Gil Pressa', 'Oi, tem plano?');
  await boardShows(page, testInfo, ['Gil Pressa']);
  await card(page, 'Gil Pressa').getByRole('link', { name: 'Gil Pressa' }).click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}$/);
  await ready(page, testInfo);
  const bubbles = (text: string) => page.locator('.bubble-out', { hasText: text });

  // Two posts of the same rendered form at once, as a double tap without JavaScript sends them.
  const form = page.locator('form.reply-form');
  const fields = {
    csrf: await form.locator('input[name="csrf"]').inputValue(),
    lead: await form.locator('input[name="lead"]').inputValue(),
    envio: await form.locator('input[name="envio"]').inputValue(),
    body: 'Tenho sim! Posso ligar?',
  };
  const post = () => page.request.post('/api/responder-lead', {
    form: fields,
    headers: { accept: 'text/html', referer: page.url() },
    maxRedirects: 0,
  });
  const [a, b] = await Promise.all([post(), post()]);
  expect([a.status(), b.status()]).toEqual([302, 302]);
  await page.reload();
  await ready(page, testInfo);
  await expect(bubbles('Posso ligar?')).toHaveCount(1);

  // As a person taps: twice on the button. One message; with JavaScript the box empties.
  await page.getByLabel('Responder pelo WhatsApp').fill('Qual o melhor horário?');
  await page.getByRole('button', { name: 'Enviar' }).dblclick();
  await expect(page.getByText('Mensagem enviada.')).toBeVisible();
  if (testInfo.project.name === 'js') {
    await expect(page.getByLabel('Responder pelo WhatsApp')).toHaveValue('');
    // The next message is a new one.
    await page.getByLabel('Responder pelo WhatsApp').fill('Pode ser amanhã?');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await expect(page.getByRole('button', { name: 'Enviar' })).toBeEnabled();
  }
  await expect(async () => {
    await page.reload();
    await expect(bubbles('Qual o melhor horário?')).toHaveCount(1, { timeout: 500 });
    if (testInfo.project.name === 'js') await expect(bubbles('Pode ser amanhã?')).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
});

test('on a phone, the lead page opens the conversation at its newest message with the reply box at hand', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const number = await consultant(page, testInfo, 'celular');
  const from = leadNumber();
  // One message at a time: WhatsApp does not promise their order, nor do the workers.
  await leadWrites(page, number, from, 'Fábio Longo', 'Oi');
  await boardShows(page, testInfo, ['Fábio Longo']);
  await card(page, 'Fábio Longo').getByRole('link', { name: 'Fábio Longo' }).click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}$/);
  const leadUrl = page.url();
  const shows = async (text: string) =>
    expect.poll(async () => (await page.request.get(leadUrl)).text(), { timeout: 15_000 }).toContain(text);
  await shows('qual é o seu nome?');
  await leadWrites(page, number, from, 'Fábio Longo', 'Fábio Longo');
  await shows('Prazer, Fábio Longo!');
  for (let i = 1; i <= 10; i++) await leadWrites(page, number, from, 'Fábio Longo', `Mensagem número ${i}`);
  await shows('Mensagem número 10');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(leadUrl);
  await ready(page, testInfo);
  await expect(page.getByRole('list', { name: 'Mensagens' })).toContainText('Mensagem número 10');
  // The conversation is a window that starts at its end: the newest message is in sight.
  const window = page.getByRole('region', { name: 'Mensagens da conversa' });
  const inSight = await window.evaluate((el) => {
    const bubbles = el.querySelectorAll('.bubble');
    const last = bubbles[bubbles.length - 1].getBoundingClientRect();
    const first = bubbles[0].getBoundingClientRect();
    const frame = el.getBoundingClientRect();
    // The newest inside the window; the oldest above it, scrolled away.
    return last.bottom <= frame.bottom + 1 && last.top >= frame.top && first.top < frame.top;
  });
  expect(inSight).toBe(true);
  // The reply box follows it, within about a screen and a half (it was ~3,000 px down).
  const box = await page.getByLabel('Responder pelo WhatsApp').boundingBox();
  expect(box!.y).toBeLessThan(1300);
  // The loss reason shows only while "Perdido" is chosen.
  const reason = page.getByLabel('Motivo da perda (opcional)');
  await expect(reason).toBeHidden();
  await page.getByLabel('Mover para').selectOption('perdido');
  await expect(reason).toBeVisible();
});

test('on a phone, every stage of the board is one tap away, under one row of navigation', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, testInfo, DEMO.email, DEMO.password);
  await page.goto('/leads');
  // The stages sit side by side inside the board: the page itself does not scroll sideways.
  expect(await sidewaysOverflow(page, testInfo)).toBe(0);
  // One row on top (it was three: the name, then the links wrapping on two lines); the pages'
  // links are one row at the bottom of the screen.
  expect((await page.locator('header.topbar').boundingBox())!.height).toBeLessThan(60);
  const nav = (await page.getByRole('navigation', { name: 'Principal' }).boundingBox())!;
  expect(nav.height).toBeLessThan(60);
  expect(Math.round(nav.y + nav.height)).toBe(844);
  const stage = (name: string) => page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) });
  await expect(stage('Novo')).toBeInViewport();
  await expect(stage('Perdido')).not.toBeInViewport();
  const switcher = page.getByRole('navigation', { name: 'Etapas' });
  for (const name of ['Perdido', 'Agendado', 'Novo', 'Fechado', 'Em contato']) {
    await switcher.getByRole('link', { name: new RegExp(`^${name}`) }).click();
    await expect(stage(name)).toBeInViewport();
  }
  await expect(stage('Perdido')).not.toBeInViewport();
});
