// Tokenizes sample.pol and every keyword spelling of the lexer's table
// (grammar/lexer.l) with vscode-textmate + vscode-oniguruma, the tokenizer
// VS Code uses, and checks the scopes of editors/textmate/pol.tmLanguage.json.
// Skips (exit 77) when `npm ci` has not been run in this folder.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '../..');
let vsctm, oniguruma;
try {
  vsctm = require('vscode-textmate');
  oniguruma = require('vscode-oniguruma');
} catch (e) {
  console.log('highlight test skipped: run `npm ci` in tests/highlight/ (vscode-textmate, vscode-oniguruma)');
  process.exit(77);
}

async function main() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(
      fs.readFileSync(path.join(root, 'editors/textmate/pol.tmLanguage.json'), 'utf8'), 'pol.tmLanguage.json'),
  });
  const grammar = await registry.loadGrammar('source.pol');
  const tokenize = (text) => {
    let stack = vsctm.INITIAL;
    const out = [];
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens)
        out.push({ text: line.slice(t.startIndex, t.endIndex), scope: t.scopes[t.scopes.length - 1] });
      stack = r.ruleStack;
    }
    return out;
  };
  let failures = 0;
  const expect = (tokens, text, scope) => {
    const t = tokens.find((x) => x.text === text && x.scope === scope);
    if (!t) {
      failures++;
      const seen = tokens.filter((x) => x.text.trim() === text).map((x) => x.scope);
      console.log(`FAIL: '${text}' should be ${scope}; got ${seen.length ? seen.join(', ') : 'no token of that text'}`);
    }
  };
  const sample = tokenize(fs.readFileSync(path.join(__dirname, 'sample.pol'), 'utf8'));
  const want = [
    ['# 样例：高亮测试 (tests/highlight/test.js)', 'comment.line.number-sign.pol'],
    ['// 注释', 'comment.line.double-slash.pol'],
    ['政策', 'keyword.declaration.pol'],
    ['输入', 'keyword.declaration.pol'],
    ['缴费日期', 'entity.name.pol'],
    ['：', 'punctuation.separator.colon.pol'],
    ['日期', 'support.type.pol'],
    ['5%', 'constant.numeric.percent.pol'],
    ['依据', 'keyword.other.pol'],
    ['4416.5元', 'constant.numeric.money.pol'],
    ['3个月', 'constant.numeric.duration.pol'],
    ['2025-09', 'constant.numeric.month.pol'],
    ['2025-10-01', 'constant.numeric.date.pol'],
    ['（', 'punctuation.section.parens.begin.pol'],
    ['，', 'punctuation.separator.comma.pol'],
    ['）', 'punctuation.section.parens.end.pol'],
    ['如果', 'keyword.control.pol'],
    ['那么', 'keyword.control.pol'],
    ['否则', 'keyword.control.pol'],
    ['≥', 'keyword.operator.pol'],
    ['×', 'keyword.operator.pol'],
    ['舍入', 'support.function.pol'],
    ['四舍五入', 'support.constant.rounding.pol'],
    ['0元', 'constant.numeric.money.pol'],
    ['且', 'keyword.operator.word.pol'],
    ['不适用', 'constant.language.pol'],
    ['假', 'constant.language.boolean.pol'],
    ['全角引号', 'string.quoted.other.pol'],
    ['当月', 'entity.name.pol'], // a name that starts with a keyword (当) is a name
    ['月缴费基数', 'entity.name.pol'],
  ];
  for (const [text, scope] of want) expect(sample, text, scope);
  // a name that merely contains a keyword is one name, not a keyword inside it
  for (const t of sample)
    if (t.text === '则' || t.text === '是') { failures++; console.log(`FAIL: keyword '${t.text}' found inside a name`); }

  // every spelling of the lexer's keyword table is a keyword (or a constant)
  const lexer = fs.readFileSync(path.join(root, 'grammar/lexer.l'), 'utf8');
  const table = lexer.slice(lexer.indexOf('const pol_keyword pol_keywords[] = {'));
  const spellings = [...table.slice(0, table.indexOf('};')).matchAll(/\{"([^"]+)", "([^"]+)"\}/g)].map((m) => m[1]);
  if (spellings.length < 80) { failures++; console.log(`FAIL: only ${spellings.length} keywords read from lexer.l`); }
  for (const s of spellings) {
    const toks = tokenize(`x ${s} y`).filter((t) => t.text === s);
    if (!toks.length || !/^(keyword|constant\.language)\./.test(toks[0].scope)) {
      failures++;
      console.log(`FAIL: keyword '${s}' is ${toks.length ? toks[0].scope : 'not one token'}`);
    }
  }
  console.log(`${want.length} sample tokens and ${spellings.length} keyword spellings checked, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(1); });
