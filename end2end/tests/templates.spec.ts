import { expect } from '@playwright/test';
import { DEMO, login, ready, sidewaysOverflow, test } from './helpers';

// A consultant writes a WhatsApp template on a phone, previews it, has it approved (the
// sandbox approves at once) and sends it to a lead whose 24-hour window closed (the demo's
// Patrícia wrote 50 hours ago), with a variable changed. JavaScript on and off.
test('a template is written, previewed, approved and sent to a quiet lead at 375 px', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await login(page, testInfo, DEMO.email, DEMO.password);
  await page.goto('/modelos');
  await ready(page, testInfo);
  const name = `retomar_${testInfo.project.name.replace('-', '_')}_${Date.now()}`;
  await page.getByLabel('Nome', { exact: true }).fill(name);
  await page.getByLabel('Categoria').selectOption('marketing');
  await page.getByLabel('Texto da mensagem').fill('Olá {{1}}, aqui é {{2}}. Podemos retomar a conversa sobre o seu plano?');
  await page.getByText('Variáveis (até 6)').click();
  await page.locator('#var1_fonte').selectOption('primeiro_nome');
  await page.locator('#var1_exemplo').fill('Maria');
  await page.locator('#var2_fonte').selectOption('consultor');
  await page.locator('#var2_exemplo').fill('Ana');
  await page.getByLabel('Resposta rápida 1').fill('Quero retomar');
  await page.getByRole('button', { name: 'Pré-visualizar' }).click();
  await expect(page.getByText('Tudo certo com as regras da Meta')).toBeVisible();
  await expect(page.locator('.template-preview-box .wa-body')).toHaveText('Olá Maria, aqui é Ana. Podemos retomar a conversa sobre o seu plano?');
  // What was typed is still there after the preview (a plain post without JavaScript).
  await expect(page.getByLabel('Nome', { exact: true })).toHaveValue(name);
  await ready(page, testInfo);
  await page.getByRole('button', { name: 'Enviar para aprovação' }).last().click();
  await expect(page.getByText(`Modelo "${name}" aprovado (modo de teste, sem a Meta).`)).toBeVisible();
  const mine = page.locator('.template-item', { hasText: name });
  await expect(mine.getByText('Aprovado', { exact: true })).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // A mistake Meta would refuse hours later is refused now, in Portuguese.
  await page.getByLabel('Nome', { exact: true }).fill('outro');
  await page.getByLabel('Texto da mensagem').fill('{{1}}, tudo bem com você hoje?');
  await page.getByText('Variáveis (até 6)').click();
  await page.locator('#var1_exemplo').fill('Ana');
  await page.getByRole('button', { name: 'Enviar para aprovação' }).last().click();
  await expect(page.getByRole('alert')).toContainText('começa ou termina com uma variável');

  // The lead who went quiet: outside the window the page offers the approved template.
  await page.goto('/leads?q=Patr%C3%ADcia');
  await ready(page, testInfo);
  await page.getByRole('link', { name: /Patrícia Souza/ }).first().click();
  await expect(page).toHaveURL(/\/leads\/[0-9a-f-]{36}/);
  await ready(page, testInfo);
  await expect(page.getByText('Enviar um modelo aprovado')).toBeVisible();
  const choice = page.locator('details.template-choice', { hasText: name });
  // Open unless it is the only one (then it is open already).
  if (!(await choice.evaluate((d) => (d as HTMLDetailsElement).open))) await choice.locator('summary').click();
  const first = choice.getByLabel(/\{\{1\}\}/);
  await expect(first).toHaveValue('Patrícia');
  const preview = choice.getByLabel('Pré-visualização no WhatsApp');
  await expect(preview).toContainText('Olá Patrícia, aqui é');
  await first.fill('Paty');
  // With JavaScript the preview follows the edit before anything is sent.
  if (testInfo.project.name === 'js') await expect(preview).toContainText('Olá Paty, aqui é');
  await choice.getByRole('button', { name: 'Enviar modelo' }).click();
  await expect(page.getByText(`Modelo "${name}" enviado.`)).toBeVisible();
  await expect(page.locator('.chat-section').getByText(/Olá Paty, aqui é/).first()).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);
});

// A template is changed (the form opens filled with it, its name fixed) and then deleted,
// on a phone, JavaScript on and off. The sandbox approves a change at once.
test('a template is changed and deleted at 375 px', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await login(page, testInfo, DEMO.email, DEMO.password);
  await page.goto('/modelos');
  await ready(page, testInfo);
  const name = `mudar_${testInfo.project.name.replace('-', '_')}_${Date.now()}`;
  await page.getByLabel('Nome', { exact: true }).fill(name);
  await page.getByLabel('Texto da mensagem').fill('Olá, sua cotação ficou pronta e já está no seu e-mail.');
  await page.getByRole('button', { name: 'Enviar para aprovação' }).last().click();
  await expect(page.getByText(`Modelo "${name}" aprovado (modo de teste, sem a Meta).`)).toBeVisible();

  await page.getByRole('link', { name: `Alterar o modelo ${name}` }).click();
  await expect(page.getByRole('heading', { name: `Alterar o modelo ${name}` })).toBeVisible();
  await ready(page, testInfo);
  await expect(page.getByLabel('Nome', { exact: true })).toHaveValue(name);
  await expect(page.getByLabel('Texto da mensagem')).toHaveValue('Olá, sua cotação ficou pronta e já está no seu e-mail.');
  await page.getByLabel('Texto da mensagem').fill('Olá, sua cotação ficou pronta: veja no seu e-mail e me chame aqui.');
  await page.getByRole('button', { name: 'Enviar alteração para análise' }).click();
  await expect(page.getByText(`Modelo "${name}" alterado e aprovado (modo de teste, sem a Meta).`)).toBeVisible();
  const mine = page.locator('.template-item', { hasText: name });
  await expect(mine.locator('.wa-body')).toHaveText('Olá, sua cotação ficou pronta: veja no seu e-mail e me chame aqui.');
  await expect(page.getByRole('heading', { name: 'Novo modelo' })).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  await ready(page, testInfo);
  await mine.getByRole('button', { name: 'Excluir' }).click();
  await expect(page.getByText(`Modelo "${name}" excluído.`)).toBeVisible();
  await expect(page.locator('.template-item', { hasText: name })).toHaveCount(0);
});
