// Benchmark (issue #10: "frame time p95 while scrolling a 1 M-record partition"): a million keyed
// records written by a background producer in ten simulated seconds, the partition view's record
// list scrolled a screen per animation frame from the top to the end and jumped to offsets far
// apart. Prints frame times (p50, p95, max), long tasks and how long producing took; asserts only
// behaviour (the rows shown are the offsets scrolled to), never a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, typeLine } from './support.mjs';

const env = useServerAndBrowser();

async function type(page, line) {
  await typeLine(page, line);
  await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor({ timeout: 120_000 });
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

test('scrolling a million records', { timeout: 300_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  await type(page, 'kafka-topics.sh --create --topic big --partitions 1 --replication-factor 1');
  await type(page, "producer start p --topic big --rate 100000/s --keys 'user-{n%1000}'");
  const started = Date.now();
  await type(page, 'time advance 10s');
  const producedMs = Date.now() - started;
  await type(page, 'producer stop p');
  await page.getByTestId('partition-topic').selectOption('big');
  await page.locator('[data-testid=lane-offsets][data-log-end="1000000"]').waitFor({ timeout: 60_000 });
  // The write-behind saves the new files to IndexedDB first (its own long task, reported
  // apart), so the frames below measure the list alone.
  const saving = Date.now();
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 120_000 });
  const savedMs = Date.now() - saving;

  await page.evaluate(() => {
    window.kplayLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.kplayLongTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  // One viewport height per frame, 300 frames, then the frame times.
  const frames = await page.evaluate(async () => {
    const viewport = document.querySelector('[data-testid=record-viewport]');
    const times = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      viewport.scrollTop += viewport.clientHeight * 50;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  });
  const rows = page.getByTestId('record-row');
  const shown = Number(await rows.first().getAttribute('data-offset'));
  assert.ok(shown > 0 && shown < 1_000_000, `scrolled into the log (first row ${shown})`);
  for (const offset of [999_990, 500_000, 0]) {
    await page.getByTestId('jump-offset').fill(String(offset));
    await page.getByTestId('jump-offset').press('Enter');
    await page.locator(`[data-testid=record-row][data-offset="${offset}"]`).waitFor();
  }
  assert.match(await page.locator('[data-testid=record-row][data-offset="0"]').innerText(), /user-0/);
  await screenshot(page, '34-partition-million');
  await page.waitForTimeout(100);
  const longTasks = await page.evaluate(() => window.kplayLongTasks);
  console.log(`# 1,000,000 records produced (time advance 10s at 100000/s) in ${producedMs} ms wall`);
  console.log(`# saved to IndexedDB ${savedMs} ms after the producer stopped`);
  console.log(`# scrolling frames: p50 ${percentile(frames, 0.5).toFixed(1)} ms, p95 ${percentile(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms over ${frames.length} frames`);
  console.log(`# long tasks (>= 50 ms) while scrolling: ${JSON.stringify(longTasks)}; slowest frame #${frames.indexOf(Math.max(...frames))}`);
  assert.deepEqual(problems, []);
  await context.close();
});
