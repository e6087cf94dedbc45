import { expect, Page, test as base, TestInfo } from '@playwright/test';
import { createHmac } from 'node:crypto';

const SECRET = 'segredo-e2e';

/// Every test fails if the browser refused anything under the page's Content-Security-Policy:
/// a page that lost its policy (or a script without the nonce) shows up here first. A CI run
/// once had dashboards served with the fixed `default-src 'none'` policy, unstyled.
export const test = base.extend<{ policyViolations: void }>({
  policyViolations: [async ({ page }, use) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    await use();
    expect(violations, 'the browser refused something under the page policy').toEqual([]);
  }, { auto: true }],
});

export const DEMO = { email: 'demo@consultor.app', password: 'demonstracao123' };

/** With JavaScript on, wait until the page is hydrated so clicks go through Leptos. */
export async function ready(page: Page, testInfo: TestInfo) {
  await page.waitForLoadState('load');
  if (testInfo.project.name === 'js') {
    // The wasm bundle is fetched after load; once the network is quiet it has hydrated.
    await page.waitForLoadState('networkidle');
  }
}

/// How far the page scrolls sideways, measured once it is styled (and, with JavaScript, hydrated).
/// A CI run once measured the list view before its stylesheet applied (548 px unstyled against
/// 375 px styled), so this waits for the app's sheet to hold rules instead of trusting `load`.
export async function sidewaysOverflow(page: Page, testInfo: TestInfo): Promise<number> {
  await ready(page, testInfo);
  // Playwright evaluates in its own world, so this works with the page's JavaScript off too.
  await page.waitForFunction(() => {
    const sheet = [...document.styleSheets].find((s) => (s.href ?? '').endsWith('/pkg/consultor.css'));
    return !!sheet && sheet.cssRules.length > 0;
  });
  return page.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth);
}

export function uniqueEmail(testInfo: TestInfo, tag: string) {
  return `e2e-${tag}-${testInfo.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@exemplo.com`;
}

export async function login(page: Page, testInfo: TestInfo, email: string, password: string) {
  await page.goto('/entrar');
  await ready(page, testInfo);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page).toHaveURL(/\/painel$/);
}

/** Signs up a consultant; returns the WhatsApp number it was given, as digits with 55. */
export async function signup(page: Page, testInfo: TestInfo, name: string, email: string) {
  const number = uniqueNumber();
  await page.goto('/cadastro');
  await ready(page, testInfo);
  await page.getByLabel('Nome').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill('senha-segura-123');
  await page.getByLabel('WhatsApp').fill(number);
  await page.getByLabel('Área de atuação').selectOption('real_estate');
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await expect(page).toHaveURL(/\/painel$/);
  return `55${number.replace(/\D/g, '')}`;
}

/** A WhatsApp number nobody else in this run has (one number, one account). */
export function uniqueNumber() {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return `(11) 9${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/** A consultant of this test's own, with a WhatsApp number nobody else uses. */
export async function consultant(page: Page, testInfo: TestInfo, tag: string) {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  await page.goto('/cadastro');
  await ready(page, testInfo);
  await page.getByLabel('Nome').fill('Paula Quadro');
  await page.getByLabel('E-mail').fill(uniqueEmail(testInfo, tag));
  await page.getByLabel('Senha').fill('senha-segura-123');
  await page.getByLabel('WhatsApp').fill(`(11) 9${digits.slice(0, 4)}-${digits.slice(4)}`);
  await page.getByLabel('Área de atuação').selectOption('health_plans');
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await expect(page).toHaveURL(/\/painel$/);
  return `55119${digits}`;
}

let counter = 0;
/** A lead's message to the consultant's number, posted as Meta sends it (signed); `content`
 * holds its `type` and the field named by it. */
async function leadSends(page: Page, to: string, from: string, name: string, content: object) {
  counter += 1;
  const payload = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: to, phone_number_id: '000' },
      contacts: [{ profile: { name }, wa_id: from }],
      messages: [{ from, id: `wamid.leads.${Date.now()}.${counter}.${Math.random()}`, timestamp: '1700000000', ...content }],
    } }] }],
  });
  const signature = 'sha256=' + createHmac('sha256', SECRET).update(payload).digest('hex');
  const res = await page.request.post('/webhooks/whatsapp', {
    data: payload,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
  });
  expect(res.status()).toBe(200);
}

/** A lead writes to the consultant's number; with `referral`, the message comes from a
 * click-to-WhatsApp ad (Meta's referral object). */
export async function leadWrites(page: Page, to: string, from: string, name: string, body: string, referral?: object) {
  await leadSends(page, to, from, name, { type: 'text', text: { body }, ...(referral ? { referral } : {}) });
}

/** A lead sends a voice note saying `words` (the test stand-ins hear exactly them; "FALHA":
 * the transcription fails). */
export async function leadSpeaks(page: Page, to: string, from: string, name: string, words: string) {
  const id = `voz-${Buffer.from(words, 'utf8').toString('base64url')}`;
  await leadSends(page, to, from, name, { type: 'audio', audio: { id, mime_type: 'audio/ogg; codecs=opus', voice: true } });
}

/** Opens the board until every name is on it (the worker processes webhooks a moment later). */
export async function boardShows(page: Page, testInfo: TestInfo, names: string[]) {
  await expect(async () => {
    await page.goto('/leads');
    for (const n of names) await expect(page.getByText(n).first()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await ready(page, testInfo);
}

export function leadNumber() {
  return `55219${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** Copies the live template from `/fluxos` and opens the copy in the editor; returns its URL. */
export async function openOwnCopy(page: Page, testInfo: TestInfo): Promise<string> {
  await page.goto('/fluxos');
  await ready(page, testInfo);
  await page.getByRole('region', { name: 'Modelos' }).locator('li', { hasText: 'Ativo' })
    .getByRole('button', { name: 'Copiar para meus fluxos' }).click();
  await expect(page.getByText('Ele ainda não está ativo.')).toBeVisible();
  await page.getByRole('region', { name: 'Meus fluxos' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/fluxos\/[0-9a-f-]{36}$/);
  await ready(page, testInfo);
  return page.url();
}
