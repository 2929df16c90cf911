// Embed mode (issue #12 item 4): a documentation page on another origin (a second server port)
// with two iframes and one <kafka-playground> element working at once, each its own cluster;
// messages from a sibling frame, from a wrong origin and, for the loader, from anything but its
// own iframe are ignored; an embed writes nothing to IndexedDB or localStorage; "Copy embed
// code" makes a snippet that shows the same scenario; hostile parameters get a message. The
// embed's first render is printed (docs/PERFORMANCE.md), never asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, typeLine } from './support.mjs';

const env = useServerAndBrowser();

/** The documentation pages, served from a second origin: path → HTML. */
const pages = new Map();
let docs;

before(async () => {
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url, 'http://x').pathname);
    if (html === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  docs = { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
});

after(async () => docs?.close());

/** A docs page: the loader, two iframes, one element, a strict iframe and a sibling frame. */
function hostPage(play) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Kafka docs</title>
<script src="${play}embed.js"></script>
<style>body{font-family:sans-serif;margin:1rem} iframe{border:1px solid #ccc;vertical-align:top} kafka-playground{display:inline-block;width:620px;vertical-align:top}</style></head><body>
<h1>Kafka docs with three playgrounds</h1>
<iframe id="a" title="Playground A" src="${play}index.html?embed=1&view=terminal" width="620" height="380"></iframe>
<iframe id="b" title="Playground B" src="${play}index.html?embed=1&view=cluster" width="620" height="380"></iframe>
<kafka-playground id="c" view="terminal" height="300"></kafka-playground>
<iframe id="strict" title="Strict" src="${play}index.html?embed=1&view=terminal&origin=http://elsewhere.example" width="620" height="200"></iframe>
<iframe id="sibling" title="Sibling" src="/sibling.html" width="200" height="60"></iframe>
<script>
  window.messages = [];
  window.addEventListener('message', (e) => {
    const from = ['a', 'b', 'strict'].find((id) => document.getElementById(id).contentWindow === e.source)
      ?? (document.getElementById('c').firstElementChild?.contentWindow === e.source ? 'c' : 'other');
    window.messages.push({ from, origin: e.origin, data: e.data });
  });
  let next = 1;
  window.run = (id, line) => new Promise((resolve) => {
    const rid = 'r' + next++;
    const listen = (e) => {
      if (e.data && e.data.type === 'kplay:output' && e.data.id === rid) {
        window.removeEventListener('message', listen);
        resolve(e.data);
      }
    };
    window.addEventListener('message', listen);
    document.getElementById(id).contentWindow.postMessage({ type: 'kplay:run', id: rid, line }, '${new URL(play).origin}');
  });
  // Asked before the element's embed has even loaded: the loader holds it until ready.
  window.early = document.getElementById('c').run('${create('early')}');
  window.cEvents = [];
  for (const name of ['kplay-ready', 'kplay-state', 'kplay-output']) {
    document.getElementById('c').addEventListener(name, (e) => window.cEvents.push({ name, detail: e.detail }));
  }
</script></body></html>`;
}

const SIBLING = `<!doctype html><html><body><script>
  // Posts to frame 'a' of the parent: not the embed's parent, so it must be ignored.
  window.evil = (line) => {
    parent.frames[0].postMessage({ type: 'kplay:run', id: 'evil', line }, '*');
    return parent.frames[0] === parent.document.getElementById('a').contentWindow;
  };
  window.fake = () => parent.postMessage({ type: 'kplay:ready', topics: ['fake'] }, '*');
</script>sibling</body></html>`;

const create = (topic) =>
  `kafka-topics.sh --bootstrap-server localhost:9092 --create --topic ${topic} --partitions 3`;
const list = 'kafka-topics.sh --bootstrap-server localhost:9092 --list';
/** The topic names a `--list` answer holds. */
const names = (reply) => reply.output.map((o) => o.text).filter((t) => t !== '');

async function frameOf(page, id) {
  const handle = await page.locator(`#${id}`).elementHandle();
  return handle.contentFrame();
}

