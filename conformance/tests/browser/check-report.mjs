// The HTML report in a real browser: `tests/html_report.rs` runs this with
// Debian's Chromium through playwright-core (installed under target/ci-node,
// as the docs site's check installs it).
//
// It opens the report from the file system with every network request
// refused, and fails on: a request for anything but the file itself (the
// report must need no network), a console error or an uncaught exception, a
// missing section, filters that do not filter, a failure without its
// request, answer and curl, and an identifier in a table that breaks inside
// a word at 1400 px. It keeps a screenshot. It prints one JSON line of what
// it saw, which the Rust test checks too.
//
// usage: node check-report.mjs REPORT_HTML SCREENSHOT_PNG

import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const { chromium } = createRequire(path.join(process.cwd(), 'x.js'))('playwright-core');
const [reportPath, screenshotPath] = process.argv.slice(2);
if (!reportPath || !screenshotPath) {
  console.error('usage: node check-report.mjs REPORT_HTML SCREENSHOT_PNG');
  process.exit(2);
}
const reportUrl = pathToFileURL(path.resolve(reportPath)).href;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const seen = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  await page.route('**/*', (route) => {
    if (route.request().url() === reportUrl) return route.continue();
    problems.push(`the report asks the network for ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(reportUrl, { waitUntil: 'load' });
  const visible = (verdict) => page.evaluate((v) => [...document.querySelectorAll(`#check-table tr[data-verdict="${v}"]`)]
    .filter((r) => !r.hidden).length, verdict);
  const total = (verdict) => page.locator(`#check-table tr[data-verdict="${verdict}"]`).count();

  for (const id of ['score', 'endpoints', 'rules', 'checks', 'check-table']) {
    if (!(await page.locator(`#${id}`).count())) problems.push(`missing #${id}`);
  }
  seen.title = await page.title();
  seen.score = (await page.locator('#score').textContent())?.trim();
  seen.failed = await total('failed');
  seen.passed = await total('passed');
  // By default failures show and passes hide.
  seen.failedShown = await visible('failed');
  seen.passedShownByDefault = await visible('passed');
  if (seen.failedShown !== seen.failed) problems.push(`${seen.failedShown} of ${seen.failed} failures shown by default`);
  if (seen.passedShownByDefault !== 0) problems.push('passed checks shown by default');
  // The verdict filter shows passes when ticked.
  await page.locator('input.verdict[value="passed"]').check();
  seen.passedShownWhenTicked = await visible('passed');
  if (seen.passedShownWhenTicked !== seen.passed) problems.push(`ticking "passed" shows ${seen.passedShownWhenTicked} of ${seen.passed}`);
  // The id filter narrows to the ids that contain the text.
  const firstFailed = await page.locator('#check-table tr[data-verdict="failed"]').first().getAttribute('data-id');
  if (firstFailed) {
    await page.locator('#text').fill(firstFailed);
    seen.shownForOneId = await page.evaluate(() => [...document.querySelectorAll('#check-table tr[data-verdict]')]
      .filter((r) => !r.hidden).length);
    if (seen.shownForOneId < 1) problems.push(`filtering by \`${firstFailed}\` shows nothing`);
    await page.locator('#text').fill('no-check-has-this-id');
    const none = await page.evaluate(() => [...document.querySelectorAll('#check-table tr[data-verdict]')].filter((r) => !r.hidden).length);
    if (none !== 0) problems.push(`filtering by a missing id still shows ${none} rows`);
    await page.locator('#text').fill('');
  }
  // Every failure carries its request, answer and curl.
  const details = await page.evaluate(() => [...document.querySelectorAll('#check-table tr[data-verdict="failed"]')]
    .map((r) => ({ id: r.dataset.id, text: r.querySelector('details pre')?.textContent ?? '' })));
  for (const d of details) {
    if (!d.text.includes('curl')) problems.push(`${d.id}: no curl to reproduce the failure`);
  }
  // Identifiers in tables stay whole (opened details too).
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const broken = await page.evaluate(() => [...document.querySelectorAll('td code')]
    .filter((c) => !/\s/.test(c.textContent) && c.getClientRects().length > 1).map((c) => c.textContent));
  for (const b of broken) problems.push(`\`${b}\` breaks inside a word at 1400 px`);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
  seen.chromium = browser.version();
  fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: false });
} finally {
  await browser.close();
}
seen.problems = problems;
console.log(JSON.stringify(seen));
process.exit(problems.length ? 1 : 0);
