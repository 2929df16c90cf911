// The fault, config and metrics panels (issue #11, items 3-6) as a learner uses them:
// - the Network panel partitions brokers 1 and 2: the link is drawn cut, broker 2 falls out of
//   the ISR (the broker card and the event log say so), then Heal lets it back in;
// - the same commands typed into the terminal of a fresh page give the same terminal, the
//   same event log and the same `kafka-topics.sh --describe`;
// - an unclean election off and on through the config editor: with the only live replica out
//   of sync the partition stays `Leader: none`; `unclean.leader.election.enable=true` elects it
//   and the producer's acknowledged records it never had are marked lost;
// - a bad config value gets Kafka's message from kafka-configs.sh beside the field;
// - the metrics move while a producer runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, typeLine, advance } from './support.mjs';

const env = useServerAndBrowser();

/** Waits until the terminal shows an output line with this text. */
async function waitForLine(page, text) {
  await page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
}

/** A screenshot of one panel (easier to look at than the whole page). */
async function shoot(locator, name) {
  await mkdir(screenshotDir, { recursive: true });
  await locator.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

async function tenSeconds(page, times) {
  for (let i = 0; i < times; i += 1) await advance(page, 'advance-10s', 10_000);
}

const replica = (page, broker, tp) =>
  page.locator(`[data-testid=broker-${broker}] [data-testid=replica][data-tp="${tp}"]`);

/** Runs a typed line and waits for its answer. */
async function typed(page, line, answer) {
  await typeLine(page, line);
  await waitForLine(page, answer);
}

test('a network partition shrinks the ISR, healing expands it, and the shown commands give the same state', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3', 'Created topic t.');
  const net = page.locator('.network-panel');
  assert.equal(await page.getByTestId('link-1-2').getAttribute('data-state'), 'ok');
  // The shown commands follow the pickers and the amounts.
  assert.equal(await page.getByTestId('network-partition-command').innerText(), '$ network partition 1 2');
  await page.getByTestId('network-node-b').selectOption('3');
  await page.getByTestId('network-delay-ms').fill('250');
  assert.equal(await page.getByTestId('network-delay-command').innerText(), '$ network delay 1 3 250ms');
  await page.getByTestId('network-loss-percent').fill('0.5');
  assert.equal(await page.getByTestId('network-drop-command').innerText(), '$ network drop 1 3 0.5');
  // Clicking a link picks its two brokers.
  await page.getByTestId('link-1-2').click({ force: true });
  assert.equal(await page.getByTestId('network-partition-command').innerText(), '$ network partition 1 2');

  const shown = [];
  shown.push((await page.getByTestId('network-partition-command').innerText()).slice(2));
  await page.getByTestId('network-partition').click();
  await page.locator('[data-testid=network-answer]', { hasText: 'Network partitioned between 1 and 2' }).waitFor();
  await waitForLine(page, 'Network partitioned between 1 and 2');
  assert.equal(await page.getByTestId('link-1-2').getAttribute('data-state'), 'cut');
  await tenSeconds(page, 4);
  // Broker 2 cannot reach the controller (1): fenced, and out of the ISR.
  assert.equal(await replica(page, 2, 't-0').getAttribute('data-isr'), 'false');
  const events = page.getByTestId('event-log');
  assert.match(await events.innerText(), /user network partition 1 2/);
  assert.match(await events.innerText(), /ctl t-0 isr \[1,2,3\]->\[1,3\]/);
  assert.equal(await page.getByTestId('metric-UnderReplicatedPartitions').getAttribute('data-value'), '1');
  await screenshot(page, '80-network-partitioned');
  await shoot(net, '80-network-panel-cut');

  shown.push((await page.getByTestId('network-heal-command').innerText()).slice(2));
  await page.getByTestId('network-heal').click();
  await page.locator('[data-testid=network-answer]', { hasText: 'Network healed between 1 and 2.' }).waitFor();
  assert.equal(await page.getByTestId('link-1-2').getAttribute('data-state'), 'ok');
  await tenSeconds(page, 4);
  assert.equal(await replica(page, 2, 't-0').getAttribute('data-isr'), 'true');
  assert.match(await events.innerText(), /ctl t-0 isr \[1,3\]->\[1,3,2\] \(caught up\)/);
  assert.equal(await page.getByTestId('metric-UnderReplicatedPartitions').getAttribute('data-value'), '0');
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic t', 'Isr: 1,3,2');
  await shoot(page.locator('.cluster-panel'), '81-cluster-healed');
  // Delay and loss on the link 1-3, drawn on the link; Heal all leaves them (it heals cuts).
  await page.getByTestId('network-node-b').selectOption('3');
  shown.push((await page.getByTestId('network-delay-command').innerText()).slice(2));
  await page.getByTestId('network-delay').click();
  await page.locator('[data-testid=network-answer]', { hasText: 'Link 1-3: 250 ms extra delay each way.' }).waitFor();
  assert.equal(await page.getByTestId('link-1-3').getAttribute('data-state'), 'delayed');
  shown.push((await page.getByTestId('network-drop-command').innerText()).slice(2));
  await page.getByTestId('network-drop').click();
  await page.locator('[data-testid=network-answer]', { hasText: 'Link 1-3: 0.5% of messages dropped each way.' }).waitFor();
  assert.equal(await page.getByTestId('link-1-3').getAttribute('data-state'), 'lossy');
  assert.match(await page.getByTestId('link-1-3').innerHTML(), /\+250 ms, 0\.5% loss/);
  await tenSeconds(page, 1);
  await shoot(net, '81-network-panel-delay-loss');
  shown.push((await page.getByTestId('network-heal-all-command').innerText()).slice(2));
  await page.getByTestId('network-heal-all').click();
  await page.locator('[data-testid=network-answer]', { hasText: 'Network healed.' }).waitFor();
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic t', 'Isr: 1,3,2');
  assert.deepEqual(shown, ['network partition 1 2', 'network heal 1 2', 'network delay 1 3 250ms', 'network drop 1 3 0.5', 'network heal']);
  const terminalA = await page.getByTestId('terminal-output').innerText();
  const eventsA = await events.innerText();

  // A fresh page: the shown commands typed into the terminal, the same time buttons.
  const b = await openPage(env.browser, env.server.url);
  await b.page.getByTestId('broker-1').waitFor();
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3', 'Created topic t.');
  await typed(b.page, shown[0], 'Network partitioned between 1 and 2');
  await tenSeconds(b.page, 4);
  await typed(b.page, shown[1], 'Network healed between 1 and 2.');
  await tenSeconds(b.page, 4);
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic t', 'Isr: 1,3,2');
  await typed(b.page, shown[2], 'Link 1-3: 250 ms extra delay each way.');
  await typed(b.page, shown[3], 'Link 1-3: 0.5% of messages dropped each way.');
  await tenSeconds(b.page, 1);
  await typed(b.page, shown[4], 'Network healed.');
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic t', 'Isr: 1,3,2');
  assert.equal(await b.page.getByTestId('link-1-3').getAttribute('data-state'), 'lossy');
  assert.equal(await b.page.getByTestId('terminal-output').innerText(), terminalA);
  assert.equal(await b.page.getByTestId('event-log').innerText(), eventsA);
  assert.deepEqual(b.problems, []);
  await b.context.close();

  assert.deepEqual(problems, []);
  await context.close();
});

