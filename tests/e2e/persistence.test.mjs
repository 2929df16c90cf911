// The cluster is kept in IndexedDB (issue #9): topics survive a reload with the same ids,
// "Reset cluster" empties the workspace, and a second tab on the same workspace says so and
// writes nothing. Each test uses its own browser context, so its own empty storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, typeLine, advance } from './support.mjs';

const env = useServerAndBrowser();

async function createTopic(page, name, partitions = 1) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('topic-partitions').fill(String(partitions));
  await page.getByTestId('create-topic').click();
}

/** Waits until the storage bar says `status` (e.g. 'saved', 'other-tab'). */
async function storageStatus(page, status) {
  await page.locator(`[data-testid=storage-status][data-status=${status}]`).waitFor({ timeout: 10_000 });
  return page.getByTestId('storage-status').innerText();
}

/** name → topic id, as the topic list shows them. */
async function listedTopics(page) {
  return page.locator('[data-testid=topic-row]').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.topic, r.querySelector('code').textContent])));
}

test('topics and their ids survive a reload', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  await createTopic(page, 'orders', 3);
  await page.getByTestId('topic-outcome').waitFor();
  await createTopic(page, 'payments', 2);
  await page.locator('[data-topic=payments]').waitFor();
  assert.match(await storageStatus(page, 'saved'), /Saved in this browser \(workspace 'default'\)/);
  const before = await listedTopics(page);
  assert.deepEqual(Object.keys(before), ['orders', 'payments']);

  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  await storageStatus(page, 'saved');
  assert.deepEqual(await listedTopics(page), before, 'same topics, same ids');
  // The Share panel says a link cannot replay the restart itself (issue #12).
  assert.match(await page.getByTestId('scenario-restarted').innerText(), /restarted from its files 1 time\(s\)/);
  assert.equal(await page.locator('[data-topic=orders] .partition').count(), 3);
  // The placement comes back too: orders on brokers 1, 2, 3 and payments on 1, 2 (seed 0).
  const leads = { 1: 2, 2: 2, 3: 1 };
  for (const [id, count] of Object.entries(leads)) {
    assert.match(await page.getByTestId(`broker-${id}`).innerText(), new RegExp(`leader of ${count} partition`));
  }
  await screenshot(page, '04-reloaded');

  // The cluster goes on from its files: a new topic after the reload is saved too.
  await createTopic(page, 'audit', 1);
  await page.locator('[data-topic=audit]').waitFor();
  await storageStatus(page, 'saved');
  await page.reload();
  await page.locator('[data-topic=audit]').waitFor();
  assert.deepEqual(Object.keys(await listedTopics(page)), ['audit', 'orders', 'payments']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Reset cluster empties the workspace', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  await createTopic(page, 'orders', 1);
  await page.locator('[data-topic=orders]').waitFor();
  await storageStatus(page, 'saved');

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('reset-cluster').click();
  await page.getByTestId('no-topics').waitFor();
  await storageStatus(page, 'saved');
  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  await storageStatus(page, 'saved');
  assert.equal(await page.getByTestId('no-topics').isVisible(), true);

  // Dismissing the confirmation keeps everything.
  await createTopic(page, 'kept', 1);
  await page.locator('[data-topic=kept]').waitFor();
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByTestId('reset-cluster').click();
  assert.deepEqual(Object.keys(await listedTopics(page)), ['kept']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a second tab on the same workspace says so and does not write', async () => {
  const first = await openPage(env.browser, env.server.url);
  await storageStatus(first.page, 'saved');
  await createTopic(first.page, 'orders', 2);
  await first.page.locator('[data-topic=orders]').waitFor();
  await storageStatus(first.page, 'saved');

  const second = await first.context.newPage();
  const problems = [];
  second.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  second.on('pageerror', (error) => problems.push(error.message));
  await second.goto(env.server.url);
  const message = await storageStatus(second, 'other-tab');
  assert.match(message, /This workspace is open in another tab/);
  assert.equal(await second.getByTestId('reset-cluster').isDisabled(), true);
  // It shows what was saved, and what it does is not written.
  await second.locator('[data-topic=orders]').waitFor();
  await createTopic(second, 'from-second-tab', 1);
  await second.locator('[data-topic=from-second-tab]').waitFor();
  await screenshot(second, '05-second-tab');
  await second.close();

  await first.page.reload();
  await first.page.locator('[data-topic=orders]').waitFor();
  await storageStatus(first.page, 'saved');
  assert.deepEqual(Object.keys(await listedTopics(first.page)), ['orders']);
  assert.deepEqual(first.problems, []);
  assert.deepEqual(problems, []);
  await first.context.close();
});

test('a reload right after an action keeps it (flushed on pagehide)', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  await createTopic(page, 'quick', 1);
  await page.locator('[data-topic=quick]').waitFor();
  // No wait for "Saved": the reload comes well within the write-behind's debounce, so what
  // keeps the topic is the flush on pagehide.
  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  assert.deepEqual(Object.keys(await listedTopics(page)), ['quick']);
  assert.deepEqual(problems, []);
  await context.close();
});

