// Themes and languages (issue #10, item 5). Light and dark: the header's picker switches the whole
// page, the pick survives a reload, a `?theme=` URL parameter (embeds, shared pages) wins for that
// page without changing the person's pick, and with no pick the system's preference decides.
// English and Korean: the header's language picker (or a lesson's) switches the page's own words
// and the lessons together; Kafka's words (tool output, configs, ISR) stay as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot } from './support.mjs';

const env = useServerAndBrowser();

const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);
const panelBackground = (page) =>
  page.locator('.cluster-panel').evaluate((e) => getComputedStyle(e).backgroundColor);

test('the theme picker switches the page to dark and back; the pick is kept', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  // Chromium headless prefers light: "System theme" shows light.
  assert.equal(await theme(page), 'light');
  assert.equal(await panelBackground(page), 'rgb(255, 255, 255)');
  await page.getByTestId('theme-select').selectOption('dark');
  assert.equal(await theme(page), 'dark');
  assert.equal(await panelBackground(page), 'rgb(26, 30, 38)');
  // Text stays readable: the body's ink is light on the dark panels.
  const ink = await page.locator('body').evaluate((e) => getComputedStyle(e).color);
  assert.equal(ink, 'rgb(228, 231, 238)');
  await page.getByTestId('terminal-input').fill('kafka-topics.sh --create --topic orders --partitions 3');
  await page.getByTestId('terminal-input').press('Enter');
  await page.locator('[data-testid=topic-row][data-topic=orders]').waitFor();
  await screenshot(page, '30-dark-theme');

  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await theme(page), 'dark');
  assert.equal(await page.getByTestId('theme-select').inputValue(), 'dark');

  // A page asked for light shows light, and leaves the kept pick alone.
  await page.goto(`${env.server.url}?theme=light`);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await theme(page), 'light');
  await page.getByTestId('theme-select').selectOption('system');
  await page.goto(env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await theme(page), 'dark');
  assert.deepEqual(problems, []);
  await context.close();
});

test('with no pick, a system that prefers dark gets the dark theme', async () => {
  const context = await env.browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await theme(page), 'dark');
  assert.equal(await page.getByTestId('theme-select').inputValue(), 'system');
  await context.close();
});

test('the language picker switches the page and the lessons to Korean; ?lang= wins for a page', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.locator('#cluster-heading').innerText(), 'Cluster');
  await page.getByTestId('lang-select').selectOption('ko');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.equal(await page.locator('#cluster-heading').innerText(), '클러스터');
  assert.equal(await page.locator('#terminal-heading').innerText(), '터미널');
  assert.equal(await page.locator('#lesson-heading').innerText(), '레슨');
  assert.equal(await page.locator('.lesson h3').innerText(), '토픽, 파티션, 오프셋');
  assert.match(await page.getByTestId('broker-1').innerText(), /브로커 1/);
  assert.equal(await page.getByTestId('create-topic').innerText(), '토픽 생성');
  // Kafka's own output is not translated.
  await page.getByTestId('terminal-input').fill('kafka-topics.sh --create --topic orders');
  await page.getByTestId('terminal-input').press('Enter');
  await page.locator('[data-testid=terminal-output] .term-line', { hasText: 'Created topic orders.' }).waitFor();
  await screenshot(page, '31-korean');

  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.locator('#cluster-heading').innerText(), '클러스터');
  // A lesson's English button switches the whole page back.
  await page.getByTestId('lesson-lang-en').click();
  assert.equal(await page.locator('#cluster-heading').innerText(), 'Cluster');
  assert.equal(await page.getByTestId('lang-select').inputValue(), 'en');

  await page.goto(`${env.server.url}?lang=ko`);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.locator('#cluster-heading').innerText(), '클러스터');
  await page.goto(env.server.url);
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.locator('#cluster-heading').innerText(), 'Cluster');
  assert.deepEqual(problems, []);
  await context.close();
});
