// polserve's calculator page: a form generated from a policy's interface
// (GET /v1/policies/NAME), sent to /calculate and /explain; outputs with
// their clauses, the explanation of each, timelines as month grids.
// No libraries, nothing fetched but this server's /v1 API.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
};

const TYPE_NAMES = { money: '金额(元)', rate: '比例', decimal: '数值', integer: '整数', months: '月数', days: '天数',
  date: '日期', month: '月份', boolean: '是/否', text: '文本', enum: '选项', list: '列表' };
const NUMERIC = new Set(['money', 'rate', 'decimal', 'integer', 'months', 'days']);

let iface = null;   // the interface of the chosen policy
let policyName = '';

async function api(method, path, body) {
  const r = await fetch(path, { method, headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined });
  let data = null;
  try { data = await r.json(); } catch (e) { data = { error: { message: `无法读取服务器的回答 (HTTP ${r.status})` } }; }
  return { status: r.status, data };
}

// ---- exact decimal comparison of the texts a form holds ("4242", "5%", "0.05") ----
function decParse(s) {
  const m = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*(%?)\s*$/.exec(String(s));
  if (!m) return null;
  const frac = m[3] || '';
  let scale = frac.length + (m[4] ? 2 : 0);
  let n = BigInt(m[2] + frac);
  if (m[1] === '-') n = -n;
  return { n, scale };
}
function decCmp(a, b) {
  const s = Math.max(a.scale, b.scale);
  const x = a.n * 10n ** BigInt(s - a.scale), y = b.n * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

// The problem with a field's text, or '' (bounds as the interface states them).
function checkValue(spec, text) {
  if (text === '') return '';
  if (NUMERIC.has(spec.type)) {
    const v = decParse(text);
    if (!v) return spec.type === 'rate' ? '请填写数字，如 0.05 或 5%' : '请填写数字';
    if (['integer', 'months', 'days'].includes(spec.type) && v.scale) return '请填写整数';
    if (spec.min !== undefined && spec.min !== null && decParse(spec.min) && decCmp(v, decParse(spec.min)) < 0)
      return `不能小于 ${spec.min}`;
    if (spec.max !== undefined && spec.max !== null && decParse(spec.max) && decCmp(v, decParse(spec.max)) > 0)
      return `不能大于 ${spec.max}`;
  }
  return '';
}

// ---- the form ----
function control(spec, value) {
  const name = spec.name;
  if (spec.type === 'enum') {
    const s = el('select', { name }, el('option', { value: '', text: '请选择' }));
    for (const m of spec.members || []) s.append(el('option', { value: m, text: m }));
    s.value = value || '';
    return s;
  }
  if (spec.type === 'boolean') {
    const s = el('select', { name }, el('option', { value: '', text: '请选择' }),
      el('option', { value: 'true', text: '是' }), el('option', { value: 'false', text: '否' }));
    s.value = value === undefined ? '' : String(value);
    return s;
  }
  const type = spec.type === 'date' ? 'date' : spec.type === 'month' ? 'month' : 'text';
  const i = el('input', { name, type, value: value === undefined ? '' : value,
    inputmode: NUMERIC.has(spec.type) ? 'decimal' : undefined,
    placeholder: spec.type === 'month' ? 'YYYY-MM' : spec.type === 'rate' ? '如 5%' : undefined,
    autocomplete: 'off' });
  return i;
}

function boundsText(spec) {
  const lo = spec.min, hi = spec.max;
  if (lo != null && hi != null) return `范围 ${lo} – ${hi}`;
  if (lo != null) return `不小于 ${lo}`;
  if (hi != null) return `不大于 ${hi}`;
  return '';
}

// The columns of a list input or output: its record's fields, or one column
// for a list of values ("of": their type), whose cells are the values.
function columns(spec) {
  return spec.fields || [{ name: '值', type: spec.of }];
}

function recordRow(input, values = {}) {
  const tr = el('tr');
  for (const f of columns(input)) {
    const td = el('td', { 'data-field': f.name });
    const c = control(f, values[f.name]);
    c.addEventListener('input', () => validateCell(td, f, c));
    c.addEventListener('change', () => validateCell(td, f, c));
    td.append(c);
    tr.append(td);
  }
  tr.append(el('td', {}, el('button', { type: 'button', class: 'plain small', text: '删除',
    'aria-label': '删除此行', onclick: () => tr.remove() })));
  return tr;
}

function validateCell(td, spec, c) {
  const msg = checkValue(spec, c.value.trim());
  td.classList.toggle('invalid', !!msg);
  td.title = msg;
  return !msg;
}

function buildForm() {
  const box = $('#fields');
  box.replaceChildren();
  for (const input of iface.inputs) {
    const label = el('label', { for: `in-${input.name}` }, input.name,
      el('span', { class: 'cite', text: input.cite ? `依据 ${input.cite}` : '' }));
    const field = el('div', { class: 'field', 'data-input': input.name });
    if (input.type === 'list') {
      const head = el('tr');
      for (const f of columns(input)) head.append(el('th', { text: `${f.name}` }, el('span', { class: 'cite', text: TYPE_NAMES[f.type] || f.type })));
      head.append(el('th'));
      const tbody = el('tbody');
      tbody.append(recordRow(input));
      field.append(el('label', {}, input.name, el('span', { class: 'cite', text: input.cite ? `依据 ${input.cite}` : '' })),
        el('div', { class: 'rows' }, el('table', {}, el('thead', {}, head), tbody)),
        el('button', { type: 'button', class: 'plain small add', text: '添加一行', onclick: () => tbody.append(recordRow(input)) }));
    } else {
      const c = control(input);
      c.id = `in-${input.name}`;
      const msg = el('div', { class: 'msg' });
      const check = () => { const m = checkValue(input, c.value.trim()); field.classList.toggle('invalid', !!m); msg.textContent = m; return !m; };
      c.addEventListener('input', check);
      c.addEventListener('change', check);
      field.append(label, c, el('div', { class: 'hint', text: [TYPE_NAMES[input.type] || input.type, boundsText(input)].filter(Boolean).join(' · ') }), msg);
    }
    if (input.note) field.append(el('div', { class: 'hint', text: input.note }));
    box.append(field);
  }
  $('#form').hidden = false;
}

// The scenario the form holds, or null after marking what is wrong.
function scenario() {
  const sc = {};
  let ok = true;
  for (const input of iface.inputs) {
    const field = $(`[data-input="${CSS.escape(input.name)}"]`);
    if (input.type === 'list') {
      const rows = [];
      for (const tr of field.querySelectorAll('tbody tr')) {
        const rec = {};
        let any = false;
        for (const f of columns(input)) {
          const td = tr.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
          const c = td.querySelector('input, select');
          if (!validateCell(td, f, c)) ok = false;
          const v = c.value.trim();
          if (v !== '') any = true;
          rec[f.name] = f.type === 'boolean' ? v === 'true' : v;
        }
        if (any) rows.push(input.fields ? rec : rec['值']);
      }
      sc[input.name] = rows;
    } else {
      const c = field.querySelector('input, select');
      const v = c.value.trim();
      const m = checkValue(input, v);
      field.classList.toggle('invalid', !!m);
      field.querySelector('.msg').textContent = m;
      if (m) ok = false;
      if (v === '') continue;
      sc[input.name] = input.type === 'boolean' ? v === 'true' : v;
    }
  }
  return ok ? sc : null;
}

// ---- results ----
const STATUS_CLASS = [[/等待期/, 's-wait', '等待期'], [/暂停|中断|未缴|不享受/, 's-pause', '暂停'], [/享受|已缴|正常/, 's-enjoy', '享受']];

function monthStatus(rec) {
  const st = String(rec['状态'] ?? '');
  if (typeof rec['享受待遇'] === 'boolean') // the policy says so outright
    return rec['享受待遇'] ? ['s-enjoy', '享受'] : /等待期/.test(st) ? ['s-wait', '等待期'] : ['s-pause', '暂停'];
  for (const [re, cls, label] of STATUS_CLASS) if (re.test(st)) return [cls, label];
  return ['s-other', st || '—'];
}

function isTimeline(spec, value) {
  return spec.type === 'list' && Array.isArray(value) && (spec.fields || []).some(f => f.type === 'month') &&
    (spec.fields || []).some(f => f.name === '状态');
}

function drawTimeline(spec, rows) {
  const monthField = spec.fields.find(f => f.type === 'month').name;
  const grid = el('div', { class: 'grid', 'data-timeline': spec.name });
  for (const rec of rows) {
    const [cls, label] = monthStatus(rec);
    const why = [rec['状态'], rec['原因'], rec['条款'] ? `依据 ${rec['条款']}` : ''].filter(Boolean).join('\n');
    grid.append(el('div', { class: `month ${cls}`, title: why, 'data-month': rec[monthField], 'data-status': label },
      el('b', { text: String(rec[monthField]).replace(/^(\d{4})-/, '$1年') + '月' }), label));
  }
  const legend = el('div', { class: 'legend' },
    el('span', { style: '--c: var(--enjoy)', text: '享受' }), el('span', { style: '--c: var(--pause)', text: '暂停' }),
    el('span', { style: '--c: var(--wait)', text: '等待期' }));
  return el('div', {}, el('h3', { text: spec.name }, el('span', { class: 'cite', text: spec.cite ? `依据 ${spec.cite}` : '' })),
    legend, grid, el('p', { class: 'hint', text: '把鼠标移到月份上（手机上长按）可看原因。' }));
}

function valueText(spec, v) {
  if (v === true) return '是';
  if (v === false) return '否';
  if (spec.type === 'money') return `${v} 元`;
  return String(v);
}

function listTable(spec, rows) {
  const head = el('tr');
  for (const f of columns(spec)) head.append(el('th', { text: f.name }));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    for (const f of columns(spec)) tr.append(el('td', { text: valueText(f, spec.fields ? r[f.name] : r) }));
    body.append(tr);
  }
  return el('div', { class: 'sublist' }, el('table', {}, el('thead', {}, head), body));
}

