// The first page: a person creates topics through the form, sees them listed, and tries every
// kind of name Kafka refuses (org.apache.kafka.common.internals.Topic and the KRaft controller's
// collision check), seeing Kafka's message each time while nothing else changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot } from './support.mjs';

const env = useServerAndBrowser();

async function createTopic(page, name, partitions = 1) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('topic-partitions').fill(String(partitions));
  await page.getByTestId('create-topic').click();
}

async function listedTopics(page) {
  return page.locator('[data-testid=topic-row]').evaluateAll((rows) => rows.map((r) => r.dataset.topic));
}

test('the page renders the cluster with no console errors or failed requests', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.match(await page.title(), /Kafka Playground/);
  assert.match(await page.getByTestId('broker-1').innerText(), /Broker 1/);
  // A new workspace starts with three brokers, as kplay does (issue #5); one is the controller.
  assert.equal(await page.locator('[data-testid^=broker-]').count(), 3);
  assert.match(await page.getByTestId('broker-3').innerText(), /Broker 3/);
  assert.equal(await page.locator('.badge.controller').count(), 1);
  assert.equal(await page.getByTestId('no-topics').isVisible(), true);
  await screenshot(page, '01-empty-cluster');
  assert.deepEqual(problems, []);
  await context.close();
});

test('creating a topic lists it with its partitions', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await createTopic(page, 'orders', 3);
  await page.getByTestId('topic-outcome').waitFor();
  assert.equal(await page.getByTestId('topic-outcome').innerText(), 'Created topic orders.');
  assert.deepEqual(await listedTopics(page), ['orders']);
  const partitions = page.locator('[data-topic=orders] .partition');
  assert.equal(await partitions.count(), 3);
  // Seed 0's StripedReplicaPlacer spreads the three leaders over brokers 1, 2 and 3
  // (tests/topics_cli.rs prints the same placement natively).
  for (const id of [1, 2, 3]) {
    assert.match(await page.getByTestId(`broker-${id}`).innerText(), /leader of 1 partition/);
  }

  await createTopic(page, 'my.events', 1);
  const outcome = await page.getByTestId('topic-outcome').innerText();
  assert.match(outcome, /Created topic my\.events\./);
  assert.match(outcome, /WARNING: Due to limitations in metric names/);
  assert.deepEqual(await listedTopics(page), ['my.events', 'orders']);
  await screenshot(page, '02-topics-created');
  assert.deepEqual(problems, []);
  await context.close();
});

test('each name Kafka refuses shows Kafka\'s message and changes nothing', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await createTopic(page, 'my.events', 2);
  await page.getByTestId('topic-outcome').waitFor();
  const before = await page.locator('[data-testid=topic-list]').innerHTML();

  const long = 'x'.repeat(250);
  const refused = [
    ['', 'INVALID_TOPIC_EXCEPTION', 'Topic name is invalid: the empty string is not allowed'],
    ['.', 'INVALID_TOPIC_EXCEPTION', "Topic name is invalid: '.' is not allowed"],
    ['..', 'INVALID_TOPIC_EXCEPTION', "Topic name is invalid: '..' is not allowed"],
    [long, 'INVALID_TOPIC_EXCEPTION', `Topic name is invalid: the length of '${long}' is longer than the max allowed length 249`],
    ['bad name', 'INVALID_TOPIC_EXCEPTION', "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ['주문', 'INVALID_TOPIC_EXCEPTION', "Topic name is invalid: '주문' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ['a/b', 'INVALID_TOPIC_EXCEPTION', "Topic name is invalid: 'a/b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ['my_events', 'INVALID_TOPIC_EXCEPTION', "Topic 'my_events' collides with existing topic: my.events"],
    ['my.events', 'TOPIC_ALREADY_EXISTS', "Topic 'my.events' already exists."],
  ];
  let shot = 0;
  for (const [name, code, message] of refused) {
    await createTopic(page, name, 1);
    const error = page.getByTestId('topic-error');
    await error.waitFor();
    assert.equal(await error.innerText(), `${code} ${message}`, `refusing ${JSON.stringify(name)}`);
    assert.equal(await page.locator('[data-testid=topic-list]').innerHTML(), before, `nothing changed after ${JSON.stringify(name)}`);
    if (shot++ === 7) await screenshot(page, '03-collision-refused');
  }
  assert.deepEqual(await listedTopics(page), ['my.events']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('time to first render (reported, not asserted)', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  // The app marks its first render (App's effect); navigation starts at 0 on this clock.
  const ms = await page.evaluate(() => performance.getEntriesByName('kplay-first-render')[0]?.startTime);
  assert.equal(typeof ms, 'number');
  console.log(`# first render ${Math.round(ms)} ms after navigation start`);
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue #11, item 6: every action on the first page shows the command it runs — the topic form
// under its fields, the produce, broker and time buttons first in their tooltips (the wasm test
// tests/browser/panel_commands.rs types each into a fresh terminal and compares trace hashes).
test('the topic form, produce, broker and time buttons show the commands they run', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  const preview = page.getByTestId('topic-command');
  assert.equal(await preview.innerText(), '$ kafka-topics.sh --bootstrap-server localhost:9092 --create --topic \'\' --partitions 1');
  await page.getByTestId('topic-name').fill('orders');
  await page.getByTestId('topic-partitions').fill('3');
  await page.getByTestId('topic-replication-factor').fill('3');
  const line = 'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3';
  assert.equal(await preview.innerText(), `$ ${line}`);
  await screenshot(page, '05-topic-form-command');
  await page.getByTestId('create-topic').click();
  await page.getByTestId('topic-outcome').waitFor();
  const produce = page.getByTestId('produce-orders');
  assert.match(await produce.getAttribute('title'), /^kafka-console-producer\.sh --bootstrap-server localhost:9092 --topic orders --property parse\.key=true --property key\.separator=: <<EOF\nkey-0:record-0\n/);
  await produce.click();
  await page.getByTestId('produce-outcome').waitFor();
  // The next click's records are numbered on from what is there.
  assert.match(await produce.getAttribute('title'), /\nkey-10:record-10\n/);
  assert.match(await page.getByTestId('kill-broker-2').getAttribute('title'), /^broker kill 2: /);
  assert.match(await page.getByTestId('stop-broker-3').getAttribute('title'), /^broker stop 3: /);
  assert.equal(await page.getByTestId('advance-1m').getAttribute('title'), 'time advance 1m');
  assert.deepEqual(problems, []);
  await context.close();
});
