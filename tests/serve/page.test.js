// The calculator page in headless Chromium (tests/browser/lib.js): starts
// polserve on a free loopback port, fills the Rizhao and Weifang forms as a
// caseworker would (date and month pickers, an enumeration, a yes/no,
// payment records as rows), submits, and reads the amounts off the page;
// checks a bound is enforced before sending, an error from the server is
// shown with its field, the explanation names the clauses, and a timeline
// is drawn as a month grid coloured by status with the reason on hover.
// Screenshots (desktop and phone-sized) are kept as artifacts.
// Usage: node page.test.js POLSERVE POLICIES_DIR
'use strict';
const path = require('path');
const { spawn } = require('child_process');
const { run } = require(path.join(__dirname, '..', 'browser', 'lib.js'));

const [polserve, policies] = process.argv.slice(2);

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(polserve, [policies, '--port', '0', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error(`polserve did not start: ${log}`)), 60000);
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d) => {
      log += d;
      const m = /on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: `http://127.0.0.1:${m[1]}/` }); }
    });
    p.on('exit', (code) => reject(new Error(`polserve exited ${code}: ${log}`)));
  });
}

async function choose(page, name) {
  await page.selectOption('#policy', name);
  await page.waitForSelector('body[data-state="ready"]');
  await page.waitForSelector(`[data-input]`);
}

async function submit(page) {
  await page.evaluate(() => { document.body.dataset.state = 'sending'; });
  await page.click('#calc');
  await page.waitForFunction(() => document.body.dataset.state === 'done' || !document.querySelector('#formerror').hidden);
}

const value = (page, out) => page.textContent(`[data-output="${out}"] td.value`);