function showResults(calc, expl) {
  const tbody = $('#outputs tbody');
  tbody.replaceChildren();
  $('#timelines').replaceChildren();
  const outs = calc.outputs || {};
  const un = calc.unavailable || {};
  for (const spec of iface.outputs) {
    const v = outs[spec.name];
    const td = el('td', { class: 'value' });
    if (v === null || v === undefined) {
      const u = un[spec.name];
      td.className = 'value na';
      td.textContent = u ? (u.class === 'not_applicable' ? `不适用：${u.message}` : u.class === 'unstated' ? `通知未说明：${u.message}` : `无法计算：${u.message}`) : '—';
    } else if (Array.isArray(v)) {
      td.append(listTable(spec, v));
      if (isTimeline(spec, v)) $('#timelines').append(drawTimeline(spec, v));
    } else {
      td.textContent = valueText(spec, v);
    }
    tbody.append(el('tr', { 'data-output': spec.name }, el('th', { text: spec.name }), td, el('td', { class: 'cite', text: spec.cite || '' })));
  }
  const box = $('#explain');
  box.replaceChildren();
  const ex = (expl && expl.explanation) || [];
  const clauseWords = (expl && expl.clauses) || [];
  for (const e of ex) box.append(explainItem(e, true));
  // The words of every clause cited, from the notice (when the server has it at hand).
  const dl = $('#clauses dl');
  dl.replaceChildren();
  for (const c of clauseWords) dl.append(el('dt', { text: c.id }), el('dd', { 'data-clause': c.id, text: c.text }));
  $('#clauses').hidden = !clauseWords.length;
  $('#result').hidden = false;
}

