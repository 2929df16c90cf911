// Lessons (issue #12, item 2) as a learner follows them: a step's command run with a click shows
// in the terminal and turns the step's checks green; doing a step by hand in the terminal counts
// the same (checks read the cluster, not clicks); the Korean version keeps the progress; a reload
// remembers the lesson and language and the cluster they were checked on; a whole lesson
// (replication: a broker killed and restarted) walked through to the end; and a cluster reset
// starts the lesson over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, screenshot } from './support.mjs';

const env = useServerAndBrowser();

async function progress(page) {
  const p = page.getByTestId('lesson-progress');
  return { done: Number(await p.getAttribute('data-done')), steps: Number(await p.getAttribute('data-steps')) };
}

/** Clicks the step's Run buttons in order, waiting for the terminal to be ready after each. */
async function runStep(page, index) {
  const step = page.getByTestId('lesson-step').nth(index);
  const buttons = step.getByTestId('lesson-run');
  for (let i = 0; i < await buttons.count(); i++) {
    await buttons.nth(i).click();
    await page.locator('[data-testid=terminal-form][data-mode=command]').waitFor();
  }
  await page.locator(`[data-testid=lesson-step]:nth-child(${index + 1})[data-done=true]`).waitFor();
}

test('a lesson step by click and by hand, in English and Korean, across a reload', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.getByTestId('broker-1').waitFor();
  const panel = page.getByTestId('lesson-panel');
  assert.equal(await panel.locator('.lesson').getAttribute('data-lesson'), 'topics');
  assert.deepEqual(await progress(page), { done: 0, steps: 5 });
  // The first step's checks say what they found.
  assert.match(await page.getByTestId('lesson-step').first().locator('.checks').innerText(), /topic orders partitions = 3 \(now unknown\)/);

  await runStep(page, 0);
  await page.locator('[data-testid=terminal-output] .term-line[data-stream=stdout]', { hasText: 'Created topic orders.' }).waitFor();
  // Step 2's checks already hold once the topic exists: two steps done.
  assert.deepEqual(await progress(page), { done: 2, steps: 5 });
  assert.equal(await page.locator('.lesson-step.current h4').innerText(), 'Write six records');

  // By hand: six records typed at an interactive console producer complete step 3 as well.
  const input = page.getByTestId('terminal-input');
  await input.fill('kafka-console-producer.sh --topic orders');
  await input.press('Enter');
  for (let n = 1; n <= 6; n++) {
    await input.fill(`typed ${n}`);
    await input.press('Enter');
  }
  await input.press('Control+d');
  await page.locator('[data-testid=lesson-step]:nth-child(3)[data-done=true]').waitFor();
  assert.deepEqual(await progress(page), { done: 5, steps: 5 });
  await screenshot(page, '40-lesson-topics');

  // 한국어: same steps, same progress.
  await page.getByTestId('lesson-lang-ko').click();
  assert.equal(await panel.locator('.lesson h3').innerText(), '토픽, 파티션, 오프셋');
  assert.equal(await panel.getAttribute('lang'), 'ko');
  assert.deepEqual(await progress(page), { done: 5, steps: 5 });
  await page.locator('[data-testid=storage-status][data-status=saved]').waitFor({ timeout: 10_000 });

  await page.reload();
  await page.getByTestId('broker-1').waitFor();
  assert.equal(await page.locator('.lesson h3').innerText(), '토픽, 파티션, 오프셋');
  assert.deepEqual(await progress(page), { done: 5, steps: 5 }, 'the cluster came back with the checks');

  // A whole lesson: replication, in Korean.
  await page.getByTestId('lesson-select').selectOption('replication');
  assert.deepEqual(await progress(page), { done: 0, steps: 4 });
  for (let step = 0; step < 4; step++) await runStep(page, step);
  assert.deepEqual(await progress(page), { done: 4, steps: 4 });
  await screenshot(page, '41-lesson-replication-ko');

  // A reset cluster starts the lessons over: its clock is back before the progress was made.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('reset-cluster').click();
  await page.getByTestId('no-topics').waitFor();
  assert.deepEqual(await progress(page), { done: 0, steps: 4 });

  // A step whose point is that nothing changes says so beside its checks (acks=all refused).
  await page.getByTestId('lesson-select').selectOption('acks');
  const refused = page.getByTestId('lesson-step').nth(2);
  assert.match(await refused.getByTestId('lesson-unchanged').innerText(), /아무것도 바뀌지 않아야/);
  assert.equal(await page.getByTestId('lesson-step').nth(1).getByTestId('lesson-unchanged').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
