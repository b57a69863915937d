// Checks the VS Code extension folder (editors/vscode/) without VS Code:
// package.json contributes the language and the grammar (the same file as
// editors/textmate/pol.tmLanguage.json), language-configuration.json is
// JSON, and extension.js, loaded with stand-ins for `vscode` and
// `vscode-languageclient/node`, starts the configured server over stdio for
// pol files.  The stand-in client then runs that server (POL_LSP, the
// build's pol-lsp) and reads its answer to `initialize`.
//
//   node vscode.js POL_LSP
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '../..');
const ext = path.join(root, 'editors/vscode');
const lsp = process.argv[2];
let failures = 0;
const check = (ok, what) => {
  if (!ok) {
    failures++;
    console.log(`FAIL: ${what}`);
  }
};

const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
const lang = (pkg.contributes.languages || []).find((l) => l.id === 'pol');
check(lang && lang.extensions.includes('.pol'), 'package.json: the language pol for .pol files');
if (lang) JSON.parse(fs.readFileSync(path.join(ext, lang.configuration), 'utf8'));
const gram = (pkg.contributes.grammars || []).find((g) => g.language === 'pol');
const textmate = fs.readFileSync(path.join(root, 'editors/textmate/pol.tmLanguage.json'), 'utf8');
check(gram && fs.readFileSync(path.join(ext, gram.path), 'utf8') === textmate,
  'package.json: the grammar is editors/textmate/pol.tmLanguage.json');
check(gram && gram.scopeName === JSON.parse(textmate).scopeName, 'package.json: the grammar scope');
check(pkg.contributes.configuration.properties['pol.server.path'].default === 'pol-lsp', 'pol.server.path defaults to pol-lsp');
check(pkg.dependencies && pkg.dependencies['vscode-languageclient'], 'depends on vscode-languageclient');

// the stand-ins
let configured;  // what pol.server.path returns
const clients = [];
class LanguageClient {
  constructor(id, name, server, client) {
    Object.assign(this, { id, name, server, client, started: false });
    clients.push(this);
  }
  start() { this.started = true; return Promise.resolve(); }
  stop() { return Promise.resolve(); }
}
const stubs = {
  vscode: { workspace: { getConfiguration: (s) => ({ get: (k) => (s === 'pol' && k === 'server.path' ? configured : undefined) }) } },
  'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(stubs, request) ? stubs[request] : load.call(this, request, ...rest);
};
const extension = require(path.join(ext, pkg.main));

for (const [setting, want] of [[undefined, 'pol-lsp'], [lsp, lsp]]) {
  configured = setting;
  const context = { subscriptions: [] };
  extension.activate(context);
  const c = clients[clients.length - 1];
  check(c && c.started, `activate() starts a client (pol.server.path ${setting})`);
  if (!c) continue;
  check(c.server.run.command === want && c.server.run.transport === 0, `the server is ${want} over stdio`);
  check(c.client.documentSelector.some((d) => d.language === 'pol'), 'the client serves pol documents');
  check(context.subscriptions.length === 1, 'activate() registers the client for disposal');
}
extension.deactivate();

// the server the extension would start answers initialize
const server = clients[clients.length - 1].server.run;
const p = spawn(server.command, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
let out = Buffer.alloc(0);
const timer = setTimeout(() => { check(false, `${server.command} did not answer initialize`); p.kill(); }, 60000);
p.stdout.on('data', (d) => {
  out = Buffer.concat([out, d]);
  const s = out.toString('utf8');
  const at = s.indexOf('\r\n\r\n');
  const m = /Content-Length: (\d+)/i.exec(s);
  if (at < 0 || !m || Buffer.byteLength(s.slice(at + 4)) < Number(m[1])) return;
  clearTimeout(timer);
  const reply = JSON.parse(s.slice(at + 4));
  check(reply.id === 1 && reply.result && reply.result.serverInfo.name === 'pol-lsp', 'pol-lsp answers initialize');
  p.stdin.end();
  p.kill();
});
p.on('error', (e) => { clearTimeout(timer); check(false, `${server.command}: ${e.message}`); console.log(`VS Code extension checked, ${failures} failed`); process.exit(1); });
p.on('close', () => {
  console.log(`VS Code extension checked, ${failures} failed`);
  process.exit(failures ? 1 : 0);
});
