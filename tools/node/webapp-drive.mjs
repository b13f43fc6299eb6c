// Drives the DDC web app in headless Chromium as a user would: picks the account, chooses a
// file, uploads it, lists the bucket, downloads and decrypts it; saves a screenshot.
// Usage: node webapp-drive.mjs APP_URL FILE KEY SCREENSHOT.png
// Prints one JSON line: {account, key, listed, downloaded_sha256, downloaded_len, status}.

import puppeteer from 'puppeteer-core';
import { execFileSync } from 'node:child_process';

const [url, file, key, screenshot] = process.argv.slice(2);
const browser = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => {
  try {
    execFileSync(b, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!browser) throw new Error('headless Chromium is needed: apt-get install chromium (scripts/setup.sh does)');

const b = await puppeteer.launch({
  executablePath: execFileSync('sh', ['-c', `command -v ${browser}`]).toString().trim(),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await b.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 60_000 });
  const account = await page.$eval('#account', (s) => s.value);
  await (await page.$('#file')).uploadFile(file);
  await page.type('#key', key);
  await page.click('#upload');
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    return s.textContent.startsWith('uploaded') || s.className === 'error';
  }, { timeout: 60_000 });
  const uploaded = await page.$eval('#status', (s) => s.textContent);
  if (!uploaded.startsWith('uploaded')) throw new Error(`upload: ${uploaded}`);
  await page.click('#list');
  await page.waitForFunction((k) => document.querySelector(`tr[data-key="${k}"]`), { timeout: 60_000 }, key);
  const listed = await page.$$eval('#objects tr', (rows) => rows.map((r) => r.dataset.key));
  await page.click(`tr[data-key="${key}"] button.download`);
  await page.waitForFunction(() => document.getElementById('saved').dataset.sha256 || document.getElementById('status').className === 'error', { timeout: 60_000 });
  const status = await page.$eval('#status', (s) => s.textContent);
  const saved = await page.$eval('#saved', (a) => ({ sha: a.dataset.sha256 ?? null, len: Number(a.dataset.len ?? -1) }));
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ account, key, listed, uploaded, status, errors, downloaded_sha256: saved.sha, downloaded_len: saved.len }));
} finally {
  await b.close();
}
