/**
 * Screenshots a page with headless Chromium (Debian's `chromium`, driven by playwright-core,
 * which downloads no browser of its own): used by scripts/screenshot-status.sh for
 * docs/status-page.png.
 *   node dist/scripts/screenshot-status.js <url> <out.png>
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.DIF_CHROMIUM ?? '/usr/bin/chromium';
// Headless, no sandbox (root in a container), and nothing that phones home while it runs.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main(url: string, out: string): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set DIF_CHROMIUM`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, viewport: { width: 1400, height: 900 } });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const answer = await page.goto(url, { waitUntil: 'load' });
    if (!answer?.ok()) throw new Error(`${url} answered ${answer?.status()}`);
    await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1400, height: Math.min(2000, Number(await page.evaluate('document.body.scrollHeight')) + 30) } });
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node dist/scripts/screenshot-status.js <url> <out.png>');
  process.exit(2);
}
main(url, out).then(
  () => console.error(`screenshot: ${out}`),
  (e: unknown) => {
    console.error(`screenshot: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
