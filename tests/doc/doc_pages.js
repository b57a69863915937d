// `polc doc` pages in headless Chromium (tests/browser/lib.js): a page is
// generated for EVERY bundled policy (each .pol under policies/), loaded
// from file:, and its DOM checked: the clauses stand beside what cites
// them, the parameter versions and the worked examples carry the policy's
// values, every example passed, every link lands.  When the notices
// directory is not at hand, the page must say so and list clause ids.  The
// Rizhao page's screenshot is kept in $POL_ARTIFACTS.
//   node doc_pages.js POLC SOURCE_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { run } = require('../browser/lib');

const [polc, source, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });

// What the notice-beside-rules view must show, per policy: a clause, words
// of the notice in it, and a declaration beside it.
const expected = {
  'rizhao/rizhao-2025.pol': {
    clauses: [['一(一)1', '4416元', '月缴费基数'], ['一(一)2', '4504元', '月缴费基数'], ['一(一)', '按5%的比例缴纳', '费率']],
    notTranscribed: ['一(二)', '二'],
    versions: { '月缴费基数': ['4416', '4504'], '费率': ['5%'] },
    values: { '全年医疗保险费合计': ['2823.6', '2876.4', '2823.6', '2876.4'] },
  },
  'rizhao/rizhao-2026.pol': {
    clauses: [['一(二)', '9%的比例缴纳', '最低基数比例']],
    notTranscribed: ['一(一)', '二'],
    versions: { '最低基数比例': ['60%'] },
  },
  'rizhao/rizhao-2025-reform-8pct.pol': {
    clauses: [['一(一)1', '4416元', '月缴费额_改革后']],
    versions: { '费率': ['8%'] },
    values: { '全年合计_改革后': ['4413.36', '4497.84'] },
  },
  'rizhao/rizhao-2025-timeline.pol': {
    clauses: [['二', '3个月', '上年12月正常享受待遇']],
    notTranscribed: ['一(一)', '一(二)'],
  },
  'weifang/weifang-tiers.pol': {
    clauses: [['三、3', '6%(无个人账户、无生育)', '档次费率[无账户无生育]'], ['四', '7%、8%、9%、10%', '档次费率[无账户无生育]']],
    notTranscribed: ['三、5', '三、6'],
    versions: { '档次费率[无账户无生育]': ['6%', '7%'] },
  },
  'weifang/weifang-hanting-2023.pol': { clauses: [['三、1', '费款所属期起止', '所属期起']] },
  'weifang/weifang-hanting-2023-topup.pol': {
    // 档次费率's rows beside 四 by 相关·2024费率, weifang-tiers.pol's clause map entry (a paragraph of 四): the imported map resolves here
    clauses: [['三、5', '3980元', '暂按缴费基数'], ['三、6', '2023年8月-12月', '补差起'], ['四', '仍保持四档7%、8%、9%、10%', '档次费率[无账户无生育]']],
    versions: { '暂按缴费基数': ['3980'], '档次费率[无账户无生育]': ['6%', '7%'] },
  },
  'weifang/weifang-2024-rates-reform.pol': {
    clauses: [['三、3', '6%(无个人账户、无生育)', '费率_改革后']],
    versions: { '档次费率[无账户无生育]': ['7%'], '档次费率[无账户含生育]': ['8%'] },
  },
  'weifang/weifang-hanting-2023-timeline.pol': { clauses: [['导语2', '每月20日前', '当月缴费截止日']] },
  'weinan/weinan-2023.pol': {
    clauses: [['三', '3291元', '月缴费基数'], ['七、5', '65.82元', null]],
    notTranscribed: ['七、1', '八、1'],
    versions: { '月缴费基数': ['3291'], '费率': ['8%'] },
  },
  'weinan/weinan-2023-timeline.pol': { clauses: [['七、1', '3个月', '查询起']], unstated: { '退费金额': 1 } },
  'framework/flexible-employment-framework.pol': {
    clauses: [['四、3', '8元/月', null]], notTranscribed: ['五'],
    findings: ['"个人缴纳部分约为16%-25%" is approximate', '"某地月缴费金额约为364.52元" names no place'],
  },
};

function policies(dir, rel = '') {
  let found = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) found = found.concat(policies(dir, r));
    else if (e.name.endsWith('.pol')) found.push(r);
  }
  return found.sort();
}

// The notices directory as polc finds it (compiler/clause.c).
function noticesAt(file) {
  if (process.env.POL_NOTICES_DIR) return fs.existsSync(process.env.POL_NOTICES_DIR);
  for (let d = path.dirname(fs.realpathSync(file)); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'shared', 'notices'))) return true;
    if (d === path.dirname(d)) return false;
  }
}

