// The Producers panel (issue #11, items 1 and 6) as a learner uses it: a replicated topic, a
// producer started from the form at 1000 records/s with keys k{n%20} and acks=1, simulated time
// moved on with the time buttons, counts growing and records spread over the partitions by key
// (the same key always in the same partition), the command shown in the terminal; then the
// leader of a partition killed from its broker card, and the acks=1 records that only the dead
// leader had marked as lost; then the producer stopped. A bad key pattern shows the tool's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, clockMs, advance } from './support.mjs';

const env = useServerAndBrowser();

/** The card's counts as numbers. */
async function counts(card) {
  const get = async (name) => Number(await card.getAttribute(`data-${name}`));
  return { sent: await get('sent'), acknowledged: await get('acknowledged'), failed: await get('failed'), lost: await get('lost') };
}

/** Records per partition, from the card's bars. */
async function bars(card) {
  return card.locator('[data-testid=partition-bar]').evaluateAll((rows) =>
    rows.map((r) => Number(r.dataset.count)));
}

/** Waits until the terminal shows a line with this text. */
async function waitForLine(page, text) {
  await page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
}

test('a producer started from the form spreads keyed records, loses acks=1 records in a failover, and stops', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  // No topic yet: the form says so and cannot start anything.
  assert.match(await page.getByTestId('producer-no-topics').innerText(), /No topic to produce to yet/);
  assert.equal(await page.getByTestId('start-producer').isDisabled(), true);
  assert.match(await page.getByTestId('no-producers').innerText(), /No producer running/);

  await page.getByTestId('topic-name').fill('orders');
  await page.getByTestId('topic-partitions').fill('3');
  await page.getByTestId('topic-replication-factor').fill('3');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();

  // The live preview follows the form, with Kafka 4's defaults (acks=all).
  const preview = page.getByTestId('producer-command');
  assert.equal(await preview.innerText(), '$ producer start p1 --topic orders --rate 100/s --acks all');
  await page.getByTestId('producer-rate').fill('1000');
  await page.getByTestId('producer-keys').fill('k{n%20}');
  await page.getByTestId('producer-acks').selectOption('1');
  const line = 'producer start p1 --topic orders --rate 1000/s --keys k{n%20} --acks 1';
  assert.equal(await preview.innerText(), `$ ${line}`);
  // Idempotence needs acks=all: asking for it with acks=1 gets the producer's own refusal.
  await page.getByTestId('producer-idempotence').selectOption('true');
  assert.equal(
    await page.getByTestId('producer-check').innerText(),
    'producer: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
  );
  await page.getByTestId('producer-idempotence').selectOption('');
  assert.equal(await page.getByTestId('producer-check').count(), 0);
  await screenshot(page, '60-producer-form');

  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=true]').waitFor();
  assert.equal(
    await page.getByTestId('producer-answer').innerText(),
    'Producer p1 started: 1000 records/s to orders (acks=1, linger.ms=5, batch.size=16384, enable.idempotence=false).',
  );
  // The terminal shows the command as typed, and its answer.
  await waitForLine(page, line);
  await waitForLine(page, 'Producer p1 started: 1000 records/s to orders');
  // The next producer gets the next name.
  assert.match(await preview.innerText(), /^\$ producer start p2 /);

  const card = page.locator('[data-testid=producer-card][data-name=p1]');
  await card.waitFor();
  assert.match(await card.innerText(), /acks=1 · linger\.ms=5 · batch\.size=16384 · enable\.idempotence=false/);
  await advance(page, 'advance-1s', 1_000);
  const first = await counts(card);
  assert.ok(first.acknowledged > 500, `acknowledged after 1 s: ${JSON.stringify(first)}`);
  await advance(page, 'advance-1s', 1_000);
  const second = await counts(card);
  assert.ok(second.sent > first.sent && second.acknowledged > first.acknowledged, 'the counts grow');
  assert.equal(second.failed, 0);
  assert.equal(Number(await card.getByTestId('producer-rate-now').innerText()) > 500, true);
  // Spread by key: every partition got records, and the key table shows where each key goes.
  const spread = await bars(card);
  assert.equal(spread.length, 3);
  assert.ok(spread.every((n) => n > 0), `records in every partition: ${spread}`);
  assert.equal(spread.reduce((a, b) => a + b, 0), second.acknowledged);
  const keys = await card.locator('[data-testid=key-table] td[data-key]').evaluateAll((cells) =>
    cells.map((c) => [c.dataset.key, Number(c.dataset.partition)]));
  assert.deepEqual(keys.map(([k]) => k), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
  assert.ok(new Set(keys.map(([, p]) => p)).size > 1, 'keys go to different partitions');
  assert.match(await card.getByTestId('producer-loss').innerText(), /No acknowledged record lost/);
  await screenshot(page, '61-producer-running');

  // Kill the broker that leads orders-0: the producer's acks=1 records it alone had are gone
  // once the controller elects another leader (broker.session.timeout.ms = 9 s).
  const leader = await page.locator('[data-testid=topic-row][data-topic=orders] [data-partition="0"]').getAttribute('data-leader');
  await page.getByTestId(`kill-broker-${leader}`).click();
  await page.locator(`[data-testid=broker-${leader}][data-state=crashed]`).waitFor();
  // Until the controller notices (broker.session.timeout.ms), orders-0's batches fail and are
  // retried, with the producer's warning; the other partitions go on being acknowledged.
  const atKill = await bars(card);
  await advance(page, 'advance-1s', 1_000);
  const retrying = card.getByTestId('producer-retrying');
  await retrying.waitFor();
  assert.equal(await retrying.locator('li').count(), 1);
  assert.equal(await retrying.locator('li').getAttribute('data-partition'), '0');
  assert.match(await retrying.innerText(), /WARN \[Producer clientId=p1\] Got error produce response on topic-partition orders-0, retrying \(\d+ attempts left\)\. Error: [A-Z_]+/);
  const during = await bars(card);
  assert.equal(during[0], atKill[0], 'nothing more acknowledged in orders-0');
  assert.ok(during[1] > atKill[1] && during[2] > atKill[2], `the other partitions go on: ${atKill} -> ${during}`);
  await screenshot(page, '62-producer-retrying');
  // When that broker is also the active controller, a new one is elected first (the 2 s fetch
  // timeout and a vote) and its broker sessions start afresh: 20 s covers both.
  await advance(page, 'advance-10s', 10_000);
  await advance(page, 'advance-10s', 10_000);
  await page.locator(`[data-testid=broker-${leader}][data-fenced=true]`).waitFor();
  await advance(page, 'advance-1s', 1_000);
  const afterKill = await counts(card);
  assert.ok(afterKill.lost > 0, `acks=1 records lost: ${JSON.stringify(afterKill)}`);
  assert.equal(await card.getByTestId('producer-retrying').count(), 0, 'the new leader took the retried batches');
  const loss = await card.getByTestId('producer-loss').innerText();
  assert.match(loss, new RegExp(`^${afterKill.lost} acknowledged records? lost: orders-\\d offsets? \\d+`), loss);
  await screenshot(page, '63-producer-lost-acks-1-records');

  // A second producer, keyless and with Kafka's default acks=all: the sticky partitioner fills a
  // batch for one partition, then moves on, so there is no key table, only the note.
  await page.getByTestId('producer-keys').fill('none');
  await page.getByTestId('producer-acks').selectOption('all');
  assert.equal(await preview.innerText(), '$ producer start p2 --topic orders --rate 1000/s --acks all');
  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=true]', { hasText: 'Producer p2 started' }).waitFor();
  const keyless = page.locator('[data-testid=producer-card][data-name=p2]');
  await keyless.waitFor();
  await advance(page, 'advance-1s', 1_000);
  assert.match(await keyless.getByTestId('keyless-note').innerText(), /sticky partitioner/);
  assert.equal(await keyless.getByTestId('key-table').count(), 0);
  assert.match(await keyless.innerText(), /acks=all · linger\.ms=5 · batch\.size=16384 · enable\.idempotence=true/);
  const keylessCounts = await counts(keyless);
  assert.ok(keylessCounts.acknowledged > 500, JSON.stringify(keylessCounts));
  assert.equal((await bars(keyless)).reduce((a, b) => a + b, 0), keylessCounts.acknowledged);
  await screenshot(page, '64-two-producers');
  // A narrow screen: the form and the cards stack.
  await page.setViewportSize({ width: 360, height: 800 });
  await page.getByTestId('producer-cards').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshotDir}/65-producers-360px.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  await keyless.getByTestId('stop-producer-p2').click();
  await waitForLine(page, 'Producer p2 stopped: ');

  // Stop the first through the same path: the terminal prints its final counts.
  await card.getByTestId('stop-producer-p1').click();
  await waitForLine(page, 'Producer p1 stopped: ');
  await page.getByTestId('no-producers').waitFor();

  // A bad key pattern: the form says what the tool says, and the tool refuses it.
  await page.getByTestId('producer-keys').fill('k{x}');
  const refusal = "producer: --keys 'k{x}': unknown placeholder '{x}' (use {n} or {n%K})";
  assert.equal(await page.getByTestId('producer-check').innerText(), refusal);
  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=false]').waitFor();
  assert.equal(await page.getByTestId('producer-answer').innerText(), refusal);
  assert.equal(await page.getByTestId('producer-check').count(), 0, 'said once, not twice');
  await waitForLine(page, refusal);
  await page.getByTestId('no-producers').waitFor();
  await screenshot(page, '66-producer-bad-keys');
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue #11, item 1: NOT_ENOUGH_REPLICAS and retries visible. RF=3 with min.insync.replicas=2
// (set in the config editor) and an acks=all producer: one follower stopped is survived; with
// both stopped the leader refuses the batches (Kafka's `min.insync.replicas` docs) and the card
// shows them being retried, in the Java client's words, until a follower is back.
test('an acks=all producer below min.insync.replicas retries with NOT_ENOUGH_REPLICAS', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await page.getByTestId('topic-name').fill('pay');
  await page.getByTestId('topic-replication-factor').fill('3');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();
  await page.getByTestId('config-input-min.insync.replicas').fill('2');
  await page.getByTestId('config-set-min.insync.replicas').click();
  await page.locator('[data-testid=config-answer][data-ok=true]').waitFor();
  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=true]').waitFor();
  const card = page.locator('[data-testid=producer-card][data-name=p1]');
  await card.waitFor();
  const leader = await page.locator('[data-testid=topic-row][data-topic=pay] [data-partition="0"]').getAttribute('data-leader');
  const followers = ['1', '2', '3'].filter((id) => id !== leader);
  await page.getByTestId(`stop-broker-${followers[0]}`).click();
  await advance(page, 'advance-1s', 1_000);
  assert.equal(await card.getByTestId('producer-retrying').count(), 0, 'one follower down is survived');
  const before = await counts(card);
  await page.getByTestId(`stop-broker-${followers[1]}`).click();
  await advance(page, 'advance-1s', 1_000);
  const retrying = card.getByTestId('producer-retrying');
  await retrying.waitFor();
  assert.match(await retrying.innerText(), /WARN \[Producer clientId=p1\] Got error produce response on topic-partition pay-0, retrying \(\d+ attempts left\)\. Error: NOT_ENOUGH_REPLICAS/);
  const during = await counts(card);
  await advance(page, 'advance-1s', 1_000);
  assert.equal((await counts(card)).acknowledged, during.acknowledged, 'nothing acknowledged below min.insync.replicas');
  assert.ok(before.acknowledged > 0, 'acknowledged while one follower was down');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, '67-producer-not-enough-replicas');
  await card.screenshot({ path: `${screenshotDir}/67a-producer-card-not-enough-replicas.png` });
  // A follower back: the retried batches go through.
  await page.getByTestId(`start-broker-${followers[0]}`).click();
  await advance(page, 'advance-10s', 10_000);
  assert.equal(await card.getByTestId('producer-retrying').count(), 0);
  assert.ok((await counts(card)).acknowledged > during.acknowledged);
  assert.deepEqual(problems, []);
  await context.close();
});
