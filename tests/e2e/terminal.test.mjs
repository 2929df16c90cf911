// The terminal (issue #12, item 1): Kafka's tools typed as in a shell, run by the same command
// language kplay runs, with what they do showing in the other views and saved like any change.
// A topic created by kafka-topics.sh, records typed at the console producer's `>` prompt and
// ended with Ctrl-D, read back by the console consumer; Tab completion, history, clear, help,
// a reload that keeps the topic, and a 360 px wide screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, typeLine as type } from './support.mjs';

const env = useServerAndBrowser();

/** The terminal's lines, each as { stream, text }. */
async function screenLines(page) {
  return page.locator('[data-testid=terminal-output] .term-line[data-stream]').evaluateAll((lines) =>
    lines.map((l) => ({ stream: l.dataset.stream, text: l.textContent })));
}

/** Waits until the terminal shows a line with this text (and stream, if given). */
async function waitForLine(page, text, stream) {
  const selector = stream ? `[data-stream=${stream}]` : '[data-stream]';
  await page.locator(`[data-testid=terminal-output] .term-line${selector}`, { hasText: text }).first().waitFor();
}

test('kafka-topics.sh, an interactive console producer and the console consumer in the terminal', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  const input = page.getByTestId('terminal-input');
  // Main-thread tasks of 50 ms or more while commands run: reported, not asserted.
  await page.evaluate(() => {
    window.kplayLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.kplayLongTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  // The input is labelled, and the scrollback is a polite live log.
  assert.equal(await page.getByLabel('Command', { exact: true }).count(), 1);
  const screen = page.getByTestId('terminal-output');
  assert.equal(await screen.getAttribute('role'), 'log');
  assert.equal(await screen.getAttribute('aria-live'), 'polite');

  // Tab completes the program name.
  await input.fill('kafka-to');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kafka-topics.sh ');
  await input.pressSequentially('--create --topic orders --partitions 3');
  await input.press('Enter');
  await waitForLine(page, 'Created topic orders.', 'stdout');
  // What the terminal did shows in the topic list and the broker cards at once.
  await page.locator('[data-testid=topic-row][data-topic=orders]').waitFor();
  assert.equal(await page.locator('[data-topic=orders] .partition').count(), 3);
  assert.equal(await page.locator('[data-testid=replica][data-tp^="orders-"]').count(), 3);

  // A console producer without a here-document reads records at `>` until Ctrl-D.
  await type(page, 'kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=:');
  await page.locator('[data-testid=terminal-form][data-mode=records]').waitFor();
  assert.equal(await page.locator('.term-input .term-prompt').innerText(), '>');
  await type(page, 'user-1:signed up');
  await type(page, 'user-2:ordered');
  await input.press('Control+d');
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor();
  const typed = (await screenLines(page)).filter((l) => l.stream === 'typed').map((l) => l.text);
  assert.deepEqual(typed.slice(-3), [
    '$ kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=:',
    '>user-1:signed up',
    '>user-2:ordered',
  ]);

  // The console consumer prints them (key TAB value), and its count on stderr.
  await type(page, 'kafka-console-consumer.sh --topic orders --from-beginning --property print.key=true');
  await waitForLine(page, 'Processed a total of 2 messages', 'stderr');
  const lines = await screenLines(page);
  const printed = lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
  assert.ok(printed.includes('user-1\tsigned up'), JSON.stringify(printed));
  assert.ok(printed.includes('user-2\tordered'), JSON.stringify(printed));
  // stderr is styled apart.
  const errColor = await page.locator('.term-line[data-stream=stderr]').last().evaluate((e) => getComputedStyle(e).color);
  const outColor = await page.locator('.term-line[data-stream=stdout]').last().evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(errColor, outColor);

  // Kafka's messages for a mistake, on the tool's stream.
  await type(page, 'kafka-topics.sh --create --topic orders');
  await waitForLine(page, "Error while executing topic command : Topic 'orders' already exists.");

  // ArrowUp recalls the last command, then the one before.
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kafka-topics.sh --create --topic orders');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kafka-console-consumer.sh --topic orders --from-beginning --property print.key=true');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), '');

  // Topic names complete after --topic; several candidates are listed.
  await input.fill('kafka-get-offsets.sh --topic or');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kafka-get-offsets.sh --topic orders ');
  await input.press('Enter');
  await waitForLine(page, 'orders:2:', 'stdout');
  await input.fill('kafka-con');
  await input.press('Tab');
  assert.match(await page.getByTestId('terminal-candidates').innerText(), /kafka-console-producer\.sh/);
  await input.fill('');

  // help lists the tools; the events panel shows what the commands did.
  await type(page, 'help');
  await waitForLine(page, 'kafka-consumer-groups.sh', 'stdout');
  assert.match(await page.getByTestId('event-log').innerText(), /orders-\d hw 0->2/);
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  await screenshot(page, '20-terminal');
  await page.waitForTimeout(100); // long-task entries are delivered after the task
  console.log(`# long tasks (>= 50 ms) while the terminal ran its commands: ${JSON.stringify(await page.evaluate(() => window.kplayLongTasks))}`);

  // Keyboard only: Tab on an empty line leaves the terminal (no trap), Shift+Tab comes back.
  await input.focus();
  await input.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'terminal-run');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'terminal-input');

  // clear empties the screen; a reload keeps the topic and its records.
  await type(page, 'clear');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal-output] .term-line[data-stream]').length === 0);
  await page.reload();
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid=topic-row][data-topic=orders]').waitFor();
  await type(page, 'kafka-get-offsets.sh --topic orders');
  await waitForLine(page, 'orders:0:', 'stdout');
  const offsets = (await screenLines(page)).filter((l) => l.stream === 'stdout').map((l) => l.text);
  const total = offsets.reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
  assert.equal(total, 2, JSON.stringify(offsets));
  assert.deepEqual(problems, []);
  await context.close();
});