// Deleting a topic renames its partition dirs (`orders-0` → `orders-0.<id>-delete`, as Kafka's
// `LogManager.asyncDelete`), and moving a file in IndexedDB reads its chunks. A transaction that
// waits for a read after `pagehide` dies with the page (the Page Lifecycle API's advice:
// w3c/IndexedDB#237), so the page's last write folds everything unsaved into whole files and
// issues it at once. Before that, the deleted topic came back after the reload every time.
test('a topic deleted right before a reload stays deleted (the last write reads nothing)', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  await createTopic(page, 'gone', 3);
  await page.locator('[data-topic=gone]').waitFor();
  await createTopic(page, 'kept', 1);
  await page.locator('[data-topic=kept]').waitFor();
  await storageStatus(page, 'saved');
  await typeLine(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic gone');
  await page.locator('[data-topic=gone]').waitFor({ state: 'detached' });
  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  assert.deepEqual(Object.keys(await listedTopics(page)), ['kept']);
  // Saved whole, the workspace loads as any other: no recovery, no error.
  await storageStatus(page, 'saved');
  assert.deepEqual(problems, []);
  await context.close();
});

// A reload restarts the cluster from its files, and a broker that was down stays down: the
// killed broker was still the leader in the metadata (its session had not expired), and
// restarting it with its unflushed tail lost made the ISR truncate to it — acknowledged records
// gone. Left down, it is fenced when its session expires and a leader is elected from the rest of
// the ISR (as `tests/data_dir.rs` checks for `kplay --data-dir`).
test('a broker killed before a reload stays down, and no acknowledged record is lost', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  const terminal = page.getByTestId('terminal-output');
  const answered = (text) => terminal.locator('.term-line', { hasText: text }).last().waitFor();
  await typeLine(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3');
  await answered('Created topic orders.');
  await typeLine(page, "producer start p1 --topic orders --rate 50/s --keys 'user-{n%4}' --acks all");
  await answered('Producer p1 started');
  await advance(page, 'advance-10s', 10_000);
  await typeLine(page, 'producer stop p1');
  await answered('Producer p1 stopped');
  const offsetLines = async () => (await terminal.innerText())
    .split('\n').map((l) => l.trim()).filter((l) => /^orders:\d+:\d+$/.test(l));
  const offsets = async () => {
    const shown = (await offsetLines()).length;
    await typeLine(page, 'kafka-get-offsets.sh --bootstrap-server localhost:9092 --topic orders');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=terminal-output]').innerText.split('\n')
        .filter((l) => /^orders:\d+:\d+$/.test(l.trim())).length >= n,
      shown + 3,
    );
    return (await offsetLines()).slice(-3);
  };
  const before = await offsets();
  assert.ok(before.some((l) => !l.endsWith(':0')), before.join(' '));
  await page.getByTestId('kill-broker-2').click();
  await page.locator('[data-testid=broker-2][data-state=crashed]').waitFor();
  await storageStatus(page, 'saved');

  await page.reload();
  await page.locator('[data-testid=broker-2][data-state=crashed]').waitFor();
  // Every log dir was formatted by the first save, the killed broker's too: nothing to warn of.
  assert.equal(await page.getByTestId('restore-notes').count(), 0);
  await advance(page, 'advance-10s', 10_000);
  await advance(page, 'advance-10s', 10_000);
  assert.deepEqual(await offsets(), before);
  await screenshot(page, '06-reload-after-kill');
  assert.deepEqual(problems, []);
  await context.close();
});
