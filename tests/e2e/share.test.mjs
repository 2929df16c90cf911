// Share links and scenario export (issue #12): a session made by clicking — a topic, a produce,
// playback, a broker killed, records with HTML typed in the terminal — is shared; the link opened
// in a fresh browser context asks first, then opens in a new workspace with the same topics,
// records and trace hash. A hostile link gets a clear message; the shell export passes `bash -n`
// and runs only Kafka tools; a link of 1 000 commands is timed (printed, never asserted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, typeLine, clockMs } from './support.mjs';

const env = useServerAndBrowser();

/** What the person sees: the viewport (a dialog is fixed to it), or one element. */
async function shot(target, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await target.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

async function saved(page) {
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 20_000 });
}

/** Each topic's name, id and partition leaders (without the last produce's outcome, which is
 * the page's, not the cluster's). */
async function topicRows(page) {
  const rows = await page.locator('[data-testid=topic-row]').evaluateAll((rows) => rows.map((r) => r.innerText));
  return rows.map((r) => r.split('\n').filter((l) => !l.startsWith('Produced ')).join('\n'));
}

async function hash(page) {
  return page.getByTestId('scenario-hash').innerText();
}

/** The stdout of `kafka-get-offsets.sh --topic orders` typed in the terminal. */
async function offsets(page) {
  await typeLine(page, 'kafka-get-offsets.sh --topic orders');
  await page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]', { hasText: 'orders:2:' }).last().waitFor();
  const lines = await page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]').evaluateAll((ls) => ls.map((l) => l.textContent));
  return lines.filter((l) => l.startsWith('orders:')).slice(-3);
}

/** Every line bash would run (outside comments and here-documents) names a Kafka tool. */
function assertOnlyKafkaTools(script) {
  let delimiter = null;
  for (const line of script.split('\n')) {
    if (delimiter !== null) {
      if (line === delimiter) delimiter = null;
      continue;
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    assert.match(line, /^kafka-[a-z-]+\.sh /, line);
    const heredoc = line.match(/<<'([^']+)'$/);
    if (heredoc) delimiter = heredoc[1];
  }
}