test('unclean leader election off and on through the config editor; a bad value gets Kafka\'s message', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  // Replicas on brokers 2 and 3 only, so the controller (broker 1) keeps its quorum throughout.
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic u --replica-assignment 2:3', 'Created topic u.');
  await typed(page, 'producer start p1 --topic u --rate 10/s --acks 1', 'Producer p1 started');
  await page.getByTestId('kill-broker-3').click();
  await tenSeconds(page, 2);
  assert.equal(await page.getByTestId('node-3').getAttribute('data-state'), 'crashed');
  assert.equal(await replica(page, 3, 'u-0').getAttribute('data-isr'), 'false');
  // Broker 2 alone acknowledges (acks=1), then shuts down: nobody in sync is left.
  await page.getByTestId('stop-broker-2').click();
  await tenSeconds(page, 1);
  await shoot(page.locator('.network-map'), '82-network-brokers-down');
  await page.getByTestId('start-broker-3').click();
  await tenSeconds(page, 2);
  // Off (Kafka's default): broker 3 is out of sync, so the partition stays without a leader.
  assert.equal(await replica(page, 3, 'u-0').getAttribute('data-role'), 'offline');
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic u', 'Leader: none');

  const editor = page.locator('.config-editor');
  await page.getByTestId('config-entity').selectOption('topic:u');
  await page.getByTestId('config-filter').fill('unclean');
  const row = page.getByTestId('config-row-unclean.leader.election.enable');
  assert.equal(await row.getAttribute('data-source'), 'DEFAULT_CONFIG');
  assert.equal(await page.getByTestId('config-input-unclean.leader.election.enable').inputValue(), 'false');
  await page.getByTestId('config-input-unclean.leader.election.enable').fill('true');
  const line = 'kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name u --add-config unclean.leader.election.enable=true';
  assert.equal(await row.getByTestId('config-command').innerText(), `$ ${line}`);
  await shoot(editor, '82-config-editor-preview');
  await page.getByTestId('config-set-unclean.leader.election.enable').click();
  await row.locator('[data-testid=config-answer][data-ok=true]', { hasText: 'Completed updating config for topic u.' }).waitFor();
  await waitForLine(page, 'Completed updating config for topic u.');
  assert.equal(await row.getAttribute('data-source'), 'DYNAMIC_TOPIC_CONFIG');
  // On: the controller elects broker 3 uncleanly at once (the event log says so before the
  // producer's high-watermark lines push it out); what only broker 2 had is lost.
  assert.match(await page.getByTestId('event-log').innerText(), /ctl u-0 leader none->3 epoch=\d+ unclean/);
  assert.equal(await replica(page, 3, 'u-0').getAttribute('data-role'), 'leader');
  await tenSeconds(page, 1);
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic u', 'Leader: 3');
  const eventsA = await page.getByTestId('event-log').innerText();
  const card = page.locator('[data-testid=producer-card][data-name=p1]');
  const lost = Number(await card.getAttribute('data-lost'));
  assert.ok(lost > 0, `acknowledged records lost: ${lost}`);
  await shoot(card, '83-unclean-lost-records');
  await screenshot(page, '83-unclean-election');

  // A bad value: the tool's own message beside the field, nothing changed.
  await page.getByTestId('config-filter').fill('min.insync');
  await page.getByTestId('config-input-min.insync.replicas').fill('0');
  await page.getByTestId('config-set-min.insync.replicas').click();
  const bad = page.getByTestId('config-row-min.insync.replicas').locator('[data-testid=config-answer][data-ok=false]');
  await bad.waitFor();
  assert.match(await bad.innerText(), /InvalidConfigurationException: Invalid value 0 for configuration min\.insync\.replicas: Value must be at least 1/);
  assert.equal(await page.getByTestId('config-row-min.insync.replicas').getAttribute('data-source'), 'DEFAULT_CONFIG');
  await shoot(editor, '84-config-bad-value');
  // A broker's table: Kafka's default, where it comes from, and what the playground fixes.
  await page.getByTestId('config-entity').selectOption('broker:1');
  await page.getByTestId('config-filter').fill('replica');
  const lag = page.getByTestId('config-row-replica.lag.time.max.ms');
  assert.equal(await lag.getAttribute('data-source'), 'DEFAULT_CONFIG');
  assert.match(await lag.innerText(), /30000/);
  assert.match(await page.getByTestId('fixed-broker-configs').innerText(), /replica\.fetch\.wait\.max\.ms/);
  await shoot(editor, '84-config-broker');

  // A fresh page with the same lines typed (the broker buttons' `broker` verbs, the editor's
  // shown line) and the same time buttons reaches the same events and the same leader.
  const b = await openPage(env.browser, env.server.url);
  await b.page.getByTestId('broker-1').waitFor();
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic u --replica-assignment 2:3', 'Created topic u.');
  await typed(b.page, 'producer start p1 --topic u --rate 10/s --acks 1', 'Producer p1 started');
  await typed(b.page, 'broker kill 3', 'Broker 3 killed.');
  await tenSeconds(b.page, 2);
  await typed(b.page, 'broker stop 2', 'Broker 2 stopped (controlled shutdown).');
  await tenSeconds(b.page, 1);
  await typed(b.page, 'broker start 3', 'Broker 3 started.');
  await tenSeconds(b.page, 2);
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic u', 'Leader: none');
  await typed(b.page, line, 'Completed updating config for topic u.');
  await tenSeconds(b.page, 1);
  await typed(b.page, 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic u', 'Leader: 3');
  assert.equal(await b.page.getByTestId('event-log').innerText(), eventsA);
  assert.deepEqual(b.problems, []);
  await b.context.close();

  assert.deepEqual(problems, []);
  await context.close();
});

