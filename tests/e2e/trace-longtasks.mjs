// Not a test (no `.test.mjs`): a tool. Plays issue #10's load (3 brokers, 6 partitions at RF 3,
// 10 000 records/s at 1×; SCENARIO=group: 3 partitions, 1 000 records/s and a consumer group)
// for 5 s with a Chrome trace running, then prints every main-thread task over 50 ms with what
// ran inside it (the callback that started it, GC, style, layout, paint), and — from the V8
// sampling profiler — the functions that ran longest in tasks over THRESHOLD_MS (default 20).
// Wasm functions have names only in a build that keeps them:
//   CARGO_PROFILE_RELEASE_STRIP=false trunk build --release
//   [SCENARIO=group] [THRESHOLD_MS=20] node tests/e2e/trace-longtasks.mjs [TRACE.json]
import { readFile } from 'node:fs/promises';
import { serveDist, launchBrowser, openPage, typeLine as type } from './support.mjs';

const tracePath = process.argv[2] ?? '/tmp/kplay-trace.json';
const server = await serveDist();
const browser = await launchBrowser();
const { page, context } = await openPage(browser, server.url);
await page.getByTestId('broker-1').waitFor();
const line = async (text) =>
  page.locator('[data-testid=terminal-output] .term-line[data-stream]', { hasText: text }).first().waitFor();
// SCENARIO=group: playback.test.mjs's first load instead (1 000 records/s and a consumer group).
const group = process.env.SCENARIO === 'group';
const partitions = group ? 3 : 6;
await type(page, `kafka-topics.sh --create --topic orders --partitions ${partitions} --replication-factor 3`);
await line('Created topic orders.');
await type(page, `producer start p1 --topic orders --rate ${group ? 1000 : 10000}/s --keys 'k{n%50}'`);
await line('Producer p1 started');
if (group) {
  await type(page, 'consumer start c1 --group g --topic orders');
  await line('Consumer c1 started');
}
await browser.startTracing(page, {
  path: tracePath,
  categories: [
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'v8',
    'blink.user_timing',
    'toplevel',
    'disabled-by-default-v8.cpu_profiler',
  ],
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
// The whole run first: how busy the main thread was, how many tasks passed 50, 33 and 20 ms,
// and the time in the frame callback, all script, and the browser's rendering steps.
const all = onMain.filter((e) => e.name === 'RunTask');
const ms = (events) => (events.reduce((sum, e) => sum + e.dur, 0) / 1000).toFixed(0);
const over = (limit) => all.filter((e) => e.dur > limit * 1000).length;
console.log(`main thread busy ${ms(all)} ms in ${all.length} tasks; over 50 / 33 / 20 ms: ${over(50)} / ${over(33)} / ${over(20)}`);
for (const name of ['FireAnimationFrame', 'v8.callFunction', 'Layout', 'Paint', 'Layerize', 'PrePaint', 'Commit']) {
  console.log(`  ${name.padEnd(20)} ${ms(onMain.filter((e) => e.name === name)).padStart(6)} ms`);
}
const tasks = all.filter((e) => e.dur > 50_000);
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

// The sampling profiler's samples that fall inside tasks over THRESHOLD_MS, by function: self
// time (the sampled leaf) and total time (anywhere on the stack), in samples.
const threshold = Number(process.env.THRESHOLD_MS ?? 20) * 1000;
const slow = onMain.filter((e) => e.name === 'RunTask' && e.dur > threshold);
const nodes = new Map();
const samples = [];
for (const e of traceEvents.filter((e) => e.name === 'Profile' || e.name === 'ProfileChunk')) {
  if (e.pid !== main.pid) continue;
  let time = e.name === 'Profile' ? e.args.data.startTime : undefined;
  const profile = e.args?.data?.cpuProfile;
  for (const node of profile?.nodes ?? []) nodes.set(node.id, node);
  const deltas = e.args?.data?.timeDeltas ?? [];
  (profile?.samples ?? []).forEach((id, i) => samples.push({ id, delta: deltas[i] ?? 0 }));
  if (time !== undefined) samples.start = time;
}
let clock = samples.start ?? 0;
const inSlow = (ts) => slow.some((t) => ts >= t.ts && ts <= t.ts + t.dur);
const selfTime = new Map();
const totalTime = new Map();
let counted = 0;
for (const { id, delta } of samples) {
  clock += delta;
  if (!inSlow(clock)) continue;
  counted++;
  const seen = new Set();
  for (let node = nodes.get(id), leaf = true; node; node = nodes.get(node.parent), leaf = false) {
    const name = node.callFrame?.functionName || '(anonymous)';
    if (leaf) selfTime.set(name, (selfTime.get(name) ?? 0) + 1);
    if (!seen.has(name)) totalTime.set(name, (totalTime.get(name) ?? 0) + 1);
    seen.add(name);
  }
}
console.log(`\n${slow.length} tasks over ${threshold / 1000} ms, ${counted} samples in them`);
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${String(n).padStart(6)}  ${name.slice(0, 140)}`);
  }
};
show('self (samples)', selfTime);
show('total (samples)', totalTime);
