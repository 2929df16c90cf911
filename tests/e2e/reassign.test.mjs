// Partition reassignment in the page (issue #6, item 4): kafka-reassign-partitions.sh typed in
// the terminal with its JSON as a here-document, the partition described while the new replica
// catches up (Adding/Removing Replicas), then moved; the browser has no files, which the tool
// says; --cancel and --list. The same command language as kplay, run by the wasm engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, typeLine as type } from './support.mjs';

const env = useServerAndBrowser();
const TOOL = 'kafka-reassign-partitions.sh --bootstrap-server localhost:9092';

/** The terminal's lines of one stream. */
async function streamLines(page, stream) {
  return page.locator(`[data-testid=terminal-output] .term-line[data-stream=${stream}]`)
    .allTextContents();
}

/** Waits until the terminal shows a line with this text. */
async function waitForLine(page, text) {
  await page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
}

/** Types a command whose JSON comes as a here-document, line by line as a person would. */
async function typeWithJson(page, command, json) {
  await type(page, `${command} <<EOF`);
  await type(page, json);
  await type(page, 'EOF');
}

test('a partition moves from brokers 1,2 to 2,3 through kafka-reassign-partitions.sh', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-3').waitFor();
  await type(page, 'kafka-topics.sh --create --topic moves --replica-assignment 1:2');
  await waitForLine(page, 'Created topic moves.');
  await typeWithJson(page, 'kafka-console-producer.sh --topic moves', 'one');
  // The tool completes by its name, as the other Kafka tools do.
  const input = page.getByTestId('terminal-input');
  await input.fill('kafka-reas');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kafka-reassign-partitions.sh ');
  await input.fill('');

  // A file path: the browser has no files of the user's, and the tool says so.
  await type(page, `${TOOL} --execute --reassignment-json-file move.json`);
  await waitForLine(page, 'java.nio.file.NoSuchFileException: move.json');
  assert.ok((await streamLines(page, 'stderr')).some((l) => l.includes('here-document')));

  // Cut broker 3 off from the leader so the move stays in progress while we look at it.
  await type(page, 'network partition 1 3');
  const target = '{"version":1,"partitions":[{"topic":"moves","partition":0,"replicas":[2,3],"log_dirs":["any","any"]}]}';
  await typeWithJson(page, `${TOOL} --execute --reassignment-json-file /dev/stdin`, target);
  await waitForLine(page, 'Successfully started partition reassignment for moves-0');
  assert.ok((await streamLines(page, 'stdout')).includes('Save this to use as the --reassignment-json-file option during rollback'));
  await type(page, 'kafka-topics.sh --describe --topic moves');
  await waitForLine(page, 'Adding Replicas: 3');
  const described = (await streamLines(page, 'stdout')).filter((l) => l.includes('Partition: 0'));
  assert.match(described.at(-1), /Replicas: 2,3,1\tIsr: 1,2\tAdding Replicas: 3\tRemoving Replicas: 1\t/);
  await type(page, `${TOOL} --list`);
  await waitForLine(page, 'moves-0: replicas: 2,3,1. adding: 3. removing: 1.');
  await typeWithJson(page, `${TOOL} --verify --reassignment-json-file /dev/stdin`, target);
  await waitForLine(page, 'Reassignment of partition moves-0 is still in progress.');
  await screenshot(page, 'reassign-1-in-progress');

  // Healed, the new replica catches up; the old leader's replica goes and 2 leads.
  await type(page, 'network heal');
  await type(page, 'time advance 5s');
  await typeWithJson(page, `${TOOL} --verify --reassignment-json-file /dev/stdin`, target);
  await waitForLine(page, 'Reassignment of partition moves-0 is completed.');
  await waitForLine(page, 'Clearing topic-level throttles on topic moves');
  await type(page, 'kafka-topics.sh --describe --topic moves');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=terminal-output] .term-line[data-stream=stdout]')]
    .some((l) => /Leader: 2\tReplicas: 2,3\tIsr: 2,3\tElr/.test(l.textContent)));
  // The broker cards follow: no replica of moves-0 left on broker 1.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=broker-1] [data-testid=replica][data-tp="moves-0"]').length === 0);
  assert.match(await page.getByTestId('event-log').innerText(), /moves-0 reassignment completed replicas=\[2,3\]/);
  await type(page, 'kafka-console-consumer.sh --topic moves --from-beginning');
  await waitForLine(page, 'Processed a total of 1 messages');
  await typeWithJson(page, `${TOOL} --cancel --reassignment-json-file /dev/stdin`, target);
  await waitForLine(page, 'None of the specified partition reassignments are active.');
  await screenshot(page, 'reassign-2-completed');
  assert.deepEqual(problems, []);
  await context.close();
});
