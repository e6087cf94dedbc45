import { expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { DEMO, login, test } from './helpers';

const SECRET = 'segredo-e2e';

function signedPost(wamid: string, from: string, name: string, body: string) {
  const payload = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      // The demo consultant's number, as Meta writes it.
      metadata: { display_phone_number: '5511912345678', phone_number_id: '000' },
      contacts: [{ profile: { name }, wa_id: from }],
      messages: [{ from, id: wamid, timestamp: '1700000000', type: 'text', text: { body } }],
    } }] }],
  });
  const signature = 'sha256=' + createHmac('sha256', SECRET).update(payload).digest('hex');
  return { payload, signature };
}

test('a lead who writes on WhatsApp shows up on the dashboard', async ({ page, request }, testInfo) => {
  const suffix = String(Date.now() % 1e8).padStart(8, '0');
  const from = `55219${suffix}`;
  const name = `Lead ${testInfo.project.name} ${suffix}`;
  const { payload, signature } = signedPost(`wamid.e2e.${suffix}.${testInfo.project.name}`, from, name, 'Oi! [ref:perfil]');

  const refused = await request.post('/webhooks/whatsapp', {
    data: payload,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
  });
  expect(refused.status()).toBe(401);
  const accepted = await request.post('/webhooks/whatsapp', {
    data: payload,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
  });
  expect(accepted.status()).toBe(200);

  await login(page, testInfo, DEMO.email, DEMO.password);
  // The worker processes the event right after the acknowledgement; reload until it shows.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('region', { name: 'Últimos leads' })).toContainText(name, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'Últimos leads' })).toContainText(`+55 (21) 9${suffix.slice(0, 4)}-${suffix.slice(4)}`);
});
