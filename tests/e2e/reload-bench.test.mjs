// Benchmark (issue #9, "Reload: first render ≤ 300 ms; 1 M records fully loaded ≤ 1.5 s"): a
// million records written in the page by a background producer (keys padded so that a record
// takes about 100 bytes of log), saved to IndexedDB by the write-behind, then the page reloaded.
// Prints the time from navigation start to the first render ("Loading…", the
// `kplay-first-render` mark), to the cluster restarted from IndexedDB (`kplay-loaded`, set when
// the persistence hook has loaded every file and restarted the cluster) and to the first frame
// showing it (broker 1's card in the DOM), and the workspace's size; how fast a flush writes
// is the browser test `storage::benchmark_persist_and_load`. Asserts only behaviour (every
// record is back, at the same log end offset), never a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, typeLine } from './support.mjs';

const env = useServerAndBrowser();

async function type(page, line) {
  await typeLine(page, line);
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor({ timeout: 120_000 });
}

/** The storage bar's bytes for this workspace, as the page shows them. */
async function usage(page) {
  return page.getByTestId('workspace-usage').innerText();
}

test('reloading a million records', { timeout: 600_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await type(page, 'kafka-topics.sh --create --topic big --partitions 1 --replication-factor 1');
  // Values are `p-n` (≈ 8 bytes); an 85-byte key pads each record to ≈ 100 bytes in its batch.
  await type(page, "producer start p --topic big --rate 100000/s --keys 'user-{n%1000}-padding-padding-padding-padding-padding-padding-padding-padding-padd'");
  await type(page, 'time advance 10s');
  await type(page, 'producer stop p');
  await page.getByTestId('partition-topic').selectOption('big');
  await page.locator('[data-testid=lane-offsets][data-log-end="1000000"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 120_000 });

  // The first frame that shows the restarted cluster: broker 1's card appears.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=broker-1]')) {
        window.kplayClusterShown = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await page.waitForFunction(() => window.kplayClusterShown !== undefined, null, { timeout: 120_000 });
    await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 120_000 });
    runs.push(await page.evaluate(() => ({
      firstRender: Math.round(performance.getEntriesByName('kplay-first-render')[0]?.startTime),
      loaded: Math.round(performance.getEntriesByName('kplay-loaded')[0]?.startTime),
      shown: Math.round(window.kplayClusterShown),
    })));
  }
  await page.getByTestId('partition-topic').selectOption('big');
  await page.locator('[data-testid=lane-offsets][data-log-end="1000000"]').waitFor({ timeout: 60_000 });
  const bytes = await usage(page);
  console.log(`# 1,000,000 records (${bytes})`);
  console.log('# reload | first render ms | cluster restarted from IndexedDB ms | cluster shown ms');
  runs.forEach((r, i) => console.log(`# ${i + 1} | ${r.firstRender} | ${r.loaded} | ${r.shown}`));
  assert.deepEqual(problems, []);
  await context.close();
});
