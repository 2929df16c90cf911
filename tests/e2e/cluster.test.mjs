// The cluster view as a learner uses it (issues #10 and #11): a replicated topic, the broker that
// leads partition 0 killed, simulated time moved on until the controller fences it
// (broker.session.timeout.ms = 9 s) and elects a new leader from the ISR, then the broker
// started again and the ISR whole once it has caught up. Every main-thread task is watched with
// the Long Tasks API: none may take 50 ms or more (DESIGN.md principle 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, clockMs, advance } from './support.mjs';

const env = useServerAndBrowser();

async function createTopic(page, name, partitions, replicationFactor) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('topic-partitions').fill(String(partitions));
  await page.getByTestId('topic-replication-factor').fill(String(replicationFactor));
  await page.getByTestId('create-topic').click();
}

/** The replica rows of a topic-partition, by broker id. */
async function replicas(page, topic, partition) {
  return page.locator(`[data-testid=replica][data-tp="${topic}-${partition}"]`).evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [
      r.closest('[data-state]').dataset.testid.replace('broker-', ''),
      { role: r.dataset.role, isr: r.dataset.isr === 'true', preferred: r.dataset.preferred === 'true', leo: r.dataset.leo, hw: r.dataset.hw },
    ])));
}

const leaderOf = (rows) => Object.entries(rows).find(([, r]) => r.role === 'leader')?.[0];
const isrOf = (rows) => Object.entries(rows).filter(([, r]) => r.isr).map(([id]) => id).sort();

async function health(page) {
  const el = page.getByTestId('partition-health');
  return { offline: Number(await el.getAttribute('data-offline')), under: Number(await el.getAttribute('data-under-replicated')) };
}

/** Starts recording long tasks (≥ 50 ms by the Long Tasks API's definition). */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.kplayLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.kplayLongTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
}

