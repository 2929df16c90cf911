// The partition view (issue #10, item 2) as a learner uses it: a replicated topic with tiny
// segments filled from the terminal, its three replicas side by side with their log start
// offset, high watermark and log end offset, the segments rolled (the active one marked), the
// records in a virtualised list (jump to an offset), then both followers killed and two acks=1
// records written: the leader's log end moves past the high watermark and those records are
// marked as not yet readable; a killed broker's lane says its log is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, typeLine as type } from './support.mjs';

const env = useServerAndBrowser();

/** Types records at an interactive console producer's `>` prompt and ends it with Ctrl-D. */
async function produce(page, command, records) {
  await type(page, command);
  await page.locator('[data-testid=terminal-form][data-mode=records]').waitFor();
  for (const record of records) await type(page, record);
  await page.getByTestId('terminal-input').press('Control+d');
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor();
}

/** Each lane's offsets, by broker id. */
async function lanes(page) {
  return page.locator('[data-testid=replica-lane]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => {
    const o = r.querySelector('[data-testid=lane-offsets]');
    return [r.dataset.node, o ? { start: +o.dataset.logStart, hw: +o.dataset.highWatermark, end: +o.dataset.logEnd, leader: !!r.querySelector('.role.leader') } : null];
  })));
}

test('replicas side by side, segments, records, and the stretch above the high watermark', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.match(await page.getByTestId('no-partition').innerText(), /Create a topic/);

  await type(page, 'kafka-topics.sh --create --topic logs --partitions 1 --replication-factor 3 --config segment.bytes=300');
  await page.getByTestId('partition-panel').locator('[data-testid=replica-lane]').first().waitFor();
  const keys = Array.from({ length: 40 }, (_, n) => `user-${n % 7}:event-${n}`);
  // Four producer runs, four batches: a segment rolls when the next batch would not fit.
  for (let round = 0; round < 4; round++) {
    await produce(page, 'kafka-console-producer.sh --topic logs --property parse.key=true --property key.separator=:', keys.slice(round * 10, round * 10 + 10));
  }
  await page.getByTestId('advance-1s').click();
  await page.locator('[data-testid=lane-offsets][data-high-watermark="40"]').nth(2).waitFor();

  const caughtUp = await lanes(page);
  assert.equal(Object.keys(caughtUp).length, 3, 'one lane per replica');
  for (const lane of Object.values(caughtUp)) assert.deepEqual({ start: lane.start, hw: lane.hw, end: lane.end }, { start: 0, hw: 40, end: 40 });
  const leader = Object.entries(caughtUp).find(([, l]) => l.leader)[0];
  // The leader's lane is selected: its segments rolled at 300 bytes, the last one active.
  assert.equal(await page.locator('[data-testid=replica-lane].selected').getAttribute('data-node'), leader);
  const segments = page.getByTestId('segment-row');
  const segmentCount = await segments.count();
  assert.ok(segmentCount > 1, 'tiny segments roll');
  assert.equal(await segments.last().locator('.active-segment').count(), 1);
  assert.equal(await page.locator('.active-segment').count(), 1, 'one active segment per log');
  assert.match(await segments.first().innerText(), /00000000000000000000\.log/);

  // Only the rows in view exist; jumping to an offset reads that part of the log.
  const rows = page.getByTestId('record-row');
  assert.equal(await rows.first().getAttribute('data-offset'), '0');
  assert.match(await rows.first().innerText(), /user-0[\s\S]*event-0/);
  assert.ok(await rows.count() <= 15, 'virtualised: only the visible rows are rendered');
  await page.getByTestId('jump-offset').fill('30');
  await page.getByTestId('jump-offset').press('Enter');
  await page.locator('[data-testid=record-row][data-offset="30"]').waitFor();
  assert.match(await page.locator('[data-testid=record-row][data-offset="30"]').innerText(), /user-2[\s\S]*event-30/);
  await screenshot(page, '30-partition-view');

  // Both followers die; the controller has not noticed yet, so acks=1 records reach the
  // leader's log but not the high watermark.
  const followers = Object.keys(caughtUp).filter((id) => id !== leader);
  for (const id of followers) await page.getByTestId(`kill-broker-${id}`).click();
  await produce(page, 'kafka-console-producer.sh --topic logs --producer-property acks=1', ['late-1', 'late-2']);
  await page.locator(`[data-testid=replica-lane][data-node="${leader}"] [data-log-end="42"]`).waitFor();
  const after = await lanes(page);
  assert.deepEqual({ hw: after[leader].hw, end: after[leader].end }, { hw: 40, end: 42 });
  await page.getByTestId('follow-end').check();
  await page.locator('[data-testid=record-row][data-offset="41"]').waitFor();
  assert.ok(await page.locator('[data-testid=record-row][data-offset="41"]').evaluate((r) => r.classList.contains('uncommitted')));
  assert.ok(!(await page.locator('[data-testid=record-row][data-offset="39"]').evaluate((r) => r.classList.contains('uncommitted'))));
  await screenshot(page, '31-partition-above-hw');

  // A killed follower's lane: its log is closed.
  await page.locator(`[data-testid=replica-lane][data-node="${followers[0]}"] .lane-label`).click();
  await page.getByTestId('replica-down').waitFor();

  // The files view: the leader's log dir as ls shows it, a checkpoint's text, and a segment
  // dumped by kafka-dump-log.sh in the terminal.
  await page.getByTestId('files-toggle').click();
  await page.getByTestId(`files-broker-${leader}`).click();
  const top = page.getByTestId('top-files');
  assert.match(await top.locator('[data-name="meta.properties"] .file-text').innerText(), new RegExp(`node.id=${leader}`));
  assert.equal(await top.locator('[data-name="recovery-point-offset-checkpoint"]').count(), 1);
  const folder = page.locator('[data-testid=log-dir-folder][data-dir="logs-0"]');
  await folder.locator('summary').click();
  const logs = folder.locator('[data-testid=log-dir-file][data-name$=".log"]');
  // One .log file per segment (the two acks=1 records may have rolled one more).
  assert.ok(await logs.count() >= segmentCount, 'one .log file per segment');
  assert.equal(await folder.locator('[data-name="00000000000000000000.index"]').count(), 1);
  assert.equal(await folder.locator('[data-name="00000000000000000000.timeindex"]').count(), 1);
  assert.equal(await folder.locator('[data-name="leader-epoch-checkpoint"]').count(), 1);
  await logs.first().getByTestId('dump-file').click();
  const dumped = `Dumping /tmp/kraft-combined-logs/broker-${leader}/logs-0/00000000000000000000.log`;
  await page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]', { hasText: dumped }).first().waitFor();
  await page.locator('[data-testid=terminal-output] .term-line', { hasText: 'key: user-0 payload: event-0' }).first().waitFor();
  await screenshot(page, '33-files-view');

  // A narrow screen still shows the lanes and the records.
  await page.setViewportSize({ width: 360, height: 800 });
  await page.locator(`[data-testid=replica-lane][data-node="${leader}"] .lane-label`).click();
  await page.getByTestId('record-viewport').scrollIntoViewIfNeeded();
  await screenshot(page, '32-partition-360px');
  assert.deepEqual(problems, []);
  await context.close();
});
