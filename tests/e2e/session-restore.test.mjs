// The UI session comes back after a reload (issue #9, item 2): a person starts a producer and a
// consumer from the panels, opens a partition (on a chosen replica) and the files view on a
// broker, and reloads. The same clients run again — restarted by their own start lines at the
// restored time, the consumer rejoining its group as a new member — and the page says so; the
// same partition and files view are open. A producer stopped before a reload stays stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, screenshot, screenshotDir } from './support.mjs';

const env = useServerAndBrowser();

async function saved(page) {
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 60_000 });
}

/** Reloads and waits until the restarted cluster is shown and saved. */
async function reload(page) {
  await saved(page);
  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  await saved(page);
}

async function tick(page, times = 1) {
  for (let i = 0; i < times; i++) await page.getByTestId('advance-1s').click();
}

/** Log end offsets summed over the consumer group's partitions, and the offsets it committed. */
async function groupOffsets(page) {
  const rows = await page.locator('[data-testid=group-card][data-group=g] [data-testid=group-partition]')
    .evaluateAll((rs) => rs.map((r) => [r.cells[2].textContent, r.cells[3].textContent]));
  const sum = (i) => rows.reduce((a, r) => a + (Number(r[i]) || 0), 0);
  return { committed: sum(0), logEnd: sum(1), partitions: rows.length };
}

/** The full page, and its top (header, storage bar, notices, cluster) and the partition, groups
 *  and files panels alone: the page is long. */
async function shots(page, name) {
  await screenshot(page, name);
  await page.screenshot({ path: join(screenshotDir, `${name}-top.png`), clip: { x: 0, y: 0, width: 1280, height: 480 } });
  for (const panel of ['partition-panel', 'groups-panel']) {
    await page.getByTestId(panel).screenshot({ path: join(screenshotDir, `${name}-${panel}.png`) });
  }
  // The files panel's head only (the list of files is long).
  const files = page.getByTestId('files-panel');
  await files.evaluate((el) => el.scrollIntoView());
  const box = await files.boundingBox();
  await page.screenshot({ path: join(screenshotDir, `${name}-files-panel.png`),
    clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 300) } });
}

const memberId = (page) => page.locator('[data-testid=group-member][data-member=c1] .member-id').innerText();

test('running clients and open views come back after a reload; a stopped producer does not', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await saved(page);

  await page.getByTestId('topic-name').fill('orders');
  await page.getByTestId('topic-partitions').fill('3');
  await page.getByTestId('topic-replication-factor').fill('3');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();

  // A producer and a consumer, started from their panels.
  await page.getByTestId('producer-rate').fill('50');
  await page.getByTestId('start-producer').click();
  await page.locator('[data-testid=producer-answer][data-ok=true]').waitFor();
  await page.getByTestId('consumer-group').fill('g');
  await page.getByTestId('consumer-topics').fill('orders');
  await page.getByTestId('consumer-name').fill('c1');
  const consumerLine = await page.getByTestId('consumer-command').innerText();
  await page.getByTestId('start-consumer').click();
  await page.getByTestId('consumer-outcome').waitFor();
  await tick(page, 8);
  await page.locator('[data-testid=group-member][data-member=c1]').waitFor();
  const before = await groupOffsets(page);
  assert.ok(before.committed > 0, JSON.stringify(before));
  const memberBefore = await memberId(page);

  // The views: partition 2 of orders on a follower's replica (not the leader's, shown by
  // default), the files view on broker 3.
  await page.getByTestId('partition-topic').selectOption('orders');
  await page.getByTestId('partition-number').selectOption('2');
  const follower = await page.locator('[data-testid=replica-lane]:has(.role.follower)').last().getAttribute('data-node');
  await page.locator(`[data-testid=replica-lane][data-node="${follower}"] .lane-label`).click();
  await page.locator('.partition-panel h3.subhead', { hasText: `Segments on broker ${follower}` }).waitFor();
  await page.getByTestId('files-toggle').click();
  await page.getByTestId('files-broker-3').click();
  await shots(page, 'session-01-before-reload');

  await reload(page);
  const note = await page.getByTestId('session-restored-summary').innerText();
  assert.match(note, /^Restarted producer p1 and consumer c1 at the restored time/);
  assert.match(note, /Consumer c1 rejoins group g as a new member: a restarted client process gets a new member id\. Its member from before the reload sent no LeaveGroup/);
  // The terminal shows the lines that started them again.
  const screen = page.getByTestId('terminal-output');
  await screen.locator('.term-line', { hasText: 'producer start p1 --topic orders --rate 50/s' }).first().waitFor();
  await screen.locator('.term-line', { hasText: consumerLine.replace(/^\$ /, '') }).first().waitFor();
  await page.locator('[data-testid=producer-card][data-name=p1]').waitFor();
  // The views are open where they were.
  assert.equal(await page.getByTestId('partition-topic').inputValue(), 'orders');
  assert.equal(await page.getByTestId('partition-number').inputValue(), '2');
  assert.equal(await page.locator('.partition-panel h3.subhead').first().innerText(), `Segments on broker ${follower}`);
  assert.equal(await page.getByTestId('files-broker-3').getAttribute('aria-selected'), 'true');
  await shots(page, 'session-02-after-reload');

  // The consumer is a new member; its member from before the reload sent no LeaveGroup (the page
  // went away as a crashed process does) and stays until its session times out (45 s).
  const members = page.locator('[data-testid=group-member][data-member=c1]');
  await tick(page, 2);
  assert.equal(await members.count(), 2, 'the old member and the new one');
  await shots(page, 'session-03-old-and-new-member');
  await page.getByTestId('advance-1m').click();
  await tick(page, 10);
  // They run: the producer's records and the consumer's commits keep growing.
  assert.equal(await members.count(), 1, 'the old member timed out');
  const after = await groupOffsets(page);
  assert.ok(after.logEnd > before.logEnd, `log end ${before.logEnd} → ${after.logEnd}`);
  assert.ok(after.committed > before.committed, `committed ${before.committed} → ${after.committed}`);
  assert.ok(Number(await page.getByTestId('producer-sent').innerText()) > 0);
  assert.notEqual(await memberId(page), memberBefore, 'a new member id');
  await shots(page, 'session-04-running-again');

  // Stopped before a reload: stays stopped; the consumer still comes back.
  await page.getByTestId('stop-producer-p1').click();
  await page.locator('[data-testid=producer-card][data-name=p1]').waitFor({ state: 'detached' });
  await reload(page);
  assert.match(await page.getByTestId('session-restored-summary').innerText(), /^Restarted consumer c1 at the restored time/);
  assert.equal(await page.locator('[data-testid=producer-card]').count(), 0);
  await page.getByTestId('no-producers').waitFor();

  // Nothing running: a reload restarts nothing and says nothing. The member from before this
  // reload sent no LeaveGroup either: it goes when its session times out (the restarted
  // cluster's coordinator has loaded the group, issue #6).
  await page.getByTestId('consumer-stop-c1').click();
  await page.getByTestId('advance-1m').click();
  await page.locator('[data-testid=group-member][data-member=c1]').waitFor({ state: 'detached' });
  await reload(page);
  assert.equal(await page.getByTestId('session-restored').count(), 0);
  assert.equal(await page.getByTestId('files-broker-3').getAttribute('aria-selected'), 'true');
  await shots(page, 'session-05-nothing-running');
  assert.deepEqual(problems, []);
  await context.close();
});
