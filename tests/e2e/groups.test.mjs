// The consumer groups panel (issue #11, item 2): a person creates a six-partition topic, adds
// consumers one by one with the form — a classic group with the eager range assignor, one with
// cooperative-sticky, a KIP-848 group — moving simulated time on between them, and watches the
// members, the partitions moving and the generation or group epoch growing; kills a consumer and
// sees the session timeout (45 s) remove it; sees every command in the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { useServerAndBrowser, openPage, screenshot, screenshotDir } from './support.mjs';

const env = useServerAndBrowser();

/** The full page, and the groups panel alone (the page is long: the brokers list every
 * `__consumer_offsets` partition), as screenshots/NAME.png and NAME-panel.png. */
async function shoot(page, name) {
  await screenshot(page, name);
  await mkdir(screenshotDir, { recursive: true });
  await page.getByTestId('groups-panel').screenshot({ path: join(screenshotDir, `${name}-panel.png`) });
}

const card = (page, group) => page.locator(`[data-testid=group-card][data-group="${group}"]`);

async function advance(page, testid, times = 1) {
  for (let i = 0; i < times; i++) await page.getByTestId(testid).click();
}

/** Fills the form and presses Start; returns the previewed line. */
async function startConsumer(page, { group, topics = 'orders', protocol, assignor, rate, fromBeginning = true }) {
  await page.getByTestId('consumer-group').fill(group);
  await page.getByTestId('consumer-topics').fill(topics);
  await page.getByTestId('consumer-protocol').selectOption(protocol ?? 'classic');
  await page.getByTestId('consumer-assignor').selectOption(assignor ?? '');
  await page.getByTestId('consumer-rate').fill(rate ? String(rate) : '');
  if (fromBeginning !== (await page.getByTestId('consumer-from-beginning').isChecked())) {
    await page.getByTestId('consumer-from-beginning').click();
  }
  const line = await page.getByTestId('consumer-command').innerText();
  await page.getByTestId('start-consumer').click();
  return line;
}

/** The terminal shows `$ line` followed by a line matching `output`. */
async function seeInTerminal(page, line, output) {
  const screen = page.getByTestId('terminal-output');
  await screen.locator('.term-line', { hasText: line }).first().waitFor();
  if (output) await screen.locator('.term-line', { hasText: output }).first().waitFor();
}

async function memberPartitions(page, group) {
  return card(page, group)
    .locator('[data-testid=group-member]')
    .evaluateAll((ms) => ms.map((m) => [m.dataset.member, Number(m.dataset.partitions)]));
}