test('a killed leader is fenced after the session timeout, a new leader is elected, and a restart makes the ISR whole', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await watchLongTasks(page);
  const start = await clockMs(page);
  assert.equal(start, 1735689600000, 'the clock starts at 2025-01-01T00:00:00Z');
  assert.equal(await page.getByTestId('sim-clock').innerText(), '2025-01-01 00:00:00.000 UTC');
  // Voters are nodes 1..3 (the largest odd number ≤ min(3, N)); one of them is active.
  assert.equal(await page.locator('.badge.voter').count(), 3);
  assert.equal(await page.locator('.badge.controller').count(), 1);
  // Each node's Raft state: node 1 leads epoch 1 of the pre-formed quorum, the others follow.
  assert.equal(await page.locator('.quorum-line[data-role=Follower]').count(), 2);
  assert.equal(await page.getByTestId('quorum-1').getAttribute('data-role'), 'Leader');
  assert.match(await page.getByTestId('quorum-1').innerText(), /KRaft voter: Leader · epoch 1 · metadata log end \d+ · committed \d+/);

  await createTopic(page, 'orders', 3, 3);
  await page.getByTestId('topic-outcome').waitFor();
  assert.equal(await page.getByTestId('topic-outcome').innerText(), 'Created topic orders.');
  // Every broker hosts a replica of every partition; all in sync; nothing offline.
  assert.equal(await page.locator('[data-testid=replica][data-tp^="orders-"]').count(), 9);
  const initial = await replicas(page, 'orders', 0);
  const leader = leaderOf(initial);
  assert.ok(leader, 'partition 0 has a leader');
  assert.equal(initial[leader].preferred, true, 'a new partition is led by its preferred leader');
  assert.deepEqual(isrOf(initial), ['1', '2', '3']);
  assert.deepEqual(await health(page), { offline: 0, under: 0 });
  assert.match(await page.getByTestId('partition-health').innerText(), /0 offline, 0 under-replicated/);
  assert.equal(await page.locator('[data-testid=partition-health] [title^=OfflinePartitionsCount]').count(), 1);
  assert.equal(await page.locator('[data-testid=partition-health] [title^=UnderReplicatedPartitions]').count(), 1);
  await screenshot(page, '10-replicated-topic');

  // Kill the leader: the process is gone at once, but the controller only knows when its
  // session times out.
  await page.getByTestId(`kill-broker-${leader}`).click();
  const killed = page.getByTestId(`broker-${leader}`);
  await page.locator(`[data-testid=broker-${leader}][data-state=crashed]`).waitFor();
  assert.equal(await killed.getAttribute('data-fenced'), 'false', 'not fenced yet');
  assert.match(await page.getByTestId('broker-outcome').innerText(), new RegExp(`Broker ${leader} killed\\.`));
  assert.equal(await page.getByTestId(`kill-broker-${leader}`).isDisabled(), true);
  assert.equal(await page.getByTestId(`start-broker-${leader}`).isDisabled(), false);
  assert.equal(leaderOf(await replicas(page, 'orders', 0)), leader, 'still the leader as far as the controller knows');

  // Broker 1 is also the active controller: the others elect a new one first (the 2 s fetch
  // timeout and a vote), whose sessions start afresh, so the fence comes ~13 s after the kill.
  await advance(page, 'advance-10s', 10_000);
  await advance(page, 'advance-10s', 10_000);
  await page.locator(`[data-testid=broker-${leader}][data-fenced=true]`).waitFor();
  // The quorum: the killed node is down, exactly one running node leads.
  assert.equal(await page.getByTestId(`quorum-${leader}`).getAttribute('data-role'), 'down');
  assert.equal(await page.locator('.quorum-line[data-role=Leader]').count(), 1);
  const failedOver = await replicas(page, 'orders', 0);
  const newLeader = leaderOf(failedOver);
  assert.ok(newLeader && newLeader !== leader, `a new leader (${newLeader}) replaced ${leader}`);
  assert.equal(failedOver[newLeader].preferred, false, 'the new leader is not the preferred one');
  assert.deepEqual(isrOf(failedOver), ['1', '2', '3'].filter((id) => id !== leader), 'the killed broker left the ISR');
  assert.equal(failedOver[leader].leo, '—', "a crashed broker's logs are closed");
  // RF 3 on 3 brokers: every partition lost a replica; none lost its leader for good.
  assert.deepEqual(await health(page), { offline: 0, under: 3 });
  assert.match(await page.getByTestId('under-replicated-partitions').innerText(), /orders-0/);
  assert.match(await page.getByTestId('not-preferred-partitions').innerText(), /orders-0/);
  const events = await page.getByTestId('event-log').innerText();
  assert.match(events, new RegExp(`ctl b${leader} fenced`), events);
  assert.match(events, new RegExp(`ctl orders-0 leader ${leader}->${newLeader}`), events);
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  await screenshot(page, '11-leader-killed-and-fenced');
  // The first screen, as docs/screenshot.png shows it (copied by hand when it looks good).
  await page.screenshot({ path: join(screenshotDir, 'readme.png') });

  // Start it again: it recovers its log, registers, catches up and rejoins every ISR.
  await page.getByTestId(`start-broker-${leader}`).click();
  await page.locator(`[data-testid=broker-${leader}][data-state=running]`).waitFor();
  assert.match(await page.getByTestId('broker-outcome').innerText(), new RegExp(`Broker ${leader} started\\.`));
  await advance(page, 'advance-10s', 10_000);
  const healed = await replicas(page, 'orders', 0);
  assert.deepEqual(isrOf(healed), ['1', '2', '3'], 'the ISR is whole again');
  assert.equal(await killed.getAttribute('data-fenced'), 'false');
  assert.deepEqual(await health(page), { offline: 0, under: 0 });
  await screenshot(page, '12-broker-back-isr-whole');

  const longTasks = await page.evaluate(() => window.kplayLongTasks.splice(0));
  console.log(`# long tasks (>= 50 ms) during the scenario: ${JSON.stringify(longTasks)}`);
  // A minute of simulated time on this small cluster, in one click, stays under 50 ms.
  await advance(page, 'advance-1m', 60_000);
  await advance(page, 'advance-1s', 1_000);
  assert.equal(await clockMs(page), start + 91_000);
  assert.equal(await page.getByTestId('sim-elapsed').innerText(), 'T+1 min 31 s');
  await page.waitForTimeout(100); // long-task entries are delivered after the task
  assert.deepEqual(await page.evaluate(() => window.kplayLongTasks), [], 'no long task while advancing 1 min');
  assert.deepEqual(problems, []);
  await context.close();
});

