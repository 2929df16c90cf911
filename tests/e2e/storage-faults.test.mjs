// Storage faults in the page (issue #9): without IndexedDB the cluster runs in memory and the
// page says so; a flush that fails (here: QuotaExceededError from every put, as a full disk gives)
// says why, keeps the cluster in the tab, and the next save after "Retry saving" rewrites the
// workspace whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, screenshot } from './support.mjs';

const env = useServerAndBrowser();

/** A page whose context runs `init` before the app; records console errors and page errors. */
async function openWith(init) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(init);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(env.server.url);
  return { page, context, problems };
}

async function createTopic(page, name) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('topic-partitions').fill('1');
  await page.getByTestId('create-topic').click();
  await page.locator(`[data-topic="${name}"]`).waitFor();
}

async function storageStatus(page, status) {
  await page.locator(`[data-testid=storage-status][data-status=${status}]`).waitFor({ timeout: 10_000 });
  return page.getByTestId('storage-status').innerText();
}

test('without IndexedDB the cluster runs in memory and the page says so', async () => {
  const { page, context, problems } = await openWith(() => {
    Object.defineProperty(window, 'indexedDB', { get: () => undefined, configurable: true });
  });
  const message = await storageStatus(page, 'in-memory');
  assert.match(message, /IndexedDB is not available in this browser/);
  assert.match(message, /lives in this tab only/);
  await createTopic(page, 'orders');
  assert.equal(await page.getByTestId('reset-cluster').isDisabled(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a full disk: the save fails with a clear message, nothing is lost, and a retry rewrites it', async () => {
  const { page, context, problems } = await openWith(() => {
    window.__failPuts = false;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (window.__failPuts) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await storageStatus(page, 'saved');
  await createTopic(page, 'orders');
  await storageStatus(page, 'saved');

  await page.evaluate(() => { window.__failPuts = true; });
  await createTopic(page, 'payments');
  const message = await storageStatus(page, 'failed');
  assert.match(message, /storage quota is exceeded \(QuotaExceededError/);
  assert.match(message, /The cluster in this tab is intact/);
  await screenshot(page, '06-quota-exceeded');
  // The tab's cluster is whole.
  assert.equal(await page.locator('[data-topic=payments]').count(), 1);

  await page.evaluate(() => { window.__failPuts = false; });
  await page.getByTestId('retry-save').click();
  await storageStatus(page, 'saved');
  await page.reload();
  await page.locator('[data-topic=payments]').waitFor();
  await storageStatus(page, 'saved');
  assert.equal(await page.locator('[data-topic=orders]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});
