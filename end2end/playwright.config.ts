import { defineConfig } from '@playwright/test';

// The server is the real binary on a real database; `make e2e` migrates and seeds it and
// passes DATABASE_URL. Playwright starts it and waits for /healthz before any test runs.
const port = process.env.E2E_PORT ?? '3100';
const baseURL = `http://127.0.0.1:${port}`;
// The test mail server (support/mail-sink.mjs): SMTP for the app, HTTP for the tests.
const smtpPort = String(Number(port) + 25);
const mailSink = `http://127.0.0.1:${Number(port) + 26}`;
// The stand-ins for Meta's media endpoints and a speech-to-text API (support/fake-speech.mjs).
const fakeSpeech = `http://127.0.0.1:${Number(port) + 27}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'pt-BR',
    timezoneId: 'America/Sao_Paulo',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot be fetched here.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: 'node support/mail-sink.mjs',
      url: `${mailSink}/healthz`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { SMTP_PORT: smtpPort, HTTP_PORT: String(Number(port) + 26) },
    },
    {
      command: 'node support/fake-speech.mjs',
      url: `${fakeSpeech}/healthz`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { HTTP_PORT: String(Number(port) + 27) },
    },
    {
      command: './target/debug/consultor serve',
      cwd: '..',
      url: `${baseURL}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        BIND_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        LEPTOS_OUTPUT_NAME: 'consultor',
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_SITE_PKG_DIR: 'pkg',
        // The suite itself makes a few failed logins on purpose.
        LOGIN_MAX_FAILURES_PER_IP: '100',
        // Webhooks are signed with this in tests/whatsapp.spec.ts.
        WHATSAPP_APP_SECRET: 'segredo-e2e',
        // Notifications on phones (Settings › Notificações): a key made for the tests only.
        WEB_PUSH_PRIVATE_KEY: 'qNSnLS07gIz85Asy0aOYNNfOa1yd3qV9Kol3et9QVB0',
        // Password-reset e-mail goes to the test mail server.
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        // Voice notes: the sandbox downloads them from, and hears them with, the stand-ins.
        SANDBOX_MEDIA_URL: `${fakeSpeech}/media`,
        TRANSCRIPTION_BASE_URL: fakeSpeech,
      },
    },
  ],
});
