// The documentation site in a real browser: `cargo xtask docs --browser`
// runs this with Debian's Chromium through playwright-core.
//
// It serves the site on loopback, starts at index.html and follows every
// internal link. It fails on a page that does not load, a console error or
// an uncaught exception, a request that fails, a link to a missing page or
// to a missing #anchor, a page no link reaches, and a page missing one of
// the sections its kind must have, and an identifier in a table that breaks
// inside a word at 1400 px. It keeps a screenshot of one page.
//
// usage: node check-site.mjs SITE_DIR SCREENSHOT_PNG SCREENSHOT_PAGE

import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

// playwright-core is installed under the working directory (target/ci-node).
const { chromium } = createRequire(path.join(process.cwd(), 'x.js'))('playwright-core');

const [siteDir, screenshotPath, screenshotPage] = process.argv.slice(2);
if (!siteDir || !screenshotPath || !screenshotPage) {
  console.error('usage: node check-site.mjs SITE_DIR SCREENSHOT_PNG SCREENSHOT_PAGE');
  process.exit(2);
}
const root = path.resolve(siteDir);

// The sections each kind of page must have (the ids of its <section>s).
const SECTIONS = {
  index: ['vendors'],
  vendor: ['dialect', 'endpoints', 'errors', 'contradictions', 'implied', 'sources'],
  endpoint: ['call', 'required-fields', 'example-request', 'full-request', 'success-response',
    'failure-responses', 'rules', 'contradictions', 'examples', 'quirks', 'sources'],
};
const kindOf = (p) => (p === '/index.html' ? 'index' : p.endsWith('/index.html') ? 'vendor' : 'endpoint');

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const visited = new Map(); // path -> ids on the page
const anchorsWanted = []; // [from, path, id]
let links = 0;
const version = browser.version();
let external = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let current = '';
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${current}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${current}: uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`${current}: request failed: ${r.url()} (${r.failure()?.errorText})`));
  const queue = ['/index.html'];
  while (queue.length) {
    const p = queue.shift();
    if (visited.has(p)) continue;
    current = p;
    const res = await page.goto(origin + p, { waitUntil: 'load' });
    if (!res || res.status() !== 200) {
      problems.push(`${p}: HTTP ${res?.status()}`);
      visited.set(p, new Set());
      continue;
    }
    const { ids, sections, hrefs, title, broken } = await page.evaluate(() => ({
      // A table's identifier laid out on more than one line broke inside a word.
      broken: [...document.querySelectorAll('td code')]
        .filter((c) => !/\s/.test(c.textContent) && c.getClientRects().length > 1)
        .map((c) => c.textContent),
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      sections: [...document.querySelectorAll('section[id]')].filter((s) => s.querySelector('h2, table, p, ul')).map((s) => s.id),
      hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.href),
      title: document.title,
    }));
    visited.set(p, new Set(ids));
    for (const b of broken) problems.push(`${p}: \`${b}\` breaks inside a word at 1400 px`);
    if (!title) problems.push(`${p}: no <title>`);
    for (const want of SECTIONS[kindOf(p)]) {
      if (!sections.includes(want)) problems.push(`${p}: missing section #${want}`);
    }
    for (const href of hrefs) {
      links += 1;
      const u = new URL(href);
      if (u.origin !== origin) { external += 1; continue; }
      if (u.hash) anchorsWanted.push([p, u.pathname, decodeURIComponent(u.hash.slice(1))]);
      if (!visited.has(u.pathname)) queue.push(u.pathname);
    }
  }
  for (const [from, target, id] of anchorsWanted) {
    const ids = visited.get(target);
    if (ids && !ids.has(id)) problems.push(`${from}: link to ${target}#${id}: no such anchor`);
  }
  // Every page of the site is reachable from the index.
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  for (const f of walk(root).filter((f) => f.endsWith('.html'))) {
    const p = '/' + path.relative(root, f).split(path.sep).join('/');
    if (!visited.has(p)) problems.push(`${p}: no link reaches it`);
  }
  current = screenshotPage;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${origin}/${screenshotPage}`, { waitUntil: 'load' });
  fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: false });
} finally {
  await browser.close();
  server.close();
}

console.log(`${visited.size} pages, ${links} links (${external} external, not followed), ${anchorsWanted.length} anchors checked in Chromium ${version}`);
console.log(`screenshot of ${screenshotPage}: ${screenshotPath}`);
if (problems.length) {
  console.error(`${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('no broken link, no console error, every section present');
