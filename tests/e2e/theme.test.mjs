// Light and dark themes (issue #10, item 5): the header's picker switches the whole page, the
// pick survives a reload, a `?theme=` URL parameter (embeds, shared pages) wins for that page
// without changing the person's pick, and with no pick the system's preference decides.
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