test('the metrics move over simulated time while a producer runs', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await typed(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic m --partitions 3 --replication-factor 3', 'Created topic m.');
  await typed(page, 'producer start p1 --topic m --rate 1000/s --keys k{n%20}', 'Producer p1 started');
  const metric = (name) => page.getByTestId(`metric-${name}`);
  const value = async (name) => Number(await metric(name).getAttribute('data-value'));
  for (let i = 0; i < 3; i += 1) await advance(page, 'advance-1s', 1_000);
  const samples = Number(await page.getByTestId('metrics').getAttribute('data-samples'));
  assert.ok(samples >= 2, `samples: ${samples}`);
  const messages = await value('MessagesInPerSec');
  assert.ok(messages >= 500 && messages <= 1500, `MessagesInPerSec ${messages}`);
  assert.ok((await value('BytesInPerSec')) > messages, 'BytesInPerSec');
  assert.equal(await value('ActiveControllerCount'), 1);
  assert.match(await metric('UnderReplicatedPartitions').getAttribute('title'), /kafka\.server:type=ReplicaManager,name=UnderReplicatedPartitions/);
  await typed(page, 'producer stop p1', 'Producer p1 stopped');
  for (let i = 0; i < 2; i += 1) await advance(page, 'advance-1s', 1_000);
  assert.ok(Number(await page.getByTestId('metrics').getAttribute('data-samples')) >= samples + 2);
  assert.equal(await value('MessagesInPerSec'), 0);
  await shoot(page.locator('.metrics-panel'), '85-metrics');
  assert.deepEqual(problems, []);
  await context.close();
});