// One step of the explanation (docs/explain.schema.json): outputs, rules,
// calls with their arguments, inputs, parameter versions, roundings with the
// unrounded value, branches, exceptions; each with its clause, its own steps
// nested under it.
const ROUND_MODE = { half_up: '四舍五入', half_even: '四舍六入五成双', up: '进一', down: '舍去', ceiling: '向上', floor: '向下' };

function stepValue(v) {
  if (v === undefined || v === null) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function stepLabel(e) {
  const v = stepValue(e.value);
  switch (e.kind) {
  case 'output': case 'rule': case 'requirement':
    return e.status ? `${e.name}：${e.message || e.status}` : `${e.name} = ${v}`;
  case 'call':
    if (e.same_as) return `${e.name}(${(e.arguments || []).join(', ')}) = ${v}（同第 ${e.same_as} 次调用）`;
    return `${e.name}(${(e.arguments || []).join(', ')}) = ${v}` + (e.id ? `（第 ${e.id} 次调用）` : '');
  case 'input': return `填写的 ${e.name} = ${v}`;
  case 'parameter': {
    const when = e.version ? `（版本 ${e.version}${e.date ? `，按 ${e.date}` : ''}）` : '';
    return `参数 ${e.name} = ${v}${when}` + (e.overrides ? '（改革方案覆盖）' : '') + (e.imported_from ? `（来自 ${e.imported_from}）` : '');
  }
  case 'round':
    return `${e.expression || '舍入'} = ${v}（未舍入 ${e.unrounded}，保留 ${e.places} 位，${ROUND_MODE[e.mode] || e.mode}）`;
  case 'branch': return `条件 ${e.condition}：${e.holds ? '成立' : '不成立'}，取 ${e.taken === 'then' ? '“那么”' : e.taken === 'else' ? '“否则”' : e.taken}`;
  case 'condition': return `条件 ${e.condition}：${e.holds ? '成立' : '不成立'}`;
  case 'exception': return `例外 ${e.name}：${e.applied ? '适用' : '不适用'}${e.why ? `（${e.why}）` : ''}`;
  case 'omitted': return `（其余 ${e.count || ''} 步从略：${e.message || ''}）`;
  default: return `${e.kind} ${e.name || ''} ${v}`;
  }
}

function explainItem(e, top) {
  const kids = e.steps || [];
  const label = stepLabel(e);
  const cite = el('span', { class: 'cite', text: e.cite ? `依据 ${e.cite}` : '' });
  if (!top && !kids.length && !e.formula)
    return el('li', { class: 'exp-step', text: label }, cite);
  const d = el(top ? 'details' : 'li', top ? { class: 'exp', 'data-explain': e.name } : { class: 'exp-step' });
  d.append(el(top ? 'summary' : 'div', { text: label }, cite));
  if (e.formula) d.append(el('div', {}, '公式 ', el('span', { class: 'formula', text: e.formula })));
  if (kids.length) {
    const ul = el('ul');
    for (const k of kids) ul.append(explainItem(k, false));
    d.append(ul);
  }
  if (e.note) d.append(el('p', { class: 'hint', text: e.note }));
  return d;
}

function showError(err) {
  const p = $('#formerror');
  const e = err || {};
  p.textContent = `无法计算：${e.message || '未知错误'}` + (e.field ? `\n有关项目：${e.field}` : '') + (e.clause ? `（依据 ${e.clause}）` : '');
  p.hidden = false;
  if (e.field) {
    const f = document.querySelector(`[data-input="${CSS.escape(e.field)}"]`);
    if (f) f.classList.add('invalid');
  }
}

async function submit(ev) {
  ev.preventDefault();
  $('#formerror').hidden = true;
  const sc = scenario();
  if (!sc) { showError({ message: '请先改正标红的项目' }); return; }
  $('#calc').disabled = true;
  try {
    const base = `/v1/policies/${encodeURIComponent(policyName)}`;
    const [calc, expl] = await Promise.all([api('POST', `${base}/calculate`, sc), api('POST', `${base}/explain`, sc)]);
    if (calc.status !== 200) { $('#result').hidden = true; showError(calc.data.error); return; }
    showResults(calc.data, expl.status === 200 ? expl.data : null);
    document.body.dataset.state = 'done';
  } finally {
    $('#calc').disabled = false;
  }
}

// The policy's parameters, each version with its dates and clause.
function showParameters() {
  const tbody = $('#params tbody');
  tbody.replaceChildren();
  for (const p of iface.parameters || []) {
    for (const v of p.versions || []) {
      const when = p.dated ? `${v.from || '…'} 至 ${v.to || '…'}` : '不分期间';
      const val = v.value === null ? `通知未说明：${v.unstated || ''}` : (p.type === 'money' ? `${v.value} 元` : v.value);
      tbody.append(el('tr', { 'data-param': p.name }, el('td', { text: p.name }), el('td', { text: val + (v.inferred ? '（推算）' : '') }),
        el('td', { text: when }), el('td', { text: v.cite || p.cite || '' })));
    }
  }
  $('#params').hidden = !(iface.parameters || []).length;
}

async function choose(name) {
  policyName = name;
  $('#result').hidden = true;
  $('#formerror').hidden = true;
  document.body.dataset.state = 'loading';
  if (!name) { $('#form').hidden = true; return; }
  const r = await api('GET', `/v1/policies/${encodeURIComponent(name)}`);
  if (r.status !== 200) { showError(r.data.error); return; }
  iface = r.data;
  const m = iface.meta || {};
  $('#meta').textContent = [m.region, m.issuer, m.document, m.basis, m.date].filter(Boolean).join(' · ');
  buildForm();
  showParameters();
  if (location.hash.slice(1) !== encodeURIComponent(name)) history.replaceState(null, '', `#${encodeURIComponent(name)}`);
  document.body.dataset.state = 'ready';
}

async function start() {
  const r = await api('GET', '/v1/policies');
  const sel = $('#policy');
  sel.replaceChildren(el('option', { value: '', text: '请选择一项政策' }));
  for (const p of (r.data.policies || [])) sel.append(el('option', { value: p.name, text: `${p.title}${p.region ? `（${p.region}）` : ''}` }));
  sel.addEventListener('change', () => choose(sel.value));
  $('#form').addEventListener('submit', submit);
  $('#reset').addEventListener('click', () => buildForm());
  const want = decodeURIComponent(location.hash.slice(1));
  if (want && [...sel.options].some(o => o.value === want)) { sel.value = want; await choose(want); }
  else document.body.dataset.state = 'ready';
}

start();