const all = policies(path.join(source, 'policies'));
run('doc_pages', async (t) => {
  t.ok(all.length >= 11, `every bundled policy is found (${all.length})`);
  for (const rel of all) {
    const file = path.join(source, 'policies', rel);
    const html = path.join(out, rel.replace(/[/\\]/g, '_').replace(/\.pol$/, '.html'));
    const r = spawnSync(polc, ['doc', file, '-o', html], { encoding: 'utf8' });
    t.equal(r.status, 0, `polc doc ${rel} exits 0 ${r.stderr}`);
    t.equal(r.stderr, '', `polc doc ${rel} prints no warning`);
    const page = await t.open('file://' + html);
    const title = await page.title();
    t.equal((await page.textContent('h1')).trim(), title, `${rel}: the title is the policy's`);
    // every worked example ran and passed
    const tests = await page.$$eval('article.test', (a) => a.map((x) => x.className));
    t.ok(tests.length > 0, `${rel}: worked examples shown`);
    t.ok(tests.every((c) => c.includes('passed')), `${rel}: every worked example passed`);
    // every link lands on an element of the page
    const broken = await page.$$eval('a[href^="#"]', (as) => as.filter((a) => !document.getElementById(a.getAttribute('href').slice(1))).length);
    t.equal(broken, 0, `${rel}: every link lands`);
    if (!noticesAt(file)) {
      t.ok(await page.$('#no-notice'), `${rel}: says the notice is not at hand`);
      t.ok((await page.$$('.row.clause')).length > 0, `${rel}: clauses listed by id`);
      continue;
    }
    t.equal(await page.$('#no-notice'), null, `${rel}: the notice is shown`);
    // check passes with no warning, so no rule-bearing clause is left uncited
    const loose = await page.$$eval('.row.rule-bearing:not(.cited):not(.not-transcribed)', (r) => r.map((x) => x.dataset.clause));
    t.equal(loose.join(' '), '', `${rel}: no untranscribed rule-bearing clause`);
    const want = expected[rel];
    t.ok(want, `${rel}: has expectations in doc_pages.js`);
    if (!want) continue;
    for (const [id, words, item] of want.clauses || []) {
      const row = await page.$(`.row.clause[data-clause="${id}"]`);
      t.ok(row, `${rel}: clause ${id} shown`);
      if (!row) continue;
      t.ok((await row.$eval('.text', (e) => e.textContent)).includes(words), `${rel}: clause ${id} reads "${words}"`);
      if (item) {
        const names = await row.$$eval('.cite-item', (c) => c.map((x) => x.dataset.name));
        t.ok(names.includes(item), `${rel}: ${item} stands beside ${id} (beside it: ${names.join(', ')})`);
      }
    }
    for (const id of want.notTranscribed || []) {
      const note = await page.$(`.row.clause.not-transcribed[data-clause="${id}"] .clause-note.ack`);
      t.ok(note, `${rel}: clause ${id} is marked not transcribed, with why`);
    }
    for (const [param, values] of Object.entries(want.versions || {})) {
      const got = await page.$$eval(`table.param[data-param="${param}"] tr.version td.value`, (v) => v.map((x) => x.textContent.trim()));
      t.equal(got.join(' '), values.join(' '), `${rel}: versions of ${param}`);
    }
    for (const [rule, values] of Object.entries(want.values || {})) {
      const got = await page.$$eval(`article.test tr.expect[data-rule="${rule}"] td.value`, (v) => v.map((x) => x.textContent.trim()));
      t.equal(got.join(' '), values.join(' '), `${rel}: worked values of ${rule}`);
    }
    // findings and unstated values stand out: the findings section, and an unstated expectation's row highlighted
    const found = await page.$$eval('#findings .finding', (f) => f.map((x) => x.textContent));
    t.equal(found.length, (want.findings || []).length, `${rel}: the findings shown`);
    for (const [k, words] of (want.findings || []).entries()) t.ok((found[k] || '').includes(words), `${rel}: finding ${k} reads "${words}"`);
    if (found.length) {
      const bg = await page.$eval('#findings .finding', (e) => getComputedStyle(e).backgroundColor);
      t.equal(bg, 'rgb(255, 241, 194)', `${rel}: a finding is highlighted`);
    }
    for (const [rule, n] of Object.entries(want.unstated || {})) {
      const rows = await page.$$eval(`article.test tr.expect.unstated[data-rule="${rule}"]`, (r) => r.map((x) => [x.querySelector('td.value').textContent.trim(), getComputedStyle(x.querySelector('td')).backgroundColor]));
      t.equal(rows.length, n, `${rel}: ${rule} expected unstated in ${n} worked example(s)`);
      t.ok(rows.every(([v, bg]) => v.startsWith('未载明') && bg === 'rgb(255, 224, 224)'), `${rel}: ${rule}'s unstated row highlighted (${JSON.stringify(rows)})`);
    }
    if (rel === 'rizhao/rizhao-2025.pol') await t.screenshot('rizhao-2025', page);
  }
  // without the notice at hand, always tried: the page says so and lists the ids
  const file = path.join(source, 'policies', 'rizhao', 'rizhao-2025.pol');
  const html = path.join(out, 'rizhao_rizhao-2025-no-notice.html');
  const env = { ...process.env, POL_NOTICES_DIR: path.join(out, 'no-such-directory') };
  const r = spawnSync(polc, ['doc', file, '-o', html], { encoding: 'utf8', env });
  t.equal(r.status, 0, `polc doc without the notices exits 0 ${r.stderr}`);
  const page = await t.open('file://' + html);
  t.ok((await page.textContent('#no-notice')).includes('000_b1df04d8353a8df7.txt'), 'the page names the missing notice');
  const ids = await page.$$eval('.row.clause', (r) => r.map((x) => x.dataset.clause));
  t.equal(ids.join(' '), '一(一)1、2 一(一) 一(一)1 一(一)2', 'the cited clause ids, in order of first use');
  const beside = await page.$$eval('.row.clause[data-clause="一(一)1"] .cite-item', (c) => c.map((x) => x.dataset.name));
  t.ok(beside.includes('月缴费基数'), `月缴费基数 beside 一(一)1 (${beside.join(', ')})`);
});
