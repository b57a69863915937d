// The HTML report of polrun --compare in headless Chromium: the Weifang
// 2023 -> 2024-rates comparison over a generated population is run here,
// with --summary (whose figures tests/compare/check_compare.py checks
// against an independent computation) and --report; the page must show the
// same figures, overall and per 档次, draw a histogram whose bars hold
// every compared record, be in Chinese, ask for nothing on the network, and
// print (print media, a PDF of at least one page with every section).
//
// usage: node report.js POLRUN SOURCE_DIR
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { run } = require('../browser/lib');

const [polrun, src] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pol-compare-'));
const pop = path.join(dir, 'weifang.jsonl');
const summary = path.join(dir, 'summary.json');
const report = path.join(dir, 'report.html');

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) {
    console.error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    process.exit(1);
  }
}
sh('python3', [path.join(src, 'policies/weifang/gen_population.py'), '2000', '--seed', '11', '-o', pop]);
sh(polrun, ['--compare', path.join(src, 'policies/weifang/weifang-hanting-2023.pol'),
  path.join(src, 'policies/weifang/weifang-2024-rates-reform.pol'), '--batch', pop, '--key', '编号',
  '--by', '档次', '-q', '--summary', summary, '--report', report]);
const want = JSON.parse(fs.readFileSync(summary, 'utf8'));

run('compare-report', async (t) => {
  const page = await t.open('file://' + report);
  t.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'the page is in Chinese');
  t.equal(await page.textContent('h1'), '改革测算报告', 'its title');
  t.equal(await page.textContent('[data-k="records"]'), String(want.records), 'records read');
  t.equal(await page.locator('section.output').count(), want.outputs.length, 'one section per compared output');
  for (const o of want.outputs) {
    const sec = page.locator(`section.output[data-output="${o.old_output}"]`);
    t.equal(await sec.count(), 1, `a section for ${o.old_output}`);
    const fig = sec.locator('table.figures');
    for (const k of ['compared', 'more', 'less', 'same', 'old_errors', 'new_errors', 'both_errors',
      'not_applicable', 'total_old', 'total_new', 'total_change', 'mean_change', 'median_change']) {
      t.equal(await fig.locator(`[data-k="${k}"]`).textContent(), String(o.all[k]), `${o.old_output} ${k}`);
    }
    for (let k = 1; k <= 9; k++) {
      t.equal(await sec.locator(`table.deciles [data-k="d${k}"]`).textContent(), o.all.deciles[k - 1],
        `${o.old_output} decile ${k}`);
    }
    // the histogram's bars hold every compared record
    const counts = await sec.locator('svg.hist g.bin').evaluateAll((gs) => gs.map((g) => Number(g.dataset.count)));
    t.equal(counts.length, o.all.histogram.length, `${o.old_output}: one bar per bin`);
    t.equal(counts.reduce((a, b) => a + b, 0), o.all.compared, `${o.old_output}: bars sum to the records compared`);
    const heights = await sec.locator('svg.hist g.bin rect').evaluateAll((rs) => rs.map((r) => r.getBBox().height));
    t.ok(heights.every((h, i) => (h > 0) === (counts[i] > 0)), `${o.old_output}: a bar drawn for every bin with records`);
    // by 档次: a row and a pair of bars per tier
    for (const g of o.by) {
      const rowl = sec.locator(`table.groups[data-field="${g.field}"] tr[data-value="${g.value}"]`);
      t.equal(await rowl.count(), 1, `${o.old_output}: a row for ${g.value}`);
      for (const k of ['compared', 'more', 'less', 'same', 'total_old', 'total_new', 'total_change']) {
        t.equal(await rowl.locator(`[data-k="${k}"]`).textContent(), String(g.summary[k]), `${o.old_output} ${g.value} ${k}`);
      }
    }
    t.equal(await sec.locator('svg.totals g.group').count(), o.by.length, `${o.old_output}: totals chart per tier`);
  }
  // the tier whose rate did not change shows no change
  const same = want.outputs.find((o) => o.old_output === '应缴合计').by.find((g) => g.value === '有账户含生育');
  t.ok(same && same.summary.total_change === '0.00' && same.summary.more === 0, '10% tier unchanged in the summary');
  await t.screenshot('weifang', page);
  // printable: print media keeps every section, and a PDF comes out
  await page.emulateMedia({ media: 'print' });
  const visible = await page.locator('section.output').evaluateAll((ss) => ss.every((s) => s.offsetHeight > 0));
  t.ok(visible, 'every section is laid out in print');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  t.ok(pages >= 1, `the report prints (${pages} A4 pages)`);
  fs.writeFileSync(path.join(process.env.POL_ARTIFACTS || dir, 'compare-report-weifang.pdf'), pdf);
});