async function readyFrom(page, ids) {
  await page.waitForFunction(
    (ids) => ids.every((id) => window.messages.some((m) => m.from === id && m.data?.type === 'kplay:ready')),
    ids,
    { timeout: 30_000 },
  );
}

test('two iframes and a <kafka-playground> run side by side, each its own cluster; foreign messages are ignored', async () => {
  const play = env.server.url;
  pages.set('/docs.html', hostPage(play));
  pages.set('/sibling.html', SIBLING);
  const { page, context, problems } = await openPage(env.browser, `${docs.url}/docs.html`);
  await readyFrom(page, ['a', 'b', 'c']);
  // The loader's element heard its own iframe's ready, and made the iframe it was asked for.
  await page.waitForFunction(() => document.getElementById('c').ready?.type === 'kplay:ready');
  assert.equal(await page.locator('#c iframe').evaluate((f) => f.style.height), '300px');
  const ready = await page.evaluate(() => window.messages.find((m) => m.from === 'a').data);
  assert.equal(ready.time, 1735689600000);
  assert.match(ready.traceHash, /^[0-9a-f]{16}$/);

  // A creates a topic by postMessage; B and C do not have it.
  const created = await page.evaluate(([l]) => window.run('a', l), [create('orders')]);
  assert.equal(created.text, 'Created topic orders.\n');
  assert.deepEqual(created.output, [{ stream: 'stdout', text: 'Created topic orders.' }]);
  const inB = await page.evaluate(([l]) => window.run('b', l), [list]);
  assert.deepEqual(names(inB), []);
  assert.equal((await page.evaluate(() => window.early)).text, 'Created topic early.\n');
  const inC = await page.evaluate(([l]) => document.getElementById('c').run(l), [list]);
  assert.equal(inC.type, 'kplay:output');
  assert.deepEqual(names(inC), ['early']);
  // C creates another; A does not see it. The terminals show what ran, as if typed.
  await page.evaluate(([l]) => document.getElementById('c').run(l), [create('payments')]);
  const inA = await page.evaluate(([l]) => window.run('a', l), [list]);
  assert.deepEqual(names(inA), ['orders']);
  const frameA = await frameOf(page, 'a');
  await frameA.getByText('$ ' + create('orders')).waitFor();
  // A's state message follows its cluster.
  await page.waitForFunction(() =>
    window.messages.some((m) => m.from === 'a' && m.data?.type === 'kplay:state' && m.data.topics.includes('orders')));
  // B shows no topic in its own cluster view either: it is another cluster.
  const frameB = await frameOf(page, 'b');
  assert.equal(await frameB.locator('.cluster-panel').count(), 1);

  // A sibling frame posting to A is not A's parent: ignored. (Messages from one task source
  // arrive in order, so the parent's list after it shows whether it ran.)
  const sibling = await frameOf(page, 'sibling');
  assert.ok(await sibling.evaluate(([l]) => window.evil(l), [create('evil')]), 'posted to A');
  const afterEvil = await page.evaluate(([l]) => window.run('a', l), [list]);
  assert.deepEqual(names(afterEvil), ['orders']);
  assert.ok(!(await page.evaluate(() => window.messages.some((m) => m.data?.id === 'evil'))));

  // The strict embed accepts only http://elsewhere.example: its parent's run is ignored, and it
  // sends this page nothing (not even ready).
  const strict = await frameOf(page, 'strict');
  await strict.locator('[data-testid=embed][data-ready=true]').waitFor();
  await page.evaluate(([l]) => document.getElementById('strict').contentWindow.postMessage(
    { type: 'kplay:run', id: 'strict', line: l }, '*'), [create('evil')]);
  // A message the strict frame posts to itself is queued after the parent's: once it arrives,
  // the parent's has been handled.
  await strict.evaluate(() => new Promise((resolve) => {
    window.addEventListener('message', (e) => e.data === 'probe' && resolve());
    window.postMessage('probe', '*');
  }));
  await strict.getByTestId('terminal-input').waitFor();
  assert.equal(await strict.getByText('evil').count(), 0);
  assert.ok(!(await page.evaluate(() => window.messages.some((m) => m.from === 'strict'))));

  // The loader takes only its own iframe's messages: this page's own post and the sibling's
  // fake ready do not reach the element's events.
  await page.evaluate(() => window.postMessage({ type: 'kplay:state', topics: ['fake'] }, '*'));
  await sibling.evaluate(() => window.fake());
  await page.evaluate(([l]) => document.getElementById('c').run(l), [list]);
  const cEvents = await page.evaluate(() => window.cEvents);
  assert.ok(cEvents.length >= 3, JSON.stringify(cEvents));
  assert.ok(cEvents.every((e) => !JSON.stringify(e.detail).includes('fake')), JSON.stringify(cEvents));
  assert.ok(!JSON.stringify(await page.evaluate(() => document.getElementById('c').ready)).includes('fake'));

  // Nothing written: no IndexedDB database and no localStorage key in any embed's storage.
  for (const id of ['a', 'b', 'strict']) {
    const frame = await frameOf(page, id);
    const stored = await frame.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((d) => d.name),
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
    }));
    assert.deepEqual(stored, { databases: [], local: [], session: [] }, id);
  }
  const frameC = await frameOf(page, 'c iframe');
  assert.deepEqual(await frameC.evaluate(async () => (await indexedDB.databases()).length), 0);

  // Frames outside the viewport are not painted in a capture: make room for all of them.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await screenshot(page, 'embed-docs-page');
  // The embed's first render inside a frame (reported, never asserted).
  const firstRender = await frameA.evaluate(() => {
    const mark = performance.getEntriesByName('kplay-embed-first-render')[0];
    return mark?.startTime;
  });
  assert.equal(typeof firstRender, 'number');
  console.log(`# embed first render (iframe, 4 embeds loading at once) ${Math.round(firstRender)} ms after its navigation start`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embed on its own: first render, and a normal page on the same origin has no embed workspace', async () => {
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}index.html?embed=1`);
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  const ms = await page.evaluate(() => performance.getEntriesByName('kplay-embed-first-render')[0]?.startTime);
  assert.equal(typeof ms, 'number');
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.responseEnd);
  console.log(`# embed first render (top level) ${Math.round(ms)} ms after navigation start (the .wasm fetched at ${Math.round(wasm)} ms)`);
  // Again with the page in the browser's cache, as a second embed on a page loads it.
  await page.reload();
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  const warm = await page.evaluate(() => performance.getEntriesByName('kplay-embed-first-render')[0]?.startTime);
  console.log(`# embed first render (top level, cached) ${Math.round(warm)} ms after navigation start`);
  await typeLine(page, create('orders'));
  await page.getByText('Created topic orders.').waitFor();
  // No workspace switcher, no storage bar; nothing stored.
  assert.equal(await page.getByTestId('workspace-switcher').count(), 0);
  assert.equal(await page.getByTestId('storage-status').count(), 0);
  assert.deepEqual(await page.evaluate(async () => (await indexedDB.databases()).length), 0);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  // "Open in the playground": the session so far, as a share link of the full page, which asks.
  const [opened] = await Promise.all([context.waitForEvent('page'), page.getByTestId('embed-open').click()]);
  await opened.getByTestId('share-dialog').waitFor();
  assert.match(await opened.getByTestId('share-preview').innerText(), /--create --topic orders --partitions 3/);
  await opened.close();
  // The person's own page, same origin, same browser: its workspace holds no 'orders'.
  await page.goto(env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.getByTestId('topic-row').count(), 0);
  // For comparison, in the same browser: the full page's first render ("Loading…").
  const full = await page.evaluate(() => performance.getEntriesByName('kplay-first-render')[0]?.startTime);
  console.log(`# full page first render ("Loading…") ${Math.round(full)} ms after navigation start`);
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.deepEqual(names, ['kafka-playground/default']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Copy embed code makes snippets that show the same scenario in another page', async () => {
  // theme and lang are the page's own preferences: the snippets pass them on as given.
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}?theme=dark&lang=ko`);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('broker-1').waitFor();
  await typeLine(page, create('clicks'));
  await page.getByTestId('topic-row').first().waitFor();
  const hash = await page.getByTestId('scenario-hash').innerText();
  await page.getByTestId('embed-code-button').click();
  const iframe = await page.getByTestId('embed-iframe').inputValue();
  const loader = await page.getByTestId('embed-loader').inputValue();
  assert.match(iframe, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1&amp;scenario=[A-Za-z0-9_-]+&amp;view=cluster,terminal&amp;theme=dark&amp;lang=ko" /);
  assert.match(loader, /^<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" defer><\/script>\n<kafka-playground scenario="/);
  assert.match(loader, / view="cluster,terminal" theme="dark" lang="ko" height="600"><\/kafka-playground>$/);
  mkdirSync(screenshotDir, { recursive: true });
  await page.locator('.share-panel').screenshot({ path: join(screenshotDir, 'embed-code.png') });
  pages.set('/snippet.html', `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><h1>Snippets</h1>${iframe}\n${loader}</body></html>`);
  const docsPage = await context.newPage();
  await docsPage.goto(`${docs.url}/snippet.html`);
  const frames = [await (await docsPage.locator('iframe').nth(0).elementHandle()).contentFrame(),
    await (await docsPage.locator('kafka-playground iframe').elementHandle()).contentFrame()];
  for (const frame of frames) {
    await frame.locator('[data-testid=embed][data-ready=true]').waitFor({ timeout: 30_000 });
    // The snippets ask for Korean (`lang=ko`): the terminal's note says "트레이스 해시".
    await frame.getByText(`트레이스 해시 ${hash}`).waitFor();
    await frame.getByText('clicks').first().waitFor();
  }
  await screenshot(docsPage, 'embed-snippet-page');
  assert.deepEqual(problems, []);
  await context.close();
});

test('hostile parameters get a message in the embed, as text', async () => {
  const hostile = '?embed=1&view=cluster,%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&speed=3&scenario=AAAA&lesson=topics&lang=ko&height=1e9';
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}index.html${hostile}`);
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  const text = await page.getByTestId('embed-problems').innerText();
  // In the language the parameters ask for (`lang=ko`); the decoder's detail stays English.
  assert.match(text, /view: 알 수 없는 뷰 '<img src=x onerror=alert\(1\)>'/);
  assert.match(text, /speed: '3'은\(는\) 재생 속도\(0\.1, 0\.5, 1, 2, 10, 100, 1000\) 중 하나가 아닙니다/);
  assert.match(text, /scenario: 이 시나리오를 열 수 없습니다\. The link does not hold a scenario/);
  assert.match(text, /height: '1e9'은\(는\) 120부터 4000까지의 픽셀 높이가 아닙니다/);
  assert.equal(await page.locator('[data-testid=embed-problems] img').count(), 0);
  // The rest still works: the default views, with the Korean lesson asked for.
  await page.getByTestId('lesson-panel').waitFor();
  assert.equal(await page.getByTestId('lesson-panel').getAttribute('lang'), 'ko');
  await screenshot(page, 'embed-hostile');
  assert.deepEqual(problems, []);
  await context.close();
});

test('autoplay and speed start the clock; persist=NAME keeps the cluster in its own workspace', async () => {
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}index.html?embed=1&view=cluster&autoplay=1&speed=10`);
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  assert.equal(await page.locator('.time-controls select').inputValue(), '10');
  // Playing: the simulated clock moves on by itself.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-clock]').dataset.ms) > 1735689601000);
  // A persisted embed: its own workspace `embed-docs`, there again after a reload.
  await page.goto(`${env.server.url}index.html?embed=1&view=terminal&persist=docs`);
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  assert.equal(await page.getByTestId('embed-memory').count(), 0);
  await typeLine(page, create('kept'));
  await page.getByText('Created topic kept.').waitFor();
  // Written behind: the embed says when its workspace holds everything.
  await page.locator('[data-testid=embed][data-storage=saved]').waitFor();
  await page.reload();
  await page.locator('[data-testid=embed][data-ready=true]').waitFor();
  await typeLine(page, list);
  await page.locator('.term-line.out', { hasText: /^kept$/ }).first().waitFor();
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.deepEqual(names, ['kafka-playground/embed-docs']);
  assert.deepEqual(problems, []);
  await context.close();
});
