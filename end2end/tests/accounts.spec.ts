import { expect } from '@playwright/test';
import { DEMO, login, ready, signup, test, uniqueEmail, uniqueNumber } from './helpers';

test('the demo consultant logs in, sees the dashboard and logs out', async ({ page }, testInfo) => {
  await login(page, testInfo, DEMO.email, DEMO.password);
  await expect(page.getByRole('heading', { name: 'Olá, Joana' })).toBeVisible();
  await expect(page.getByText('Joana Conceição').first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Últimos leads' })).toContainText('Marcos Oliveira');
  // Signed in, the login page has nothing to offer: straight back to the dashboard.
  await page.goto('/entrar');
  await expect(page).toHaveURL(/\/painel$/);
  await ready(page, testInfo);
  await page.getByRole('button', { name: 'Sair' }).click();
  await expect(page).toHaveURL(/\/entrar$/);
  await page.goto('/painel');
  await expect(page).toHaveURL(/\/entrar$/);
});

test('a wrong password gets one clear message in Portuguese', async ({ page }, testInfo) => {
  await page.goto('/entrar');
  await ready(page, testInfo);
  await page.getByLabel('E-mail').fill(DEMO.email);
  await page.getByLabel('Senha').fill('senha-errada');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('alert')).toHaveText('E-mail ou senha incorretos.');
  await expect(page.getByLabel('E-mail')).toHaveValue(DEMO.email);
});

test('sign-up explains what is wrong with each field, then creates the account', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'cadastro');
  await page.goto('/cadastro');
  await ready(page, testInfo);
  await page.getByLabel('Nome').fill('Carla Mendes');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill('curta12');
  await page.getByLabel('WhatsApp').fill('(11) 3333-4444');
  await page.getByLabel('Área de atuação').selectOption('automotive');
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await expect(page.locator('#erro-password')).toHaveText('A senha precisa ter pelo menos 8 caracteres.');
  await expect(page.locator('#erro-whatsapp')).toContainText('Número inválido');
  // Nothing typed is lost (except the password).
  await expect(page.getByLabel('Nome')).toHaveValue('Carla Mendes');
  await expect(page.getByLabel('E-mail')).toHaveValue(email);

  await page.getByLabel('Senha').fill('senha-segura-123');
  await page.getByLabel('WhatsApp').fill(uniqueNumber());
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await expect(page).toHaveURL(/\/painel$/);
  await expect(page.getByRole('heading', { name: 'Olá, Carla' })).toBeVisible();
});

test('every page hydrates under its Content-Security-Policy, with no violation', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'js', 'the policy is about scripts');
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await login(page, testInfo, DEMO.email, DEMO.password);
  for (const path of ['/painel', '/leads', '/leads?vista=lista', '/configuracoes', '/c/joana-conceicao', '/']) {
    const res = await page.goto(path);
    expect(res?.headers()['content-security-policy']).toContain("'nonce-");
    await ready(page, testInfo);
  }
  // Hydrated: the settings counter follows typing only when the wasm runs.
  await page.goto('/configuracoes');
  await ready(page, testInfo);
  // On a busy machine the wasm can still be compiling after the network went quiet: type
  // again until the counter (which only the hydrated page updates) follows.
  await expect(async () => {
    await page.getByLabel('Bio').fill('');
    await page.getByLabel('Bio').fill('Olá');
    await expect(page.getByText('3/200 caracteres')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  expect(violations).toEqual([]);
});

test('changing the password keeps this browser in and signs the others out', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(testInfo, 'senha');
  const fresh = 'uma senha nova e longa 789';
  await signup(page, testInfo, 'Rita Campos', email);
  // The same consultant signed in on a second browser (same JavaScript setting).
  const other = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'pt-BR',
  });
  const otherPage = await other.newPage();
  await login(otherPage, testInfo, email, 'senha-segura-123');

  await page.goto('/configuracoes');
  await ready(page, testInfo);
  const form = page.getByRole('region', { name: 'Senha', exact: true });
  const fill = async (current: string, next: string, confirm: string) => {
    await form.getByLabel('Senha atual').fill(current);
    await form.getByLabel('Nova senha', { exact: true }).fill(next);
    await form.getByLabel('Confirme a nova senha').fill(confirm);
    await form.getByRole('button', { name: 'Alterar senha' }).click();
  };

  // A wrong current password, then a confirmation that differs: each said next to its field.
  await fill('nao-e-esta-123', fresh, fresh);
  await expect(page.locator('#erro-current_password')).toHaveText('Senha atual incorreta.');
  await ready(page, testInfo);
  await fill('senha-segura-123', fresh, 'outra coisa 123');
  await expect(page.locator('#erro-confirm_password')).toHaveText('A confirmação não é igual à nova senha.');
  await ready(page, testInfo);

  await fill('senha-segura-123', fresh, fresh);
  await expect(form.getByRole('status')).toHaveText('Senha alterada. Suas outras sessões foram encerradas.');
  // This browser is still in; the other one is out and needs the new password.
  await page.goto('/painel');
  await expect(page).toHaveURL(/\/painel$/);
  await otherPage.goto('/configuracoes');
  await expect(otherPage).toHaveURL(/\/entrar/);
  await login(otherPage, testInfo, email, fresh);
  await other.close();
});
