// Shared by the end-to-end tests: serves the `trunk build --release` output (dist/) on a free
// localhost port, starts Debian's Chromium through playwright-core, and records every console
// error and failed request of a page, so a test can insist there were none.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist');
export const screenshotDir = join(here, 'screenshots');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
};

/** Serves dist/ on 127.0.0.1 with an ephemeral port; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(dist, path.endsWith('/') ? join(path, 'index.html') : path);
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A new page that records console errors, page errors and failed or 4xx/5xx requests. */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(url);
  return { page, context, problems };
}

/** Saves a full-page screenshot as screenshots/NAME.png (git-ignored; look at them). */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const scrolled = await page.evaluate(() => [window.scrollX, window.scrollY]);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  // A full-page capture resizes the viewport and can leave the page scrolled elsewhere than it
  // was, with the next focus change jumping back: a click's target then moves between mousedown
  // and mouseup. Put the scroll position back as it was.
  await page.evaluate(([x, y]) => window.scrollTo(x, y), scrolled);
}

/**
 * Registers the suite's `before`/`after` hooks: dist/ served and Chromium started once for the
 * file's tests, both closed at the end. Returns `{ server, browser }`, filled in by `before`.
 */
export function useServerAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Types a line into the terminal and presses Enter. */
export async function typeLine(page, line) {
  const input = page.getByTestId('terminal-input');
  await input.fill(line);
  await input.press('Enter');
}

/** The simulated clock, in milliseconds. */
export async function clockMs(page) {
  return Number(await page.getByTestId('sim-clock').getAttribute('data-ms'));
}

/** Clicks a time button and waits until the clock shows the new time. */
export async function advance(page, testid, ms) {
  const before = await clockMs(page);
  await page.getByTestId(testid).click();
  await page.locator(`[data-testid=sim-clock][data-ms="${before + ms}"]`).waitFor();
}