test('share a session, open the link in a fresh context, export a shell script', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await saved(page);
  await page.getByTestId('topic-name').fill('orders');
  await page.getByTestId('topic-partitions').fill('3');
  await page.getByTestId('create-topic').click();
  await page.locator('[data-topic="orders"]').waitFor();
  await page.getByTestId('produce-orders').click();
  await page.getByTestId('produce-outcome').waitFor();

  // Play a little (real animation frames), then pause.
  const before = await clockMs(page);
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play-pause').click();
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid=sim-clock]').dataset.ms) > t + 3000, before);
  await page.getByTestId('play-pause').click();
  await page.locator('[data-testid=playback-rate][data-playing=false]').waitFor();

  await page.getByTestId('kill-broker-2').click();
  await page.locator('[data-testid=broker-2][data-state=crashed]').waitFor();
  await typeLine(page, "kafka-console-producer.sh --topic orders <<'EOF'");
  await typeLine(page, '<img src=x onerror="window.pwned=1">');
  await typeLine(page, 'EOF');
  await page.locator('[data-testid=scenario-commands]', { hasText: '4' }).waitFor();

  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /#s=[A-Za-z0-9_-]+$/);
  const sharedHash = await hash(page);
  assert.match(sharedHash, /^[0-9a-f]{16}$/);
  const sharedTopics = await topicRows(page);
  await screenshot(page, 'share-1-shared');
  await shot(page.locator('.share-panel'), 'share-1-panel');

  // The shell script: valid bash, only Kafka tools run, playground lines commented.
  const dir = mkdtempSync(join(tmpdir(), 'kplay-share-'));
  let kplayText = '';
  try {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-shell').click()]);
    assert.equal(download.suggestedFilename(), 'scenario.sh');
    const path = join(dir, 'scenario.sh');
    await download.saveAs(path);
    execFileSync('bash', ['-n', path]);
    const script = readFileSync(path, 'utf8');
    assertOnlyKafkaTools(script);
    assert.match(script, /# playground only: broker kill 2/);
    assert.match(script, /kafka-topics\.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3/);
    const [kplay] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-kplay').click()]);
    assert.equal(kplay.suggestedFilename(), 'scenario.kplay');
    await kplay.saveAs(join(dir, 'scenario.kplay'));
    kplayText = readFileSync(join(dir, 'scenario.kplay'), 'utf8');
    assert.match(kplayText, /^# Kafka Playground scenario/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // A fresh browser context: the link asks, then opens in a new workspace.
  const other = await openPage(env.browser, link);
  const dialog = other.page.getByTestId('share-dialog');
  await dialog.waitFor({ timeout: 20_000 });
  assert.match(await dialog.innerText(), /opens in a new workspace/);
  assert.match(await other.page.getByTestId('share-preview').innerText(), /<img src=x onerror/);
  assert.equal(await other.page.locator('.share-preview img').count(), 0);
  await shot(other.page, 'share-2-asked');
  const clicked = Date.now();
  await other.page.getByTestId('open-shared').click();
  await other.page.waitForURL((url) => new URL(url).searchParams.get('workspace') === 'shared-1', { timeout: 20_000 });
  await other.page.locator('[data-testid=scenario-hash]', { hasText: sharedHash }).waitFor({ timeout: 20_000 });
  console.log(`opened a 4-command link in ${Date.now() - clicked} ms (click to same trace hash, with the new workspace's page load)`);
  assert.deepEqual(await topicRows(other.page), sharedTopics);
  assert.equal(await other.page.evaluate(() => window.pwned), undefined);
  await saved(other.page);
  await screenshot(other.page, 'share-3-opened');
  await shot(other.page.locator('.share-panel'), 'share-3-panel');
  assert.deepEqual(await offsets(other.page), await offsets(page));
  await saved(other.page);

  // The opened scenario survives a reload of its workspace.
  await other.page.reload();
  await saved(other.page);
  await other.page.locator('[data-testid=scenario-commands]', { hasText: '5' }).waitFor();
  assert.equal(await other.page.getByTestId('share-dialog').count(), 0);

  // The exported .kplay file, imported in another fresh context, opens the same way.
  const third = await openPage(env.browser, env.server.url);
  await saved(third.page);
  await third.page.getByTestId('import-kplay').setInputFiles({ name: 'scenario.kplay', mimeType: 'text/plain', buffer: Buffer.from(kplayText) });
  await third.page.getByTestId('share-dialog').waitFor();
  assert.match(await third.page.getByTestId('share-dialog').innerText(), /from this file/);
  await third.page.getByTestId('open-shared').click();
  await third.page.waitForURL((url) => new URL(url).searchParams.get('workspace') === 'shared-1', { timeout: 20_000 });
  await third.page.locator('[data-testid=scenario-hash]', { hasText: sharedHash }).waitFor({ timeout: 20_000 });
  assert.deepEqual(await topicRows(third.page), sharedTopics);

  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
  assert.deepEqual(third.problems, []);
  await third.context.close();
  await other.context.close();
  await context.close();
});

test('hostile links are refused with a clear message', async () => {
  const cases = [
    ['#s=AAAAAAAA', /damaged/],
    ['#s=%3Cscript%3E', /base64url/],
    [`#s=${'A'.repeat(1_500_000)}`, /at most/],
    [`#s=${deflateRawSync(Buffer.from('#'.repeat(3 << 20))).toString('base64url')}`, /more than 1048576 bytes/],
    [`#s=${deflateRawSync(Buffer.from('broker stop 1\n'.repeat(10_001))).toString('base64url')}`, /at most 10000/],
  ];
  for (const [fragment, message] of cases) {
    const { page, context, problems } = await openPage(env.browser, env.server.url + fragment);
    await page.getByTestId('share-error').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('share-error').innerText(), message);
    if (message.source === 'damaged') await shot(page, 'share-4-hostile');
    await page.getByTestId('share-dismiss').click();
    assert.equal(await page.getByTestId('share-dialog').count(), 0);
    assert.equal(new URL(page.url()).hash, '');
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('benchmark: a link of 1 000 commands', async () => {
  const lines = ['# seed: 5', '# brokers: 3', 'kafka-topics.sh --create --topic bench --partitions 3 --replication-factor 3'];
  for (let i = 1; lines.length < 1002; i++) {
    lines.push(i % 2 ? `kafka-console-producer.sh --topic bench <<'EOF'\nrecord-${i}\nEOF` : 'time advance 100ms');
  }
  const fragment = `s=${deflateRawSync(Buffer.from(lines.join('\n') + '\n')).toString('base64url')}`;
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}#${fragment}`);
  const replay = new Promise((resolve) => {
    page.on('console', (msg) => {
      const m = msg.text().match(/replayed (\d+) commands in ([\d.]+) ms, (\d+) ms after the page started/);
      if (m) resolve({ commands: Number(m[1]), ms: Number(m[2]), pageMs: Number(m[3]) });
    });
  });
  const clicked = Date.now();
  await page.getByTestId('open-shared').click();
  const replayed = await replay;
  // The page counts the commands besides `time advance`: the create and 500 producers.
  const actions = lines.filter((l) => !l.startsWith('#') && !l.startsWith('time advance')).length;
  await page.locator('[data-testid=scenario-commands]', { hasText: String(actions) }).waitFor({ timeout: 30_000 });
  const shown = Date.now() - clicked;
  const pageStarted = Math.round((await page.evaluate(() => performance.timeOrigin)) - clicked);
  console.log(`  the new workspace's page started ${pageStarted} ms after the click (listing the workspaces, leaving the old page)`);
  console.log(`share link of ${replayed.commands} commands replayed in ${replayed.ms} ms (release wasm, Chromium), ${replayed.pageMs} ms after its page started; ${shown} ms from the click to the final state shown, with the new workspace's page load`);
  assert.equal(replayed.commands, 1000);
  assert.deepEqual(problems, []);
  await context.close();
});
