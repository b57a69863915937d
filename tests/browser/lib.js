// The one browser launcher of pol's page tests: Debian's headless Chromium
// driven by playwright-core (no browser download).  A test script does
//
//   const { run } = require('./lib');            // path relative to it
//   run('name', async (t) => {
//     const page = await t.open('file:///.../x.html');   // or http://127.0.0.1:PORT/
//     t.equal(await page.textContent('#total'), '2823.60', 'the year total');
//     await t.screenshot('rizhao');               // artifact: $POL_ARTIFACTS/name-rizhao.png
//   }, { viewport: { width: 390, height: 844 } }); // optional: a phone-sized screen
//
// and exits 0 when every check held, 1 when one failed (each failure is
// printed), 77 when the browser cannot run here (ctest counts that as
// skipped, unless POL_REQUIRE_BROWSER=1, as in CI, makes it a failure).
// Pages must work offline: every request to anything but file:, data:,
// blob:, about: or a loopback address is refused and fails the test, and
// so does an uncaught page error or a console error.
'use strict';
const fs = require('fs');
const path = require('path');

const SKIP = 77;
const CHROMIUM = process.env.POL_CHROMIUM || '/usr/bin/chromium';

function skip(why) {
  if (process.env.POL_REQUIRE_BROWSER === '1') {
    console.error(`browser test: ${why} (POL_REQUIRE_BROWSER=1: failing, not skipping)`);
    process.exit(1);
  }
  console.error(`browser test skipped: ${why}`);
  process.exit(SKIP);
}

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (e) {
    skip(`playwright-core is not installed (run: npm ci --prefix ${__dirname})`);
  }
}

function local(url) {
  if (/^(file|data|blob|about):/.test(url)) return true;
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1';
  } catch (e) {
    return false;
  }
}

function artifactsDir() {
  const dir = process.env.POL_ARTIFACTS || path.join(process.cwd(), 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function run(name, body, options = {}) {
  if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (apt-get install chromium)`);
  const { chromium } = loadPlaywright();
  const failures = [];
  let checks = 0;
  const fail = (msg) => { failures.push(msg); console.error(`FAIL ${name}: ${msg}`); };
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // The machine's network is closed: Chromium's own background
      // connections would be refused by the dozen and slow every start.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--disable-dev-shm-usage'],
    });
  } catch (e) {
    skip(`Chromium did not start: ${String(e.message).split('\n')[0]}`);
  }
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 900 },
    locale: 'zh-CN',
  });
  context.setDefaultTimeout(options.timeout || 15000);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    fail(`the page asked for ${url}: pages must work offline`);
    return route.abort();
  });
  const t = {
    context,
    async open(url) {
      const page = await context.newPage();
      page.on('pageerror', (e) => fail(`page error on ${url}: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') fail(`console error on ${url}: ${m.text()}`); });
      const res = await page.goto(url, { waitUntil: 'load' });
      if (res && !res.ok() && !url.startsWith('file:')) fail(`${url} answered ${res.status()}`);
      return page;
    },
    ok(cond, msg) { checks++; if (!cond) fail(msg); return !!cond; },
    equal(actual, expected, msg) {
      checks++;
      const a = typeof actual === 'string' ? actual.trim() : actual;
      if (a !== expected) fail(`${msg}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(a)}`);
      return a === expected;
    },
    async screenshot(label, page) {
      const p = page || context.pages()[context.pages().length - 1];
      const file = path.join(artifactsDir(), `${name}-${label}.png`);
      await p.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
      return file;
    },
    fail,
  };
  try {
    await body(t);
  } catch (e) {
    fail(`threw: ${e.stack || e}`);
  }
  await browser.close();
  if (checks === 0) fail('the test made no checks');
  if (failures.length) {
    console.error(`${name}: ${failures.length} failure(s) in ${checks} check(s)`);
    process.exit(1);
  }
  console.log(`${name}: ${checks} check(s) passed`);
  process.exit(0);
}

module.exports = { run, local, artifactsDir };
