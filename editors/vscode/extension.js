// The pol extension: starts pol-lsp (docs/editors.md) for .pol files.
// Highlighting comes from syntaxes/pol.tmLanguage.json (a copy of
// editors/textmate/pol.tmLanguage.json, made by `npm run package`).
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('pol').get('server.path') || 'pol-lsp';
  const server = { command, transport: TransportKind.stdio };
  client = new LanguageClient('pol', 'pol-lsp', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'pol' }],
  });
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
