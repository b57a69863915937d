// The harness checks itself: a page written here loads from file:, its DOM
// is read, CJK text survives, a screenshot is written, and a page that asks
// for a network address is caught (run in a child so its failure is ours
// to inspect).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { run, artifactsDir } = require('./lib');

const mode = process.argv[2] || 'main';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pol-browser-'));
const good = path.join(dir, 'good.html');
fs.writeFileSync(good, '<!doctype html><meta charset="utf-8"><title>t</title>' +
  '<p id="v">全年医疗保险费合计 <b>2823.60</b></p><script>document.getElementById("v").dataset.ok = "1";</script>');
const bad = path.join(dir, 'bad.html');
fs.writeFileSync(bad, '<!doctype html><meta charset="utf-8"><img src="http://example.invalid/x.png"><p>x</p>');

if (mode === 'offline') {
  run('selftest-offline', async (t) => {
    const page = await t.open('file://' + bad);
    await page.waitForTimeout(300);
    t.ok(true, 'loaded');
  });
} else {
  run('selftest', async (t) => {
    const page = await t.open('file://' + good);
    t.equal(await page.textContent('#v b'), '2823.60', 'an amount read off the page');
    t.equal(await page.getAttribute('#v', 'data-ok'), '1', 'the page script ran');
    t.ok((await page.textContent('#v')).includes('全年医疗保险费合计'), 'CJK text intact');
    const shot = await t.screenshot('page', page);
    t.ok(fs.statSync(shot).size > 1000, 'a real screenshot was written');
    const child = spawnSync(process.execPath, [__filename, 'offline'],
      { env: { ...process.env, POL_ARTIFACTS: artifactsDir() }, encoding: 'utf8' });
    t.equal(child.status, 1, 'a page asking for the network fails its test');
    t.ok(/pages must work offline/.test(child.stderr), 'and says why');
  });
}