(async () => {
  const srv = await startServer();
  process.on('exit', () => srv.proc.kill('SIGTERM')); // run() ends the process itself
  try {
    await run('serve_page', async (t) => {
      const page = await t.open(srv.url);
      await page.waitForSelector('#policy option[value="rizhao-2025"]', { state: 'attached' });
      t.ok(await page.$('#policy option[value="weifang-hanting-2023"]'), 'the policy list names Weifang');
      t.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'the page is in Chinese');

      // Rizhao: one date picker
      await choose(page, 'rizhao-2025');
      t.equal(await page.getAttribute('[data-input="缴费日期"] input', 'type'), 'date', 'a date input is a date picker');
      const versions = await page.$$eval('#params tr[data-param="月缴费基数"]', (rs) => rs.map((r) => r.textContent));
      t.equal(versions.length, 2, 'Rizhao: the base parameter has two dated versions on the page');
      t.ok(versions[1] && versions[1].includes('4504 元') && versions[1].includes('2025-10-01') && versions[1].includes('一(一)2'),
        `Rizhao: a version with value, dates and clause (${versions})`);
      await page.fill('[data-input="缴费日期"] input', '2025-09-30');
      await submit(page);
      t.equal(await value(page, '全年医疗保险费合计'), '2823.60 元', 'Rizhao: the year total, paid by 30 September');
      t.equal(await value(page, '月缴费额'), '220.80 元', 'Rizhao: the monthly amount');
      t.ok((await page.textContent('[data-output="月缴费额"] td.cite')).includes('一(一)'), 'Rizhao: the output names its clause');
      const exp = await page.textContent('[data-explain="适用月缴费基数"]');
      t.ok(exp.includes('月缴费基数') && exp.includes('4416') && exp.includes('一(一)1'),
        `Rizhao: the explanation shows the parameter version and its clause (${exp})`);
      // The clauses' words come with the explanation when the server has the
      // notice at hand (test_api.py checks that it does when ../shared/notices is there).
      const api = await fetch(`${srv.url}v1/policies/rizhao-2025/explain`, { method: 'POST', body: '{"缴费日期":"2025-09-30"}' });
      const cited = (await api.json()).clauses || [];
      if (cited.length) {
        t.ok(await page.isVisible('#clauses summary'), 'Rizhao: the cited clauses\' words are offered below the explanation');
        const words = await page.textContent('#clauses dd[data-clause="一(一)1"]');
        t.ok(words && words.includes('2025年9月30日(含)前缴费的') && words.includes('4416元'),
          `Rizhao: clause 一(一)1 in the notice's own words (${words})`);
      } else {
        t.ok(await page.isHidden('#clauses'), 'Rizhao: no notice at hand, so no section of clause words');
      }
      await page.fill('[data-input="缴费日期"] input', '2025-10-01');
      await submit(page);
      t.equal(await value(page, '全年医疗保险费合计'), '2876.40 元', 'Rizhao: paid from 1 October, the new base');
      await t.screenshot('rizhao', page);

      // Weifang: an enumeration, a bounded amount, two months, a yes/no
      await choose(page, 'weifang-hanting-2023');
      const members = await page.$$eval('[data-input="档次"] option', (os) => os.map((o) => o.value).filter(Boolean));
      t.equal(members.join(','), '无账户无生育,无账户含生育,有账户无生育,有账户含生育', 'Weifang: the tiers as a select');
      t.ok((await page.textContent('[data-input="缴费基数"]')).includes('4242 – 21207'), 'Weifang: the bounds are shown');
      await page.selectOption('[data-input="档次"] select', '无账户无生育');
      await page.fill('[data-input="缴费基数"] input', '4000');
      await page.fill('[data-input="所属期起"] input', '2023-01');
      await page.fill('[data-input="所属期止"] input', '2023-12');
      await page.selectOption('[data-input="本年度已缴大额医疗"] select', 'false');
      await page.click('#calc');
      await page.waitForSelector('#formerror:not([hidden])');
      t.ok((await page.textContent('[data-input="缴费基数"] .msg')).includes('不能小于 4242'), 'Weifang: a base below the bound is marked');
      t.ok(await page.isHidden('#result'), 'Weifang: nothing is calculated from a value out of bounds');
      await page.fill('[data-input="缴费基数"] input', '4242');
      await submit(page);
      t.equal(await value(page, '医疗保险月缴费'), '254.52 元', 'Weifang: the monthly premium');
      t.equal(await value(page, '应缴合计'), '3252.24 元', 'Weifang: the total for 2023');
      await t.screenshot('weifang', page);

      // an error the server finds is shown with its field (on a page of its
      // own: Chromium logs the 422 as a console error, which t.open's pages fail on)
      const page2 = await t.context.newPage();
      await page2.goto(`${srv.url}#weifang-hanting-2023`);
      await page2.waitForSelector('body[data-state="ready"]');
      await page2.selectOption('[data-input="档次"] select', '无账户无生育');
      await page2.fill('[data-input="缴费基数"] input', '4242');
      await page2.fill('[data-input="所属期止"] input', '2023-12');
      await page2.evaluate(() => { document.querySelector('[data-input="所属期起"] input').type = 'text'; });
      await page2.fill('[data-input="所属期起"] input', '2023-13');
      await submit(page2);
      const err = await page2.textContent('#formerror');
      t.ok(err.includes('所属期起') && err.includes('三、1'), `a scenario the server rejects: its message names the field and clause (${err})`);
      t.ok(await page2.isVisible('[data-input="所属期起"].invalid'), 'a scenario the server rejects: the field is marked');
      await page2.close();

      // Weifang timeline: payment records as editable rows, a month grid
      await choose(page, 'weifang-hanting-2023-timeline');
      const rows = '[data-input="缴费记录"] tbody tr';
      await page.click('[data-input="缴费记录"] button.add');
      t.equal((await page.$$(rows)).length, 2, 'timeline: a row is added');
      const recs = [['2023-09-20', '2023-09', '2023-09', '4242', '无账户无生育'], ['2023-10-21', '2023-10', '2023-12', '7069', '有账户含生育']];
      for (let i = 0; i < 2; i++) {
        const r = `${rows}:nth-child(${i + 1})`;
        await page.fill(`${r} [data-field="缴费日期"] input`, recs[i][0]);
        await page.fill(`${r} [data-field="起"] input`, recs[i][1]);
        await page.fill(`${r} [data-field="止"] input`, recs[i][2]);
        await page.fill(`${r} [data-field="缴费基数"] input`, recs[i][3]);
        await page.selectOption(`${r} [data-field="档次"] select`, recs[i][4]);
      }
      await page.fill('[data-input="查询起"] input', '2023-09');
      await page.fill('[data-input="查询止"] input', '2023-12');
      await submit(page);
      t.equal(await value(page, '医疗保险费合计'), '2375.22 元', 'Weifang timeline: the premium total');
      t.equal(await value(page, '中断月数'), '1', 'Weifang timeline: one interrupted month');
      const cells = await page.$$eval('[data-timeline="逐月"] .month', (cs) => cs.map((c) => `${c.dataset.month}:${c.dataset.status}`));
      t.equal(cells.join(' '), '2023-09:享受 2023-10:等待期 2023-11:享受 2023-12:享受', 'Weifang timeline: the month grid');

      // Rizhao timeline: suspended and waiting months, the reason on hover
      await choose(page, 'rizhao-2025-timeline');
      const inputs = await page.$$eval('[data-input]', (fs) => fs.map((f) => f.dataset.input));
      t.ok(inputs.includes('缴费记录') && inputs.includes('上年12月正常享受待遇'), `Rizhao timeline: its inputs (${inputs})`);
      const r3 = [['2025-01-10', '2025-01', '2025-01'], ['2025-06-15', '2025-02', '2025-06'], ['2025-07-10', '2025-07', '2025-07']];
      await page.click('[data-input="缴费记录"] button.add');
      await page.click('[data-input="缴费记录"] button.add');
      for (let i = 0; i < 3; i++) {
        const r = `${rows}:nth-child(${i + 1})`;
        await page.fill(`${r} [data-field="缴费日期"] input`, r3[i][0]);
        await page.fill(`${r} [data-field="起"] input`, r3[i][1]);
        await page.fill(`${r} [data-field="止"] input`, r3[i][2]);
      }
      await page.fill('[data-input="参保起始月"] input', '2025-01');
      await page.selectOption('[data-input="上年12月正常享受待遇"] select', 'true');
      await page.fill('[data-input="查询起"] input', '2025-01');
      await page.fill('[data-input="查询止"] input', '2025-07');
      await submit(page);
      t.equal(await value(page, '享受待遇月数'), '2', 'Rizhao timeline: two months covered');
      const st = await page.$$eval('[data-timeline="逐月待遇"] .month', (cs) => cs.map((c) => c.dataset.status));
      t.equal(st.join(','), '享受,享受,暂停,暂停,暂停,等待期,等待期', 'Rizhao timeline: statuses month by month');
      const colours = await page.$$eval('[data-timeline="逐月待遇"] .month', (cs) => [...new Set(cs.map((c) => getComputedStyle(c).backgroundColor))].length);
      t.equal(colours, 3, 'Rizhao timeline: three statuses, three colours');
      const why = await page.getAttribute('[data-timeline="逐月待遇"] .month[data-month="2025-06"]', 'title');
      t.ok(why.includes('等待期') && why.includes('二¶2'), `Rizhao timeline: the reason and clause on hover (${why})`);
      await t.screenshot('timeline', page);

      // a phone-sized screen: the page fits without sideways scrolling
      await page.setViewportSize({ width: 390, height: 844 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      t.ok(wide <= 390, `phone: the page fits a 390 px screen (${wide})`);
      await t.screenshot('phone', page);
    });
  } finally {
    srv.proc.kill('SIGTERM');
  }
})().catch((e) => { console.error(e); process.exit(1); });
