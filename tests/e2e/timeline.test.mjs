// The timeline (issue #10, item 4): "a timeline of events (elections, ISR changes, rolls,
// deletions, compactions, rebalances) where clicking an event rewinds the whole cluster to that
// moment (checkpoints plus deterministic replay); acting after a rewind starts a branch and the
// old branch stays reachable." A person creates a topic, produces, steps, plays at 100×, kills
// a broker, rewinds to just before the kill, acts differently, and goes back to the old branch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, typeLine as type, clockMs, advance } from './support.mjs';

const env = useServerAndBrowser();

async function waitForLine(page, text) {
  await page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
}

/** The timeline's list rows, newest first: { kind, text, atMs }. */
async function marks(page) {
  return page.locator('[data-testid=timeline-marks] li').evaluateAll((rows) =>
    rows.map((row) => ({
      kind: row.dataset.kind,
      text: row.querySelector('code').textContent,
      atMs: Number(row.dataset.atMs),
    })),
  );
}

/** The broker card's state: running, stopped or crashed. */
async function brokerState(page, id) {
  return page.getByTestId(`broker-${id}`).getAttribute('data-state');
}

/** The whole page as screenshots/NAME.png, and the timeline panel alone as NAME-panel.png. */
async function shots(page, name) {
  await screenshot(page, name);
  await page.getByTestId('timeline').screenshot({ path: join(screenshotDir, `${name}-panel.png`) });
}

/** Waits until no replay runs (a rewind replays a slice per frame). */
async function replayDone(page) {
  await page.locator('[data-testid=replay-progress]').waitFor({ state: 'detached' });
  await page.locator('[data-testid=timeline] [data-testid=rewind]:not([disabled])').first().waitFor();
}

