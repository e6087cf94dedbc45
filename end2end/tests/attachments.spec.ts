import { expect } from '@playwright/test';
import { boardShows, consultant, leadNumber, leadWrites, ready, sidewaysOverflow, test } from './helpers';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

test('a PDF is attached to a reply and sent; a wrong file is refused; the library sends one, on a phone', async ({ page }, testInfo) => {
  const number = await consultant(page, testInfo, 'anexo');
  await page.setViewportSize({ width: 375, height: 740 });
  await leadWrites(page, number, leadNumber(), 'Clara Anexo', 'Oi');
  await boardShows(page, testInfo, ['Clara Anexo']);
  await page.getByRole('link', { name: 'Clara Anexo' }).first().click();
  await ready(page, testInfo);
  const leadPage = page.url().split('#')[0];

  // A page renamed as a PDF is refused, in words, and nothing is sent.
  await page.locator('summary', { hasText: 'Enviar arquivo' }).click();
  await page.getByLabel('Arquivo', { exact: true }).setInputFiles({ name: 'proposta.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>x</script>') });
  await page.getByRole('button', { name: 'Enviar arquivo' }).click();
  await expect(page.getByRole('alert')).toContainText('O WhatsApp aceita imagens JPEG ou PNG e documentos PDF');
  await expect(page.locator('.bubble-out', { hasText: 'proposta.pdf' })).toHaveCount(0);

  // The real PDF, with a caption: sent, shown in the conversation with its status.
  await page.getByLabel('Arquivo', { exact: true }).setInputFiles({ name: 'tabela.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByLabel('Legenda (opcional)').fill('Tabela de preços 2026');
  await page.getByRole('button', { name: 'Enviar arquivo' }).click();
  await expect(page.getByText('Arquivo "tabela.pdf" enviado.')).toBeVisible();
  const sent = page.locator('.bubble-out', { hasText: 'Tabela de preços 2026' });
  await expect(sent.getByRole('link', { name: 'Abrir tabela.pdf' })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.bubble-out', { hasText: 'Tabela de preços 2026' }).locator('.msg-status')).toHaveText('enviada', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  // The library: kept in Settings, picked in the reply box.
  await page.goto('/configuracoes#arquivos');
  await ready(page, testInfo);
  await page.getByLabel('Novo arquivo da biblioteca').setInputFiles({ name: 'folheto.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Guardar na biblioteca' }).click();
  await expect(page.getByText('"folheto.pdf" guardado na biblioteca.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Arquivos da biblioteca' })).toContainText('folheto.pdf');
  await expect(page.getByText(/Espaço do plano: 1 KB de 50 MB usados/)).toBeVisible();
  expect(await sidewaysOverflow(page, testInfo)).toBeLessThanOrEqual(0);

  await page.goto(leadPage);
  await ready(page, testInfo);
  await page.locator('summary', { hasText: 'Enviar arquivo' }).click();
  await page.getByLabel('Ou um arquivo da biblioteca').selectOption({ label: 'folheto.pdf' });
  await page.getByRole('button', { name: 'Enviar arquivo' }).click();
  await expect(page.getByText('Arquivo "folheto.pdf" enviado.')).toBeVisible();
  await expect(page.locator('.bubble-out').getByRole('link', { name: 'Abrir folheto.pdf' })).toBeVisible();

  // With JavaScript, a file dropped on the form is the one sent.
  if (testInfo.project.name === 'js') {
    await ready(page, testInfo);
    // Left open by the last send's message.
    await expect(page.locator('details.attach')).toHaveAttribute('open', '');
    const dropped = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['%PDF-1.7\n%%EOF\n'], 'arrastado.pdf', { type: 'application/pdf' }));
      return d;
    });
    await page.locator('form.attach-form').dispatchEvent('drop', { dataTransfer: dropped });
    await expect(page.getByText('Arquivo escolhido: arrastado.pdf')).toBeVisible();
    await page.getByRole('button', { name: 'Enviar arquivo' }).click();
    await expect(page.getByText('Arquivo "arrastado.pdf" enviado.')).toBeVisible();
  }
});
