// Not a test (no `.test.mjs`): a tool. Plays issue #10's load (3 brokers, 6 partitions at RF 3,
// 10 000 records/s at 1×) for 5 s with a Chrome trace running, then prints every main-thread
// task over 50 ms with what ran inside it (the callback that started it, GC, style, layout,
// paint), so a long task can be traced to its source. Usage, after `trunk build --release`:
//   node tests/e2e/trace-longtasks.mjs [TRACE.json]
import { readFile } from 'node:fs/promises';
import { serveDist, launchBrowser, openPage, typeLine as type } from './support.mjs';

const tracePath = process.argv[2] ?? '/tmp/kplay-trace.json';
const server = await serveDist();
const browser = await launchBrowser();
const { page, context } = await openPage(browser, server.url);
await page.getByTestId('broker-1').waitFor();
const line = async (text) =>
  page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
await type(page, 'kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3');
await line('Created topic orders.');
await type(page, "producer start p1 --topic orders --rate 10000/s --keys 'k{n%50}'");
await line('Producer p1 started');
await browser.startTracing(page, {
  path: tracePath,
  categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing', 'toplevel'],
});
await page.getByTestId('play-pause').click();
await page.waitForTimeout(5000);
await page.getByTestId('play-pause').click();
await browser.stopTracing();
await context.close();
await browser.close();
await server.close();

const { traceEvents } = JSON.parse(await readFile(tracePath, 'utf8'));
const main = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const onMain = traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur > 50_000);
console.log(`${tasks.length} tasks over 50 ms on the main thread`);
for (const task of tasks) {
  const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const byName = new Map();
  for (const e of inside) {
    const detail = e.args?.data?.type ?? e.args?.data?.functionName ?? e.args?.data?.url?.split('/').pop() ?? '';
    const key = detail ? `${e.name} (${detail})` : e.name;
    byName.set(key, (byName.get(key) ?? 0) + e.dur);
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`\ntask of ${(task.dur / 1000).toFixed(1)} ms at +${((task.ts - tasks[0].ts) / 1000).toFixed(0)} ms:`);
  for (const [name, dur] of top) console.log(`  ${(dur / 1000).toFixed(1).padStart(7)} ms  ${name}`);
}
