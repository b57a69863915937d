// polrun --explain=html, as a person sees it: the Weifang top-up and the
// Rizhao pages are written by polrun, loaded in headless Chromium from
// file: (offline: lib.js fails any other request), and their DOM is checked
// for the results, the row of the tier table and the version read,
// the value before rounding and the clauses; the fonts are the
// system's CJK families; a screenshot of the Rizhao page is kept.
// Usage: node explain_html.js POLRUN REPO_ROOT
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { run } = require('../browser/lib');

const [polrun, root] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pol-explain-html-'));

function page(name, policy, scenario, extra = []) {
  const html = execFileSync(polrun, [policy, scenario, '--explain=html', ...extra], { cwd: root, encoding: 'utf8' });
  const file = path.join(dir, name + '.html');
  fs.writeFileSync(file, html);
  return { file, html };
}

run('explain_html', async (t) => {
  const wf = page('weifang-topup', 'policies/weifang/weifang-hanting-2023-topup.pol', 'policies/weifang/scenario-topup.json');
  t.ok(!/(src|href)=["']?(https?:)?\/\//.test(wf.html) && !/@import|url\(/.test(wf.html), 'no external asset referenced');
  let p = await t.open('file://' + wf.file);
  t.equal(await p.textContent('h1'), '潍坊市寒亭区2023年灵活就业医保补差', 'the title');
  const results = await p.$$eval('table.results tr', (rows) => rows.slice(1).map((r) => [...r.cells].map((c) => c.textContent.trim())));
  t.equal(JSON.stringify(results), JSON.stringify([['补差月数', '5', '三、6'], ['每月补差', '15.72 元', '三、5'], ['补差合计', '78.60 元', '三、5; 三、6']]),
    'the results table');
  // the tier's rate is one table by 缴费档次 and date (weifang-tiers.pol): the row read, its 2023 version, its clause
  const rows = await p.$$eval('li.step.parameter', (ps) => ps.map((e) => e.textContent));
  t.ok(rows.some((s) => s.includes('档次费率[无账户无生育]') && s.includes('6%') && s.includes('2023-01-01..2023-12-31') &&
    s.includes('2023-08-01') && s.includes('三、3') && s.includes('weifang-tiers.pol')),
    `the rate's row and 2023 version, imported: ${rows}`);
  const rounds = await p.$$eval('li.step.round', (rs) => rs.map((e) => [e.querySelector('.value').textContent, e.querySelector('dd.unrounded').textContent]));
  t.equal(JSON.stringify(rounds), JSON.stringify([['254.52', '254.52'], ['238.80', '238.80']]), 'each round with its unrounded value');
  const font = await p.evaluate(() => getComputedStyle(document.body).fontFamily);
  t.ok(/Noto Sans CJK SC/.test(font) && /sans-serif$/.test(font), `system CJK fonts: ${font}`);
  t.equal(await p.getAttribute('html', 'lang'), 'zh-CN', 'the page says it is Chinese (line breaking, glyphs)');
  // the clauses cited, in the notice's words (when the notices are at hand: ../shared/notices, as polc finds them)
  const clauses = await p.$$eval('dl.clauses dt.clause-id', (d) => d.map((e) => [e.textContent, e.nextElementSibling.textContent]));
  let at = false;
  for (let d = require('path').resolve(__dirname); !at && d !== require('path').dirname(d); d = require('path').dirname(d))
    at = require('fs').existsSync(require('path').join(d, 'shared', 'notices'));
  if (process.env.POL_NOTICES_DIR) at = require('fs').existsSync(process.env.POL_NOTICES_DIR);
  if (at) {
    const words = Object.fromEntries(clauses);
    t.ok((words['三、5'] || '').includes('暂按2022年的3980元执行'), `三、5 in the notice's words (${Object.keys(words)})`);
    // the imported clause map (weifang-tiers.pol maps 相关·2024费率): cited by the main policy's 费率 (the top-up
    // reads only the 2023 rate, 三、3)
    const fy = page('weifang-2023', 'policies/weifang/weifang-hanting-2023.pol', 'policies/weifang/scenario-2023-full-year.json');
    const q = await t.open('file://' + fy.file);
    const fyWords = Object.fromEntries(await q.$$eval('dl.clauses dt.clause-id', (d) => d.map((e) => [e.textContent, e.nextElementSibling.textContent])));
    t.ok((fyWords['相关·2024费率'] || '').includes('7%、8%、9%、10%'), 'the imported clause map entry 相关·2024费率 in its words');
  }

  const rz = page('rizhao', 'policies/rizhao/rizhao-2025.pol', 'policies/rizhao/scenario-late.json');
  p = await t.open('file://' + rz.file);
  const monthly = await p.$$eval('table.results tr', (rows) => rows.map((r) => r.textContent));
  t.ok(monthly.some((s) => s.includes('月缴费额') && s.includes('225.20 元')), `Rizhao's monthly amount: ${monthly}`);
  const base = await p.$$eval('li.step.parameter', (ps) => ps.map((e) => e.textContent));
  t.ok(base.some((s) => s.includes('4504') && s.includes('2025-10-01..2025-12-31') && s.includes('一(一)2')), 'the base version of October');
  await p.emulateMedia({ media: 'print' });
  t.ok(await p.evaluate(() => getComputedStyle(document.body).maxWidth === 'none'), 'printable: full width when printed');
  await p.emulateMedia({ media: 'screen' });
  await t.screenshot('rizhao', p);

  // a timeline's month: why it has its status, above its steps (the text form's words)
  const tl = page('rizhao-timeline-2025-06', 'policies/rizhao/rizhao-2025-timeline.pol',
    'policies/rizhao/scenario-timeline-late-back-payment.json', ['--explain-month', '2025-06']);
  p = await t.open('file://' + tl.file);
  const why = await p.textContent('pre.why');
  t.ok(why.includes('状态(2025-06) = 等待期   #1: if 等待期中(m): true, so the then branch'), `the status and its branch: ${why.split('\n')[1]}`);
  t.ok(why.includes('有未决(2025-05) = true   #9, carried from 有未决(2025-02)'), 'the interruption carried from February');
  t.ok(why.includes('record 缴费记录[1] (缴费日期 = 2025-06-15, 起 = 2025-02, 止 = 2025-06): covers 2025-06; its 缴费日期 is in 2025-06'),
    'the payment that opened the waiting period');
  t.ok(await p.evaluate(() => {
    const w = document.querySelector('pre.why'), e = document.querySelector('ul.explanation');
    return !!(w.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
  }), 'the why stands before the steps');

  // a match: the scrutinee, the member it held, the arm taken (number, pattern, expression, position) and the arm's value,
  // in English and Chinese labels; an inapplicable arm with its reason (bench/mixed.pol's 渭南 arm for one retired)
  for (const [lang, env] of [['en', 'C.UTF-8'], ['zh', 'zh_CN.UTF-8']]) {
    const html = execFileSync(polrun, ['policies/framework/flexible-employment-framework.pol', 'policies/framework/scenario-example-004.json',
      '--explain=html:参保依据'], { cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: env } });
    const file = path.join(dir, `framework-basis-${lang}.html`);
    fs.writeFileSync(file, html);
    p = await t.open('file://' + file);
    const m = await p.$$eval('li.step.match', (ms) => ms.map((e) => ({
      kind: e.querySelector('.kind').textContent, name: e.querySelector('.name').textContent, value: e.querySelector('.value').textContent,
      details: Object.fromEntries([...e.querySelectorAll('dd')].map((d) => [d.className, d.textContent])),
      labels: [...e.querySelectorAll('dt')].map((d) => d.textContent) })));
    t.equal(m.length, 1, `${lang}: one match step`);
    const want = { member: '自由职业者', arm: '5', arms: '7', pattern: '自由职业者',
      expression: '"地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员"',
      position: 'policies/framework/flexible-employment-framework.pol:65:3' };
    t.equal(JSON.stringify([m[0].kind, m[0].name, m[0].value, m[0].details]),
      JSON.stringify([lang === 'en' ? 'match' : '分情况', '类别', '地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员', want]),
      `${lang}: the match step (scrutinee, member, arm, pattern, expression, position, value)`);
    if (lang === 'zh')
      t.ok(m[0].labels.includes('所属成员') && m[0].labels.includes('所取分支（从 1 起）'), `zh: Chinese labels: ${m[0].labels}`);
  }
  const mixed = path.join(dir, 'mixed.json');
  fs.writeFileSync(mixed, '{"缴费方案": "渭南", "缴费日期": "2025-09-30", "档次": "无账户无生育", "缴费基数": "5000", "人员身份": "退休"}');
  const mfile = path.join(dir, 'mixed.html');
  fs.writeFileSync(mfile, execFileSync(polrun, ['bench/mixed.pol', mixed, '--explain=html:基本医疗月缴费'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'ignore'] }));
  p = await t.open('file://' + mfile);
  const na = await p.$eval('li.step.match', (e) => [e.querySelector('dd.pattern').textContent,
    e.querySelector('dd.status').textContent, e.querySelector('dd.message').textContent]);
  t.equal(JSON.stringify(na), JSON.stringify(['渭南', 'not-applicable', '基本医疗月缴费 is inapplicable in this case (bench/mixed.pol:63:78)']),
    `the inapplicable arm, with its reason: ${JSON.stringify(na)}`);
});
