// Handing a workspace from one tab to another (issue #9), the hard cases: the hand-over is a
// clean shutdown (the taking tab restarts without recovery); an owner whose save fails keeps the
// workspace and its changes and says why (and the asking tab may take it anyway: the owner then
// says what it had not saved); an owner that never answers (here: a tab without
// BroadcastChannel, as a frozen or crashed tab) is taken over by force after 5 s (Web Locks
// `steal`) and stops writing; a `?workspace=` that names no possible workspace is said.
// Both tabs of a test share one browser context (one storage), as two tabs of one browser do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServerAndBrowser, screenshot as fullPage, screenshotDir, typeLine } from './support.mjs';

const env = useServerAndBrowser();

/** The whole page, and its top (header, storage bar, workspace forms) where these cases show. */
async function screenshot(page, name) {
  await fullPage(page, name);
  await page.screenshot({ path: join(screenshotDir, `${name}-top.png`), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 560 } });
}

/** A tab of `context` on workspace `name`; `init` runs before the app in this tab only. */
async function tab(context, name, problems, init) {
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${env.server.url}?workspace=${encodeURIComponent(name)}`);
  return page;
}

async function storageStatus(page, status) {
  await page.locator(`[data-testid=storage-status][data-status=${status}]`).waitFor({ timeout: 20_000 });
  return page.getByTestId('storage-status').innerText();
}

async function createTopic(page, name) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('topic-partitions').fill('1');
  await page.getByTestId('create-topic').click();
  await page.locator(`[data-topic="${name}"]`).waitFor();
}

async function topics(page) {
  return page.locator('[data-testid=topic-row]').evaluateAll((rows) => rows.map((r) => r.dataset.topic).sort());
}

/** Every put throws QuotaExceededError while `window.__failPuts` (as a full disk does). */
function failingPuts() {
  window.__failPuts = false;
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    if (window.__failPuts) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  };
}

/** An owner that hears nothing: no BroadcastChannel, as a tab frozen or gone. */
function deaf() {
  Object.defineProperty(window, 'BroadcastChannel', { get: () => undefined, configurable: true });
}

/** The first tab owns `name` with `before` saved; the second shows it read-only. */
async function twoTabs(name, init) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  const first = await tab(context, name, problems, init);
  await storageStatus(first, 'saved');
  await createTopic(first, 'before');
  await storageStatus(first, 'saved');
  const second = await tab(context, name, problems);
  await storageStatus(second, 'other-tab');
  assert.deepEqual(await topics(second), ['before']);
  return { context, problems, first, second };
}

/** The log end offset of `before`-0, from kafka-get-offsets.sh. */
async function endOffset(page) {
  await typeLine(page, 'clear');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal-output] .term-line[data-stream]').length === 0);
  await typeLine(page, 'kafka-get-offsets.sh --topic before');
  const line = page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]', { hasText: 'before:0:' }).first();
  await line.waitFor();
  return Number((await line.innerText()).split(':')[2]);
}

/** A failed save in `first`: `payments` lives in that tab only. */
async function failSave(first) {
  await first.evaluate(() => { window.__failPuts = true; });
  await createTopic(first, 'payments');
  return storageStatus(first, 'failed');
}

test('a take-over is a clean shutdown: the taking tab restarts without recovery', async () => {
  const { context, problems, first, second } = await twoTabs('clean');
  await typeLine(first, 'producer start fill --topic before --rate 100/s');
  await typeLine(first, 'time advance 2s');
  await typeLine(first, 'producer stop fill');
  await first.locator('[data-testid=terminal-output] .term-line', { hasText: 'acknowledged' }).first().waitFor();
  const offsets = await endOffset(first);
  assert.ok(offsets > 0, String(offsets));
  await second.getByTestId('take-over').click();
  await storageStatus(first, 'taken-over');
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['before']);
  assert.equal(await second.getByTestId('recovery-report').count(), 0, 'no recovery after a clean hand-over');
  assert.equal(await endOffset(second), offsets);
  await screenshot(second, 'take-over-00-clean-hand-over');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an owner whose save fails keeps the workspace, says why, and hands it over once saved', async () => {
  const { context, problems, first, second } = await twoTabs('refused', failingPuts);
  await failSave(first);
  await second.getByTestId('take-over').click();
  const answer = await second.getByTestId('take-over-answer').innerText();
  assert.match(answer, /The other tab could not save its last changes \(.*QuotaExceededError.*\) and keeps the workspace/);
  const owner = await storageStatus(first, 'failed');
  assert.match(owner, /another tab asked to take this workspace over, and this tab keeps it until its changes are saved/);
  assert.deepEqual(await topics(first), ['before', 'payments'], 'the owner keeps its cluster');
  await screenshot(second, 'take-over-01-refused-asking-tab');
  await screenshot(first, 'take-over-02-refused-owner');

  // The disk has room again: the owner saves, and the next request hands everything over.
  await first.evaluate(() => { window.__failPuts = false; });
  await first.getByTestId('retry-save').click();
  await storageStatus(first, 'saved');
  await second.getByTestId('take-over').click();
  await storageStatus(first, 'taken-over');
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['before', 'payments']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('taken anyway while its save fails: the owner says what it had not saved and keeps it in the tab', async () => {
  const { context, problems, first, second } = await twoTabs('forced', failingPuts);
  await failSave(first);
  await second.getByTestId('take-over').click();
  await second.getByTestId('take-over-by-force').click();
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['before'], 'the workspace as last saved');
  const owner = await storageStatus(first, 'taken-over-unsaved');
  assert.match(owner, /before this tab's last changes were saved \(.*QuotaExceededError.*\)\. They are in this tab only/);
  assert.deepEqual(await topics(first), ['before', 'payments']);
  await screenshot(first, 'take-over-03-taken-unsaved');
  // The disk has room again, but the old owner writes nothing more.
  await first.evaluate(() => { window.__failPuts = false; });
  await createTopic(first, 'ghost');
  await createTopic(second, 'after');
  await storageStatus(second, 'saved');
  await second.reload();
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['after', 'before']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an owner that never answers is taken over by force after 5 s and stops writing', async () => {
  const { context, problems, first, second } = await twoTabs('frozen', deaf);
  await second.getByTestId('take-over').click();
  assert.equal(await second.getByTestId('take-over').isDisabled(), true);
  // The answer comes after take_over::NO_ANSWER_MS (5 s); waited for, not timed.
  await second.getByTestId('take-over-answer').waitFor({ timeout: 20_000 });
  assert.match(await second.getByTestId('take-over-answer').innerText(), /has not answered in 5 s.*steal/s);
  await screenshot(second, 'take-over-04-no-answer');
  await second.getByTestId('take-over-by-force').click();
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['before']);
  const owner = await storageStatus(first, 'taken-over');
  assert.match(owner, /Another tab took over this workspace: everything this tab did is saved/);

  await createTopic(first, 'ghost');
  await createTopic(second, 'after');
  await storageStatus(second, 'saved');
  await second.reload();
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['after', 'before']);
  await screenshot(second, 'take-over-05-after-steal');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a ?workspace= that names no possible workspace is said, with the list and New…', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  const page = await tab(context, 'orders/eu', problems);
  await storageStatus(page, 'saved');
  const message = await page.getByTestId('workspace-url-error').innerText();
  assert.match(message, /The link asks for workspace 'orders\/eu', which cannot be opened: A workspace name must not contain '\/': 'orders\/eu'\. This page opened workspace 'default' instead/);
  assert.equal(await page.getByTestId('workspace-manage').getAttribute('aria-expanded'), 'true');
  await page.locator('[data-testid=workspace-row][data-workspace=default]').waitFor();
  await screenshot(page, 'take-over-06-invalid-workspace-url');
  await page.getByTestId('workspace-url-error-dismiss').click();
  assert.equal(await page.getByTestId('workspace-url-error').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
