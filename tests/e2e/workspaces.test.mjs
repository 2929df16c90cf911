// Workspaces (issue #9): named clusters, each its own IndexedDB database — created with a broker
// count and seed, switched between, reopened after a reload, renamed, duplicated and deleted
// (after a confirmation); a second tab takes a workspace over and the first becomes read-only;
// "Download .tar" is a data dir the native `kplay --data-dir` continues, and "Import .tar" reads
// one `tar -cf` made of a kplay data dir. Each test has its own browser context (own storage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServerAndBrowser, openPage, screenshot, typeLine } from './support.mjs';

const env = useServerAndBrowser();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The native kplay: $KPLAY, or target/debug/kplay (built with cargo if missing). */
function kplayBinary() {
  if (process.env.KPLAY) return process.env.KPLAY;
  const built = join(root, 'target', 'debug', 'kplay');
  if (!existsSync(built)) execFileSync('cargo', ['build', '--bin', 'kplay'], { cwd: root, stdio: 'inherit' });
  return built;
}

function kplay(dir, script) {
  return execFileSync(kplayBinary(), ['--data-dir', dir], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

async function storageStatus(page, status) {
  await page.locator(`[data-testid=storage-status][data-status=${status}]`).waitFor({ timeout: 15_000 });
}

async function createTopic(page, name) {
  await page.getByTestId('topic-name').fill(name);
  await page.getByTestId('create-topic').click();
  await page.locator(`[data-topic="${name}"]`).waitFor();
  await storageStatus(page, 'saved');
}

async function topics(page) {
  return page.locator('[data-testid=topic-row]').evaluateAll((rows) => rows.map((r) => r.dataset.topic));
}

async function workspaceNames(page) {
  return page.locator('[data-testid=workspace-select] option').evaluateAll((os) => os.map((o) => o.value));
}

/** Waits for the page to be on `name` with its cluster loaded and saved. */
async function onWorkspace(page, name) {
  await page.waitForURL((url) => new URL(url).searchParams.get('workspace') === name, { timeout: 15_000 });
  await storageStatus(page, 'saved');
  await page.waitForFunction((n) => document.querySelector('[data-testid=workspace-select]')?.value === n, name);
}

async function newWorkspace(page, name, brokers, seed) {
  await page.getByTestId('workspace-new').click();
  await page.getByTestId('workspace-new-name').fill(name);
  await page.getByTestId('workspace-new-brokers').fill(String(brokers));
  await page.getByTestId('workspace-new-seed').fill(String(seed));
  await page.getByTestId('workspace-create').click();
}

/** The stdout lines of the terminal after the last command `line` produced them, sorted. */
async function consume(page, topic) {
  await typeLine(page, `kafka-console-consumer.sh --topic ${topic} --from-beginning --property print.key=true --property print.partition=true --property print.offset=true`);
  await page.locator('[data-testid=terminal-output] .term-line', { hasText: 'Processed a total of' }).last().waitFor();
  const lines = await page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]').evaluateAll((ls) => ls.map((l) => l.textContent));
  return lines.filter((l) => l.startsWith('Partition:')).sort();
}

test('create, switch, reload, rename, duplicate and delete workspaces', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await storageStatus(page, 'saved');
  assert.match(await page.getByTestId('workspace-facts').innerText(), /seed 0 · 3 brokers/);

  // A name with '/' is refused with the reason; nothing is created.
  await newWorkspace(page, 'a/b', 1, 1);
  assert.match(await page.getByTestId('workspace-error').innerText(), /must not contain '\/'/);
  await page.getByTestId('workspace-new').click();

  await newWorkspace(page, 'alpha', 1, 7);
  await onWorkspace(page, 'alpha');
  assert.match(await page.getByTestId('workspace-facts').innerText(), /seed 7 · 1 broker$/);
  await createTopic(page, 'apples');
  await newWorkspace(page, 'beta', 3, 0);
  await onWorkspace(page, 'beta');
  await createTopic(page, 'bananas');
  assert.deepEqual(await topics(page), ['bananas']);
  await screenshot(page, 'workspaces-01-beta');

  await page.getByTestId('workspace-select').selectOption('alpha');
  await onWorkspace(page, 'alpha');
  assert.deepEqual(await topics(page), ['apples']);
  assert.deepEqual(await workspaceNames(page), ['alpha', 'beta', 'default']);

  // A reload without ?workspace= reopens the last one opened.
  await page.goto(env.server.url);
  await storageStatus(page, 'saved');
  assert.equal(await page.getByTestId('workspace-select').inputValue(), 'alpha');
  assert.deepEqual(await topics(page), ['apples']);

  await page.getByTestId('workspace-rename').click();
  await page.getByTestId('workspace-rename-name').fill('orchard');
  await page.getByTestId('workspace-rename-save').click();
  await onWorkspace(page, 'orchard');
  assert.deepEqual(await topics(page), ['apples']);
  assert.deepEqual(await workspaceNames(page), ['beta', 'default', 'orchard']);

  await page.getByTestId('workspace-duplicate').click();
  assert.match(await page.getByTestId('workspace-message').innerText(), /Duplicated 'orchard' as 'orchard copy'/);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=workspace-select] option')].some((o) => o.value === 'orchard copy'));
  await screenshot(page, 'workspaces-02-duplicated');

  // Delete asks first; Cancel keeps it.
  await page.getByTestId('workspace-delete').click();
  await page.getByTestId('workspace-delete-confirm').waitFor();
  await screenshot(page, 'workspaces-03-confirm-delete');
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.getByTestId('workspace-delete-confirm').count(), 0);
  await page.getByTestId('workspace-delete').click();
  await page.getByTestId('workspace-delete-yes').click();
  // The open workspace's neighbour opens: the copy, with the same topic.
  await onWorkspace(page, 'orchard copy');
  assert.deepEqual(await topics(page), ['apples']);
  assert.deepEqual(await workspaceNames(page), ['beta', 'default', 'orchard copy']);
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  assert.ok(!databases.includes('kafka-playground/orchard'), `deleted: ${databases}`);
  assert.match(await page.getByTestId('workspace-usage').innerText(), /This workspace: \d/);
  await page.getByTestId('keep-data').click();
  await page.getByTestId('keep-data-answer').filter({ hasText: /^(Kept|The browser declined|This browser cannot)/ }).waitFor();
  await screenshot(page, 'workspaces-04-after-delete');

  // "All…" lists every workspace with its storage; another one is deleted there, after asking.
  await page.getByTestId('workspace-manage').click();
  const beta = page.locator('[data-testid=workspace-row][data-workspace=beta]');
  await beta.getByTestId('workspace-row-usage').filter({ hasText: 'broker 3:' }).waitFor();
  await beta.getByTestId('workspace-row-delete').click();
  await screenshot(page, 'workspaces-04b-all-confirm');
  await beta.getByTestId('workspace-row-delete-yes').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=workspace-row][data-workspace=beta]'));
  assert.deepEqual(await workspaceNames(page), ['default', 'orchard copy']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a downloaded .tar is a kplay data dir; a kplay tar imports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-ws-e2e-'));
  try {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}?workspace=exported`);
    await storageStatus(page, 'saved');
    await createTopic(page, 't');
    await page.getByTestId('produce-t').click();
    await page.getByTestId('produce-outcome').waitFor();
    await storageStatus(page, 'saved');
    const inPage = await consume(page, 't');
    assert.equal(inPage.length, 10);
    await storageStatus(page, 'saved');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-export').click()]);
    assert.equal(download.suggestedFilename(), 'exported.tar');
    const archive = join(dir, 'exported.tar');
    await download.saveAs(archive);
    const dataDir = join(dir, 'data');
    execFileSync('mkdir', ['-p', dataDir]);
    execFileSync('tar', ['-xf', archive, '-C', dataDir]);
    const native = kplay(dataDir, 'kafka-console-consumer.sh --topic t --from-beginning --property print.key=true --property print.partition=true --property print.offset=true\n');
    assert.deepEqual(native.trim().split('\n').sort(), inPage, 'kplay reads the same records');

    // A kplay-made data dir, archived by GNU tar, imports as a new workspace.
    const made = join(dir, 'made');
    kplay(made, 'kafka-topics.sh --create --topic imported --partitions 2\nkafka-console-producer.sh --topic imported --property parse.key=true <<EOF\nk1\thello\nk2\tworld\nEOF\n');
    const madeTar = join(dir, 'from-kplay.tar');
    execFileSync('tar', ['-cf', madeTar, '-C', made, '.']);
    await page.getByTestId('workspace-import').setInputFiles(madeTar);
    await onWorkspace(page, 'from-kplay');
    assert.deepEqual(await topics(page), ['imported']);
    const imported = await consume(page, 'imported');
    assert.deepEqual(imported.map((l) => l.split('\t').slice(-2).join('=')).sort(), ['k1=hello', 'k2=world']);
    await screenshot(page, 'workspaces-05-imported');

    // A corrupt archive changes nothing and says why.
    await page.getByTestId('workspace-import').setInputFiles({ name: 'broken.tar', mimeType: 'application/x-tar', buffer: Buffer.from(readFileSync(madeTar).subarray(0, 700)) });
    assert.match(await page.getByTestId('workspace-error').innerText(), /Cannot import: /);
    assert.ok(!(await workspaceNames(page)).includes('broken'));
    await screenshot(page, 'workspaces-06-import-refused');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second tab takes the workspace over; the first becomes read-only', async () => {
  const { page: first, context, problems } = await openPage(env.browser, `${env.server.url}?workspace=shared`);
  await storageStatus(first, 'saved');
  await createTopic(first, 'before');

  const second = await context.newPage();
  second.on('pageerror', (error) => problems.push(`second tab: ${error.message}`));
  await second.goto(`${env.server.url}?workspace=shared`);
  await storageStatus(second, 'other-tab');
  assert.deepEqual(await topics(second), ['before']);
  await screenshot(second, 'workspaces-07-other-tab');

  // An unsaved change in the first tab is flushed before it lets go.
  await first.getByTestId('topic-name').fill('last-write');
  await first.getByTestId('create-topic').click();
  await second.getByTestId('take-over').click();
  await storageStatus(first, 'taken-over');
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['before', 'last-write']);
  await screenshot(first, 'workspaces-08-taken-over');

  // The first tab writes nothing more: its new topic never reaches the workspace.
  await first.getByTestId('topic-name').fill('ghost');
  await first.getByTestId('create-topic').click();
  await first.locator('[data-topic=ghost]').waitFor();
  assert.match(await first.getByTestId('storage-status').innerText(), /Another tab took over/);
  await createTopic(second, 'after');

  // A workspace a tab has open is not deleted from another workspace's page.
  const third = await context.newPage();
  await third.goto(`${env.server.url}?workspace=elsewhere`);
  await storageStatus(third, 'saved');
  await third.getByTestId('workspace-manage').click();
  const shared = third.locator('[data-testid=workspace-row][data-workspace=shared]');
  await shared.getByTestId('workspace-row-delete').click();
  await shared.getByTestId('workspace-row-delete-yes').click();
  assert.match(await third.getByTestId('workspace-error').innerText(), /Workspace 'shared' is open in another tab/);
  await third.close();

  await second.reload();
  await storageStatus(second, 'saved');
  assert.deepEqual(await topics(second), ['after', 'before', 'last-write']);
  assert.deepEqual(problems, []);
  await context.close();
});
