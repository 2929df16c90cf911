// Themes and languages (issue #10, item 5). Light and dark: the header's picker switches the whole
// page, the pick survives a reload, a `?theme=` URL parameter (embeds, shared pages) wins for that
// page without changing the person's pick, and with no pick the system's preference decides.
// English and Korean: the header's language picker (or a lesson's) switches the page's own words
// and the lessons together; Kafka's words (tool output, configs, ISR) stay as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot, screenshotDir, typeLine, advance } from './support.mjs';

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

test('in Korean, the producers, config, network and share panels speak Korean too; Kafka\'s words stay', async () => {
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}?lang=ko`);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('broker-1').waitFor();
  await typeLine(page, 'kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3');
  await page.locator('[data-testid=topic-row][data-topic=orders]').waitFor();

  // Producers: acks=1 records only the killed leader had are lost, said in Korean, with the
  // partition and offsets as Kafka names them.
  const line = 'producer start p1 --topic orders --rate 1000/s --acks 1';
  await typeLine(page, line);
  const card = page.locator('[data-testid=producer-card][data-name=p1]');
  await card.waitFor();
  await advance(page, 'advance-1s', 1_000);
  const leader = await page.locator('[data-testid=topic-row][data-topic=orders] [data-partition="0"]').getAttribute('data-leader');
  await page.getByTestId(`kill-broker-${leader}`).click();
  await page.locator(`[data-testid=broker-${leader}][data-state=crashed]`).waitFor();
  await advance(page, 'advance-10s', 10_000);
  await advance(page, 'advance-10s', 10_000);
  await page.locator(`[data-testid=broker-${leader}][data-fenced=true]`).waitFor();
  await advance(page, 'advance-1s', 1_000);
  const lost = Number(await card.getAttribute('data-lost'));
  assert.ok(lost > 0, `acks=1 records lost: ${lost}`);
  const loss = await card.getByTestId('producer-loss').innerText();
  assert.match(loss, new RegExp(`^확인된 레코드 ${lost}개 유실: orders-\\d 오프셋 \\d+`), loss);
  await page.locator('.producers-panel, [data-testid=producer-card]').first().screenshot({ path: `${screenshotDir}/33-korean-producer-loss.png` });
  await typeLine(page, 'producer stop p1');
  await typeLine(page, `broker start ${leader}`);

  // Config: the picker's words and a departure's note in Korean; config names and sources stay.
  const entity = page.getByTestId('config-entity');
  assert.equal(await entity.locator('option[value="topic:orders"]').innerText(), '토픽 orders');
  assert.equal(await entity.locator('option[value="brokers"]').innerText(), '모든 브로커 (클러스터 기본값)');
  assert.equal(await entity.locator('option[value="broker:1"]').innerText(), '브로커 1');
  await entity.selectOption('topic:orders');
  const departure = page.getByTestId('departure-segment.bytes');
  assert.match(await departure.getAttribute('title'), /^Kafka는 1 MiB \(1048576\) 미만을 거부합니다\. .*WARNING/);
  assert.equal(await page.locator('[data-testid="config-row-segment.bytes"]').getAttribute('data-source'), 'DEFAULT_CONFIG');

  // Network: a cut link says so in Korean.
  await typeLine(page, 'network partition 1 2');
  const link = page.locator('[data-testid=link-1-2][data-state=cut]');
  await link.waitFor();
  assert.match(await link.getAttribute('aria-label'), /끊김/);
  assert.match(await link.textContent(), /끊김/);
  await typeLine(page, 'network delay 1 3 100ms');
  await page.locator('[data-testid=link-1-3][data-state=delayed]').waitFor();
  assert.match(await page.getByTestId('link-1-3').textContent(), /\+100 ms/);

  // Share: "Copy embed code" and its snippets' labels.
  const embed = page.getByTestId('embed-code-button');
  assert.equal(await embed.innerText(), '임베드 코드 복사');
  await embed.click();
  await page.getByTestId('embed-iframe').waitFor();
  assert.match(await page.locator('.embed-code').innerText(), /iframe \(복사됨\)[\s\S]*또는 로더와 그 요소/);
  await screenshot(page, '32-korean-panels');
  for (const [panel, name] of [['.network-panel', '34-korean-network'], ['.config-editor', '35-korean-config'], ['.share-panel', '36-korean-share']]) {
    await page.locator(panel).screenshot({ path: `${screenshotDir}/${name}.png` });
  }
  assert.deepEqual(problems, []);
  await context.close();
});
