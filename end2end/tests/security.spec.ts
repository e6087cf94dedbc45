import { expect, Page, TestInfo } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { ready, sidewaysOverflow, signup, test, uniqueEmail } from './helpers';

// The account's own security, as a person does it, with JavaScript on and off: a forgotten
// password replaced from the e-mail (read from the test mail server), another session ended
// from Settings, and two-step sign-in with an authenticator app.

const PASSWORD = 'senha-segura-123';
const mailSink = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? '3100') + 26}`;

/** A second browser with the same JavaScript setting. */
async function otherBrowser(page: Page, testInfo: TestInfo) {
  const context = await page.context().browser()!.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'pt-BR',
  });
  return context.newPage();
}

async function passwordStep(page: Page, testInfo: TestInfo, email: string, password: string) {
  await page.goto('/entrar');
  await ready(page, testInfo);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/** The link of the last e-mail sent to `to` (quoted-printable undone). */
async function linkMailedTo(page: Page, to: string): Promise<string> {
  let link = '';
  await expect(async () => {
    const res = await page.request.get(`${mailSink}/messages`);
    const all: { to: string[]; data: string }[] = await res.json();
    const mine = all.filter((m) => m.to.includes(to));
    expect(mine.length).toBeGreaterThan(0);
    const text = mine[mine.length - 1].data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const found = text.match(/https?:\/\/[^\s]+\/redefinir-senha\?t=[0-9a-f]{64}/);
    expect(found).not.toBeNull();
    link = found![0];
  }).toPass({ timeout: 10_000 });
  return new URL(link).pathname + new URL(link).search;
}

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/\s/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The authenticator app's code (RFC 6238), `ahead` 30-second steps from now. */
function totp(secret: string, ahead = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + ahead;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[19] & 0x0f;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

test('a forgotten password is replaced from the link in the e-mail', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'esqueci');
  await signup(page, testInfo, 'Olga Reis', email);

  const phone = await otherBrowser(page, testInfo);
  await phone.goto('/entrar');
  await ready(phone, testInfo);
  await phone.getByRole('link', { name: 'Esqueci minha senha' }).click();
  await expect(phone).toHaveURL(/\/esqueci-senha$/);
  await ready(phone, testInfo);
  await phone.getByLabel('E-mail').fill(email);
  await phone.getByRole('button', { name: 'Enviar o link' }).click();
  await expect(phone.getByRole('status')).toContainText('Se houver uma conta com este e-mail');

  const link = await linkMailedTo(phone, email);
  await phone.goto(link);
  await ready(phone, testInfo);
  await phone.getByLabel('Nova senha').fill('curta');
  await phone.getByRole('button', { name: 'Salvar a nova senha' }).click();
  await expect(phone.locator('#erro-password')).toContainText('pelo menos 8 caracteres');
  await ready(phone, testInfo);
  await phone.getByLabel('Nova senha').fill('nova senha lembrada 456');
  await phone.getByRole('button', { name: 'Salvar a nova senha' }).click();
  await expect(phone.getByRole('status')).toHaveText('Senha alterada. Entre com a nova senha.');

  // Every session of the account ended; the link works once.
  await page.goto('/configuracoes');
  await expect(page).toHaveURL(/\/entrar/);
  await phone.goto(link);
  await expect(phone.getByRole('alert')).toContainText('não vale mais');
  await passwordStep(phone, testInfo, email, 'nova senha lembrada 456');
  await expect(phone).toHaveURL(/\/painel$/);
  await phone.context().close();
});

test('another session is ended from Settings', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'sessoes');
  await signup(page, testInfo, 'Ivo Prates', email);
  const laptop = await otherBrowser(page, testInfo);
  await passwordStep(laptop, testInfo, email, PASSWORD);
  await expect(laptop).toHaveURL(/\/painel$/);

  await page.goto('/configuracoes');
  await ready(page, testInfo);
  const sessions = page.getByRole('region', { name: 'Sessões abertas' });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  await expect(sessions).toContainText('(este aparelho)');
  await sessions.getByRole('button', { name: 'Encerrar todas as outras' }).click();
  await expect(page.getByRole('region', { name: 'Sessões abertas' }).getByRole('status'))
    .toHaveText('1 outra sessão foi encerrada.');
  await expect(page.getByRole('region', { name: 'Sessões abertas' }).getByRole('listitem')).toHaveCount(1);

  await laptop.goto('/painel');
  await expect(laptop).toHaveURL(/\/entrar/);
  await laptop.context().close();
});

test('two-step sign-in: turned on with the app, then asked after the password', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'duas-etapas');
  await signup(page, testInfo, 'Vera Lima', email);
  await page.goto('/configuracoes');
  await ready(page, testInfo);
  const section = () => page.getByRole('region', { name: 'Verificação em duas etapas' });
  await section().getByRole('button', { name: 'Ativar' }).click();
  await expect(section().getByRole('button', { name: 'Confirmar e ativar' })).toBeVisible();
  await ready(page, testInfo);
  const href = await section().getByRole('link', { name: 'abrir no aplicativo' }).getAttribute('href');
  const secret = new URL(href!).searchParams.get('secret')!;
  await expect(section().getByRole('img', { name: 'Código QR da chave' })).toBeVisible();
  // The set-up, with its key and QR code, on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await sidewaysOverflow(page, testInfo), 'the set-up scrolls sideways').toBeLessThanOrEqual(0);

  await section().getByLabel('Código do aplicativo').fill('000000');
  await section().getByRole('button', { name: 'Confirmar e ativar' }).click();
  await expect(section().locator('#erro-codigo')).toContainText('Código incorreto');
  await ready(page, testInfo);
  await section().getByLabel('Código do aplicativo').fill(totp(secret));
  await section().getByRole('button', { name: 'Confirmar e ativar' }).click();
  await expect(section().getByRole('status')).toContainText('Verificação em duas etapas ativada');
  await expect(section().locator('.recovery-codes li')).toHaveCount(10);

  const phone = await otherBrowser(page, testInfo);
  await passwordStep(phone, testInfo, email, PASSWORD);
  await expect(phone).toHaveURL(/\/entrar\/codigo$/);
  await phone.setViewportSize({ width: 390, height: 844 });
  expect(await sidewaysOverflow(phone, testInfo), 'the code page scrolls sideways').toBeLessThanOrEqual(0);
  await phone.getByLabel('Código').fill('123456');
  await phone.getByRole('button', { name: 'Entrar' }).click();
  await expect(phone.locator('#erro-codigo')).toContainText('Código incorreto');
  await ready(phone, testInfo);
  await phone.getByLabel('Código').fill(totp(secret, 1));
  await phone.getByRole('button', { name: 'Entrar' }).click();
  await expect(phone).toHaveURL(/\/painel$/);
  await phone.context().close();
});