test('rewind to before a crash, act on a new branch, and go back to the old one', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  // Each rewind's replay time, printed for docs/PERFORMANCE.md ("Rewind"), never asserted.
  const replays = [];
  page.on('console', (msg) => {
    const m = msg.text().match(/replayed (\d+) commands in ([\d.]+) ms/);
    if (m) replays.push(`${m[1]} commands in ${m[2]} ms`);
  });
  await page.getByTestId('broker-1').waitFor();
  await type(page, 'kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3');
  await waitForLine(page, 'Created topic orders.');
  await type(page, 'kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=:');
  await page.locator('[data-testid=terminal-form][data-mode=records]').waitFor();
  for (const record of ['a:1', 'b:2', 'c:3']) await type(page, record);
  await page.getByTestId('terminal-input').press('Control+d');
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor();
  // Step twice, then play at 100× for a moment.
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('play-pause').click();
  await page.waitForTimeout(700);
  await page.getByTestId('play-pause').click();
  await advance(page, 'advance-10s', 10_000);

  // Kill broker 2, then let a minute pass: it is fenced and leaders move.
  await page.getByTestId('kill-broker-2').click();
  await page.locator('[data-testid=broker-2][data-state=crashed]').waitFor();
  await advance(page, 'advance-1m', 60_000);
  const before = await marks(page);
  const kill = before.find((m) => m.kind === 'command' && m.text === 'broker kill 2');
  assert.ok(kill, `a mark for the kill in ${JSON.stringify(before.slice(0, 8))}`);
  assert.ok(before.some((m) => m.kind === 'leader' && m.atMs >= kill.atMs), 'a leader change after the kill');
  assert.ok(before.some((m) => m.kind === 'broker' && m.text.includes('fenced')), 'broker 2 fenced');
  assert.ok(before.some((m) => m.kind === 'command' && m.text.startsWith('kafka-topics.sh --create')));
  const endClock = await clockMs(page);
  const describe = 'kafka-topics.sh --describe --topic orders';
  await shots(page, 'timeline-before-rewind');

  // Rewind to just before the kill: broker 2 runs again, the clock is back, branch 2 is live.
  await page.locator('[data-testid=timeline-marks] li[data-kind=command]', { hasText: 'broker kill 2' })
    .getByTestId('rewind').click();
  await replayDone(page);
  await waitForLine(page, '# Rewound to');
  assert.equal(await clockMs(page), kill.atMs);
  assert.equal(await brokerState(page, 2), 'running');
  assert.equal(await page.getByTestId('branch-2').getAttribute('aria-pressed'), 'true');
  assert.match(await page.getByTestId('branch-2').innerText(), /now/);
  assert.equal(await page.getByTestId('branch-1').count(), 1, 'the old branch stays');

  // Act differently on the new branch: stop broker 3 instead.
  await type(page, 'broker stop 3');
  await waitForLine(page, 'broker stop 3');
  await page.locator('[data-testid=broker-3][data-state=stopped]').waitFor();
  const branch2 = await marks(page);
  assert.ok(branch2.some((m) => m.kind === 'command' && m.text === 'broker stop 3'));
  assert.ok(!branch2.some((m) => m.text === 'broker kill 2'), 'the kill is not on branch 2');
  await shots(page, 'timeline-branch-2');

  // Look at branch 1 and go to its end: the cluster as it was, broker 2 crashed.
  await page.getByTestId('branch-1').click();
  assert.ok((await marks(page)).some((m) => m.text === 'broker kill 2'), 'branch 1 keeps its marks');
  await page.getByTestId('go-to-branch-end').click();
  await replayDone(page);
  assert.equal(await clockMs(page), endClock);
  assert.equal(await brokerState(page, 2), 'crashed');
  assert.equal(await brokerState(page, 3), 'running');
  assert.match(await page.getByTestId('branch-1').innerText(), /now/);
  // Branch 2 is still reachable, with its own command.
  await page.getByTestId('branch-2').click();
  assert.ok((await marks(page)).some((m) => m.text === 'broker stop 3'));
  await type(page, describe);
  await waitForLine(page, 'Topic: orders');

  // The keyboard reaches the rewind buttons, and they are labelled for screen readers.
  const label = await page.locator('[data-testid=timeline-marks] [data-testid=rewind]').first().getAttribute('aria-label');
  assert.match(label, /^Rewind to just (before this command|after this event): T\+/);
  await shots(page, 'timeline-back-on-branch-1');

  // A reload keeps every branch (playground-timeline.txt in the workspace): branch 2's end is
  // still reachable, with broker 3 stopped there.
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  await page.reload();
  await page.getByTestId('branch-2').waitFor();
  assert.match(await page.getByTestId('branch-1').innerText(), /now/);
  // Branch 1's marks still point at the right steps: just before the kill, broker 2 runs.
  await page.locator('[data-testid=timeline-marks] li[data-kind=command]', { hasText: 'broker kill 2' })
    .getByTestId('rewind').click();
  await replayDone(page);
  assert.equal(await clockMs(page), kill.atMs);
  assert.equal(await brokerState(page, 2), 'running');
  assert.equal(await page.getByTestId('branch-3').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('branch-2').click();
  assert.ok((await marks(page)).some((m) => m.text === 'broker stop 3'), 'branch 2 kept its marks');
  await page.getByTestId('go-to-branch-end').click();
  await replayDone(page);
  assert.equal(await brokerState(page, 3), 'stopped');
  assert.equal(await brokerState(page, 2), 'running');
  assert.equal(await page.getByTestId('branch-3').count(), 0, 'the untouched fork is dropped');
  // The first screen with the timeline, as docs/screenshot.png shows it (copied by hand).
  await page.setViewportSize({ width: 1440, height: 1250 });
  await page.getByTestId('branch-1').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshotDir, 'readme-timeline.png') });
  // A 360 px screen: the panel fits its width, and its buttons still rewind.
  await page.setViewportSize({ width: 360, height: 800 });
  const panel = page.getByTestId('timeline');
  await panel.scrollIntoViewIfNeeded();
  const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 0, `the timeline is ${overflow} px wider than its panel at 360 px`);
  await panel.screenshot({ path: join(screenshotDir, 'timeline-360px.png') });
  console.log(`rewinds (release wasm, Chromium): ${replays.join('; ')}`);
  assert.equal(replays.length, 4);
  assert.deepEqual(problems, []);
  await context.close();
});
