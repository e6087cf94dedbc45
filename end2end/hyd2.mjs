import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3401';
const page0 = await fetch(`${base}/entrar`);
let cookie = page0.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const csrf = (await page0.text()).match(/name="csrf" value="([^"]+)"/)[1];
const res = await fetch(`${base}/api/entrar`, { method: 'POST', redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie, referer: `${base}/entrar` },
  body: new URLSearchParams({ csrf, email: 'demo@consultor.app', password: 'demonstracao123' }) });
const set = res.headers.getSetCookie().map((c) => c.split(';')[0]); if (set.length) cookie = set.join('; ');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
await page.setExtraHTTPHeaders({ Cookie: cookie });
let errs = [];
page.on('console', m => { if (m.type() === 'error') errs.push(m.text().split('\n')[0].slice(0, 160)); });
for (const path of ['/configuracoes', '/painel', '/configuracoes']) {
  errs = [];
  await page.goto(base + path);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(2500);
  console.log(path, errs.length ? errs.join(' | ') : 'ok');
}
const html = await (await fetch(`${base}/configuracoes`, { headers: { cookie } })).text();
const i = html.indexOf('abas-titulo'); console.log(html.slice(i, i + 400));
await browser.close();