test('consumers join groups, partitions move, a killed one is timed out', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.getByTestId('no-groups').isVisible(), true);

  await page.getByTestId('topic-name').fill('orders');
  await page.getByTestId('topic-partitions').fill('6');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();
  await page.getByTestId('produce-orders').click();
  await page.getByTestId('produce-orders').click();

  // 1. A classic group with the eager range assignor: one consumer gets all six partitions.
  let line = await startConsumer(page, { group: 'shop', assignor: 'range' });
  assert.equal(line, 'consumer start consumer-1 --group shop --topic orders --assignor range --from-beginning');
  await seeInTerminal(page, `$ ${line}`, 'Consumer consumer-1 started: group shop');
  assert.match(await page.getByTestId('consumer-outcome').innerText(), /Consumer consumer-1 started/);
  await advance(page, 'advance-10s');
  const shop = card(page, 'shop');
  await shop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.match(await shop.getByTestId('group-coordinator').innerText(), /^coordinator: broker \d · __consumer_offsets-\d+$/);
  // The broker cards fold the 50 __consumer_offsets replicas into one line until asked for.
  assert.equal(await page.locator('[data-testid=broker-1] [data-testid=replica][data-tp^="__consumer_offsets-"]').count(), 0);
  await page.getByTestId('internal-replicas-1').click();
  assert.ok(await page.locator('[data-testid=broker-1] [data-testid=replica][data-tp^="__consumer_offsets-"]').count() > 0);
  await page.getByTestId('internal-replicas-1').click();
  // So does the topic list.
  const offsetsTopic = page.locator('[data-testid=topic-row][data-topic="__consumer_offsets"]');
  assert.equal(await offsetsTopic.count(), 0);
  await page.getByTestId('internal-topics').click();
  assert.equal(await offsetsTopic.count(), 1);
  await page.getByTestId('internal-topics').click();
  assert.match(await shop.getByTestId('group-protocol').innerText(), /classic · range/);
  assert.deepEqual(await memberPartitions(page, 'shop'), [['consumer-1', 6]]);
  const firstGeneration = Number(await shop.getByTestId('group-generation').getAttribute('data-generation'));
  assert.ok(firstGeneration >= 1);
  await shoot(page, 'groups-01-first-consumer');

  // 2. A second member: an eager rebalance (every partition revoked), then three each.
  line = await startConsumer(page, { group: 'shop', assignor: 'range' });
  assert.match(line, /^consumer start consumer-2 --group shop/);
  let sawRebalance = false;
  for (let i = 0; i < 12; i++) {
    await advance(page, 'advance-1s');
    if ((await shop.getAttribute('data-state')) !== 'Stable') {
      if (!sawRebalance) await shoot(page, 'groups-02-eager-rebalance');
      sawRebalance = true;
    }
  }
  assert.ok(sawRebalance, 'the group rebalanced');
  await advance(page, 'advance-10s');
  await shop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.deepEqual((await memberPartitions(page, 'shop')).sort(), [['consumer-1', 3], ['consumer-2', 3]]);
  const secondGeneration = Number(await shop.getByTestId('group-generation').getAttribute('data-generation'));
  assert.ok(secondGeneration > firstGeneration, `${secondGeneration} > ${firstGeneration}`);

  // The form's errors show beside it, in the command's words.
  await page.getByTestId('consumer-name').fill('consumer-1');
  await startConsumer(page, { group: 'shop' });
  assert.match(await page.getByTestId('consumer-error').innerText(), /A consumer named consumer-1 is already running\./);
  await page.getByTestId('consumer-name').fill('');

  // 3. cooperative-sticky: the second member's arrival moves only the partitions that change.
  await startConsumer(page, { group: 'coop', assignor: 'cooperative-sticky' });
  await advance(page, 'advance-10s');
  const coop = card(page, 'coop');
  await coop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  const coopFirst = Number(await coop.getByTestId('group-generation').getAttribute('data-generation'));
  await startConsumer(page, { group: 'coop', assignor: 'cooperative-sticky' });
  // Cooperative: consumer-3 keeps the partitions that stay; the others are revoked in one
  // rebalance and given to consumer-4 in the next.
  let sawCooperative = false;
  for (let i = 0; i < 8; i++) {
    await advance(page, 'advance-1s');
    const revoked = await coop.locator('.group-partition.revoking').count();
    const kept = await coop.locator('.group-partition[data-owner=consumer-3]').count();
    if (revoked > 0 && kept > 0) {
      if (!sawCooperative) await shoot(page, 'groups-02a-cooperative-rebalance');
      sawCooperative = true;
    }
  }
  assert.ok(sawCooperative, 'a cooperative rebalance: some partitions kept, some revoked');
  await advance(page, 'advance-10s');
  await coop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.deepEqual((await memberPartitions(page, 'coop')).sort(), [['consumer-3', 3], ['consumer-4', 3]]);
  const coopSecond = Number(await coop.getByTestId('group-generation').getAttribute('data-generation'));
  // Two rounds (KIP-429): one generation revokes what moves, the next hands it out.
  assert.ok(coopSecond >= coopFirst + 2, `two rebalances: ${coopFirst} -> ${coopSecond}`);

  // 4. A KIP-848 group, slow consumers (1 record/s) so lag builds and drains.
  line = await startConsumer(page, { group: 'kip', protocol: 'consumer', assignor: 'uniform', rate: 1 });
  assert.equal(line, 'consumer start consumer-5 --group kip --topic orders --protocol consumer --assignor uniform --rate 1/s --from-beginning');
  await advance(page, 'advance-1s', 2);
  const kip = card(page, 'kip');
  await kip.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.match(await kip.getByTestId('group-protocol').innerText(), /consumer \(KIP-848\) · uniform/);
  const epochBefore = Number(await kip.getByTestId('group-epoch').getAttribute('data-epoch'));
  await startConsumer(page, { group: 'kip', protocol: 'consumer', assignor: 'uniform', rate: 1 });
  // KIP-848 reconciles: the new member waits for partitions the other has not released yet
  // (it hears of its target at its next heartbeat, group.consumer.heartbeat.interval.ms = 5 s).
  let sawReconciling = false;
  for (let i = 0; i < 6; i++) {
    await advance(page, 'advance-1s');
    const assigning = await kip.locator('.chip.assigning, .group-partition.assigning, .chip.revoking').count();
    if ((await kip.getAttribute('data-state')) === 'Reconciling' && assigning > 0) {
      if (!sawReconciling) await shoot(page, 'groups-03a-kip848-reconciling');
      sawReconciling = true;
    }
  }
  assert.ok(sawReconciling, 'the KIP-848 group reconciled, partitions on their way');
  await kip.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  const epochAfter = Number(await kip.getByTestId('group-epoch').getAttribute('data-epoch'));
  assert.ok(epochAfter > epochBefore, `${epochAfter} > ${epochBefore}`);
  assert.deepEqual((await memberPartitions(page, 'kip')).sort(), [['consumer-5', 3], ['consumer-6', 3]]);
  // More records than 1/s drains: once the members have committed (auto-commit, 5 s), lag shows.
  await page.getByTestId('produce-orders').click();
  await page.getByTestId('produce-orders').click();
  await advance(page, 'advance-1s', 6);
  const spark = kip.getByTestId('lag-sparkline');
  assert.ok(Number(await spark.getAttribute('data-samples')) > 3);
  assert.ok(Number(await spark.getAttribute('data-lag')) > 0, 'slow consumers lag');
  await shoot(page, 'groups-03-three-groups');

  // 5. Kill consumer-2: no LeaveGroup, so the group keeps it until session.timeout.ms (45 s).
  await shop.getByTestId('consumer-kill-consumer-2').click();
  await seeInTerminal(page, '$ consumer kill consumer-2', 'session.timeout.ms (45000 ms)');
  await advance(page, 'advance-10s', 3);
  assert.equal((await memberPartitions(page, 'shop')).length, 2, 'still a member after 30 s');
  await advance(page, 'advance-10s', 3);
  await shop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.deepEqual(await memberPartitions(page, 'shop'), [['consumer-1', 6]]);
  const thirdGeneration = Number(await shop.getByTestId('group-generation').getAttribute('data-generation'));
  assert.ok(thirdGeneration > secondGeneration);

  // 6. Stop consumer-3: it commits and leaves at once.
  await coop.getByTestId('consumer-stop-consumer-3').click();
  await seeInTerminal(page, '$ consumer stop consumer-3', 'and left group coop');
  await advance(page, 'advance-10s');
  await coop.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  assert.deepEqual(await memberPartitions(page, 'coop'), [['consumer-4', 6]]);
  await page.getByTestId('groups-panel').scrollIntoViewIfNeeded();
  await shoot(page, 'groups-04-after-kill-and-stop');

  // A phone-sized screen: the panel fits its width (wide tables scroll inside their card).
  await page.setViewportSize({ width: 360, height: 800 });
  await page.getByTestId('groups-panel').scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll('[data-testid=groups-panel] *')]
      .filter((e) => e.getBoundingClientRect().right > limit + 0.5 && !e.closest('.table-scroll'))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
  });
  assert.deepEqual(wide, [], 'nothing in the panel is wider than the screen');
  await page.getByTestId('groups-panel').screenshot({ path: join(screenshotDir, 'groups-05-narrow-panel.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue #11, item 2: more members than partitions leaves one idle, marked so once the group is
// settled; slow members lag in offsets and in time (the table's time-lag column).
test('a member beyond the partition count is idle, and slow members lag in offsets and time', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await page.getByTestId('topic-name').fill('tiny');
  await page.getByTestId('topic-partitions').fill('2');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();
  await page.getByTestId('producer-rate').fill('500');
  await page.getByTestId('producer-keys').fill('k{n%10}');
  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=true]').waitFor();
  for (let i = 0; i < 3; i++) {
    await startConsumer(page, { group: 'few', topics: 'tiny', rate: 100 });
    await advance(page, 'advance-1s', 2);
  }
  await advance(page, 'advance-10s', 2);
  const few = card(page, 'few');
  await few.locator('[data-testid=group-state]', { hasText: 'Stable' }).waitFor();
  const members = await memberPartitions(page, 'few');
  assert.equal(members.length, 3);
  assert.deepEqual(members.map(([, n]) => n).sort(), [0, 1, 1]);
  const idle = few.locator('[data-testid=group-member][data-partitions="0"]');
  assert.equal(await idle.getByTestId('member-idle').count(), 1);
  assert.equal(await few.getByTestId('member-idle').count(), 1, 'only the member without partitions');
  // 500 records/s against 100/s each (a 500-record poll takes 5 s): once they have committed
  // (auto-commit, 5 s, at a poll), offsets and time lag show.
  await advance(page, 'advance-10s');
  await shoot(page, 'groups-05-idle-member-and-time-lag');
  const rows = few.locator('[data-testid=group-partition]');
  const lags = await rows.evaluateAll((rs) => rs.map((r) => [Number(r.dataset.lag), Number(r.dataset.timeLagMs)]));
  assert.equal(lags.length, 2);
  assert.ok(lags.every(([lag, ms]) => lag > 0 && ms > 0), `lag in offsets and ms: ${JSON.stringify(lags)}`);
  assert.deepEqual(problems, []);
  await context.close();
});
