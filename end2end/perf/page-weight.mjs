// Page weight and Lighthouse scores of the five pages a consultant lives in, as a phone on a
// mobile network sees them (Lighthouse's mobile defaults: a mid-range phone, simulated slow
// 4G). Run by `make page-weight` against the release build with the demo account; prints a
// table and exits 1 when a page misses the goals of #17 (performance >= 90, accessibility
// 100, JavaScript + WebAssembly under 500 KB as transferred).
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';
import { mkdirSync, writeFileSync } from 'node:fs';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3400';
const email = process.env.DEMO_EMAIL ?? 'demo@consultor.app';
const password = process.env.DEMO_PASSWORD ?? 'demonstracao123';
const GOALS = { performance: 90, accessibility: 100, scriptKb: 500 };

/** Signs in as a browser without JavaScript would; returns the session cookie. */
async function signIn() {
  const page = await fetch(`${base}/entrar`);
  let cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error('no CSRF token on /entrar');
  const res = await fetch(`${base}/api/entrar`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie, referer: `${base}/entrar` },
    body: new URLSearchParams({ csrf, email, password }),
  });
  const set = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]);
  if (set.length) cookie = set.join('; ');
  const check = await fetch(`${base}/painel`, { headers: { cookie }, redirect: 'manual' });
  if (check.status !== 200) throw new Error(`sign-in failed (/painel answered ${check.status})`);
  return cookie;
}

async function firstLink(cookie, path, pattern) {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  const found = html.match(pattern)?.[0];
  if (!found) throw new Error(`no link like ${pattern} on ${path}`);
  return found;
}

const cookie = await signIn();
const pages = {
  'Página pública': await firstLink(cookie, '/painel', /\/c\/[a-z0-9-]+/),
  'Quadro (/leads)': '/leads',
  'Lead': await firstLink(cookie, '/leads', /\/leads\/[0-9a-f-]{36}/),
  'Painel': '/painel',
  'Editor de fluxo': await firstLink(cookie, '/fluxos', /\/fluxos\/[0-9a-f-]{36}/),
};

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
let missed = false;
mkdirSync(new URL('./reports/', import.meta.url), { recursive: true });
try {
  // ONLY=Painel (a page's name): that page alone, when looking into one.
  for (const [name, path] of Object.entries(pages).filter(([n]) => !process.env.ONLY || n === process.env.ONLY)) {
    const { lhr } = await lighthouse(`${base}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      // The public page is what a lead opens, signed out; the others carry the session.
      extraHeaders: name === 'Página pública' ? {} : { Cookie: cookie },
    });
    const requests = lhr.audits['network-requests'].details?.items ?? [];
    const kb = (bytes) => Math.round(bytes / 1024);
    const script = requests
      .filter((r) => r.resourceType === 'Script' || /\.wasm(\?|$)/.test(r.url))
      .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
    const row = {
      page: name,
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      totalKb: kb(lhr.audits['total-byte-weight'].numericValue),
      scriptKb: kb(script),
      lcpS: (lhr.audits['largest-contentful-paint'].numericValue / 1000).toFixed(1),
      tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
    };
    rows.push(row);
    missed ||= row.performance < GOALS.performance || row.accessibility < GOALS.accessibility
      || row.scriptKb >= GOALS.scriptKb;
    const slug = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-zA-Z]+/g, '-')
      .replace(/^-|-$/g, '').toLowerCase();
    writeFileSync(new URL(`./reports/${slug}.json`, import.meta.url), JSON.stringify(lhr));
  }
  // The release build hydrates (its script fetches the WebAssembly once the page is idle)
  // under the page's Content-Security-Policy: the settings' bio counter follows typing only
  // when the WebAssembly runs.
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|error/i.test(m.text())) refused.push(m.text()); });
  await page.setExtraHTTPHeaders({ Cookie: cookie });
  await page.goto(`${base}/configuracoes`, { waitUntil: 'networkidle0' });
  const bio = await page.$('textarea[name="bio"]');
  await bio.click({ clickCount: 3 });
  await page.keyboard.press('Backspace');
  await bio.type('Olá');
  const hydrated = await page
    .waitForFunction(() => document.body.innerText.includes('3/200 caracteres'), { timeout: 15000 })
    .then(() => true, () => false);
  await browser.disconnect();
  console.log(hydrated && refused.length === 0
    ? 'Hidratação: ok (o contador da bio segue a digitação; nenhuma recusa da política de conteúdo).'
    : `Hidratação: FALHOU (${refused.join(' | ') || 'o contador não seguiu a digitação'}).`);
  missed ||= !hydrated || refused.length > 0;
} finally {
  await chrome.kill();
}

console.log('| página | desempenho | acessibilidade | transferido | JS + wasm | LCP | TBT |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.page} | ${r.performance} | ${r.accessibility} | ${r.totalKb} KB | ${r.scriptKb} KB | ${r.lcpS} s | ${r.tbtMs} ms |`);
}
if (missed) {
  console.log(`\nAbaixo das metas (desempenho >= ${GOALS.performance}, acessibilidade ${GOALS.accessibility}, JS + wasm < ${GOALS.scriptKb} KB).`);
  process.exit(1);
}