test('Ctrl-C in the producer sends what was typed, a heredoc typed line by line, and a 360 px screen', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByTestId('broker-1').waitFor();
  const input = page.getByTestId('terminal-input');
  await type(page, 'kafka-topics.sh --create --topic clicks');
  await waitForLine(page, 'Created topic clicks.', 'stdout');

  // As Kafka's ConsoleProducer: each typed line was sent; Ctrl-C (its shutdown hook closes the
  // producer) keeps them and drops the unfinished line.
  await type(page, 'kafka-console-producer.sh --topic clicks');
  await type(page, 'one');
  await input.fill('unfinished');
  await page.getByTestId('terminal-end-input').scrollIntoViewIfNeeded();
  await screenshot(page, '22-terminal-records-360px');
  await input.press('Control+c');
  await waitForLine(page, 'unfinished^C', 'typed');

  // A here-document typed line by line at the `> ` prompt; the touch button ends input too.
  await type(page, 'kafka-console-producer.sh --topic clicks <<EOF');
  await page.locator('[data-testid=terminal-form][data-mode=continuation]').waitFor();
  await type(page, 'two');
  await page.getByTestId('terminal-end-input').click();
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor();

  await type(page, 'kafka-console-consumer.sh --topic clicks --from-beginning');
  await waitForLine(page, 'Processed a total of 2 messages', 'stderr');
  const printed = (await screenLines(page)).filter((l) => l.stream === 'stdout').map((l) => l.text);
  assert.deepEqual(printed.slice(-2), ['one', 'two']);

  // Nothing is wider than the screen, and the panels keep the page's margin.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 360 px screen`);
  for (const panel of ['.cluster-panel', '.terminal-panel', '.events-panel']) {
    const right = await page.locator(panel).evaluate((e) => e.getBoundingClientRect().right);
    assert.ok(right <= 360 - 16, `${panel} ends at ${right} px`);
  }
  await page.getByTestId('terminal-output').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('./screenshots/21-terminal-360px.png', import.meta.url).pathname });
  assert.deepEqual(problems, []);
  await context.close();
});

// The streaming console consumer (issue #12, item 1): `kafka-console-consumer.sh … &` keeps
// consuming while time runs, its records appear as they arrive, and Ctrl-C at the empty prompt
// stops it as Ctrl-C stops Kafka's tool (it commits what it printed; docs/CLI.md "Jobs").
test('a console consumer job streams records as they arrive until Ctrl-C', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  const input = page.getByTestId('terminal-input');
  await type(page, 'kafka-topics.sh --create --topic orders --partitions 2');
  await waitForLine(page, 'Created topic orders.', 'stdout');
  await type(page, 'kafka-console-consumer.sh --topic orders --group watchers --from-beginning --property print.key=true &');
  const bar = page.getByTestId('terminal-jobs');
  await bar.waitFor();
  assert.match(await bar.innerText(), /\[1\] kafka-console-consumer\.sh --topic orders --group watchers --from-beginning --property print\.key=true &/);

  // Records produced with the topic's Produce button, then time: the job prints them.
  await page.getByTestId('produce-orders').click();
  await page.getByTestId('produce-outcome').waitFor();
  await page.getByTestId('advance-10s').click();
  await waitForLine(page, 'key-9\trecord-9', 'stdout');
  const streamed = (await screenLines(page)).filter((l) => l.stream === 'stdout' && l.text.startsWith('key-'));
  assert.equal(streamed.length, 10);
  await type(page, 'jobs');
  await waitForLine(page, '[1]+  Running', 'stdout');
  await screenshot(page, '23-terminal-job-streaming');

  // Ctrl-C at the empty prompt stops the job: run and shown as kill -INT %1.
  await input.press('Control+c');
  await waitForLine(page, 'Processed a total of 10 messages', 'stderr');
  await waitForLine(page, 'kill -INT %1', 'typed');
  await bar.waitFor({ state: 'detached' });
  await type(page, 'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group watchers');
  await waitForLine(page, "Consumer group 'watchers' has no active members.", 'stderr');
  const rows = (await screenLines(page)).filter((l) => l.stream === 'stdout' && l.text.startsWith('watchers'));
  const committed = rows.map((l) => Number(l.text.split(/\s+/)[3])).reduce((a, b) => a + b, 0);
  assert.equal(committed, 10, JSON.stringify(rows));
  assert.deepEqual(problems, []);
  await context.close();
});