test('produced records move every replica\'s LEO and HW, and survive the leader\'s failover', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await createTopic(page, 'clicks', 3, 3);
  await page.getByTestId('topic-outcome').waitFor();
  const produce = page.getByTestId('produce-clicks');
  assert.equal(await produce.innerText(), 'Produce 10 records');
  await produce.click();
  await page.locator('[data-testid=produce-outcome][data-ok=true]').waitFor();
  assert.equal(await page.getByTestId('produce-outcome').innerText(), 'Produced 10 records to clicks (acks=all).');
  // acks=all: a partition that got records has them on every replica, committed everywhere.
  let partition;
  let rows;
  for (const p of [0, 1, 2]) {
    rows = await replicas(page, 'clicks', p);
    if (Number(rows['1'].leo) > 0) {
      partition = p;
      break;
    }
  }
  assert.ok(partition !== undefined, 'the keyed records reached some partition');
  const leo = rows['1'].leo;
  for (const id of ['1', '2', '3']) assert.equal(rows[id].leo, leo, `broker ${id}'s LEO of clicks-${partition}`);
  // The leader advanced its HW when the last follower fetched the records; the followers learn
  // it from their next fetch response (Partition.maybeIncrementLeaderHW, then
  // ReplicaFetcherThread.processPartitionData), within replica.fetch.wait.max.ms (500 ms).
  assert.equal(rows[leaderOf(rows)].hw, leo, "the leader's HW");
  await advance(page, 'advance-1s', 1_000);
  rows = await replicas(page, 'clicks', partition);
  for (const id of ['1', '2', '3']) assert.deepEqual([rows[id].leo, rows[id].hw], [leo, leo], `broker ${id}'s LEO and HW of clicks-${partition}`);
  await screenshot(page, '15-produced-records');

  // Kill that partition's leader, let the controller fence it and elect another, produce again.
  const leader = leaderOf(rows);
  await page.getByTestId(`kill-broker-${leader}`).click();
  await page.locator(`[data-testid=broker-${leader}][data-state=crashed]`).waitFor();
  // (When it is also the active controller, a new one is elected first: 20 s covers both.)
  await advance(page, 'advance-10s', 10_000);
  await advance(page, 'advance-10s', 10_000);
  await page.locator(`[data-testid=broker-${leader}][data-fenced=true]`).waitFor();
  const newLeader = leaderOf(await replicas(page, 'clicks', partition));
  assert.ok(newLeader && newLeader !== leader, `a new leader (${newLeader}) replaced ${leader}`);
  assert.equal((await replicas(page, 'clicks', partition))[newLeader].leo, leo, 'the new leader has every committed record');
  const totalOnNewLeader = async () => {
    let total = 0;
    for (const p of [0, 1, 2]) total += Number((await replicas(page, 'clicks', p))[newLeader].leo);
    return total;
  };
  assert.equal(await totalOnNewLeader(), 10);
  await produce.click();
  await page.locator('[data-testid=produce-outcome][data-ok=true]').waitFor();
  assert.equal(await totalOnNewLeader(), 20, 'the second ten records are on the new leader too');
  const after = await replicas(page, 'clicks', partition);
  // Keys key-10..key-19 hash to every partition (murmur2, BuiltInPartitioner.partitionForKey).
  assert.ok(Number(after[newLeader].leo) > Number(leo), `the new leader's LEO grew from ${leo} to ${after[newLeader].leo}`);
  assert.equal(after[newLeader].hw, after[newLeader].leo, 'and every record on it is committed');
  assert.equal(after[leader].leo, '—', "the killed broker's logs stay closed");
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  await screenshot(page, '16-produced-after-failover');
  assert.deepEqual(problems, []);
  await context.close();
});

test("stopping a partition's only replica leaves it offline, and the page says so", async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await createTopic(page, 'payments', 2, 1);
  await page.getByTestId('topic-outcome').waitFor();
  const leaders = [leaderOf(await replicas(page, 'payments', 0)), leaderOf(await replicas(page, 'payments', 1))];
  // A controlled shutdown of a partition's only replica: nobody can lead it (Leader: none).
  await page.getByTestId(`stop-broker-${leaders[0]}`).click();
  await page.locator(`[data-testid=broker-${leaders[0]}][data-state=stopped][data-fenced=true]`).waitFor();
  assert.match(await page.getByTestId('broker-outcome').innerText(), new RegExp(`Broker ${leaders[0]} stopped \\(controlled shutdown\\)\\.`));
  assert.equal((await health(page)).offline, 1);
  assert.match(await page.getByTestId('offline-partitions').innerText(), /payments-0/);
  assert.equal(await page.getByTestId('partition-health').getAttribute('role'), 'alert');
  const row = page.locator('[data-testid=replica][data-tp="payments-0"]');
  assert.equal(await row.getAttribute('data-role'), 'offline');
  assert.equal(await page.locator('[data-topic=payments] .partition.offline').count(), 1);
  await screenshot(page, '13-partition-offline');
  // Starting it brings the leader back.
  await page.getByTestId(`start-broker-${leaders[0]}`).click();
  await page.locator(`[data-testid=broker-${leaders[0]}][data-state=running]`).waitFor();
  await advance(page, 'advance-1s', 1_000);
  assert.equal(leaderOf(await replicas(page, 'payments', 0)), leaders[0]);
  assert.deepEqual(await health(page), { offline: 0, under: 0 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('faults and time are saved like any action; a reload leaves a crashed broker down', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor();
  await createTopic(page, 'orders', 3, 3);
  await page.getByTestId('topic-outcome').waitFor();
  await page.getByTestId('kill-broker-3').click();
  await advance(page, 'advance-10s', 10_000);
  await page.locator('[data-testid=broker-3][data-fenced=true]').waitFor();
  // The write-behind runs after the fault and the advance, as after creating a topic.
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  const savedAt = await clockMs(page);

  await page.reload();
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  // A restored workspace starts the brokers that were running (as `kplay --data-dir` does); the
  // crashed one stays down, fenced, until it is started. The topic and its replicas are back and
  // the clock has not gone backwards.
  for (const [id, state] of [[1, 'running'], [2, 'running'], [3, 'crashed']]) {
    assert.equal(await page.getByTestId(`broker-${id}`).getAttribute('data-state'), state);
  }
  assert.equal(await page.getByTestId('broker-3').getAttribute('data-fenced'), 'true');
  assert.equal(await page.locator('[data-testid=replica][data-tp^="orders-"]').count(), 9);
  const restoredAt = await clockMs(page);
  console.log(`# clock saved at ${savedAt}, restored at ${restoredAt}`);
  assert.ok(restoredAt >= savedAt, "the clock resumes where it was saved");
  await screenshot(page, '14-reloaded-after-faults');
  assert.deepEqual(problems, []);
  await context.close();
});
