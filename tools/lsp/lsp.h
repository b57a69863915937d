/* lsp.h -- pol-lsp, the language server, as a library: one JSON-RPC message
 * in, zero or more messages out (docs/editors.md).
 *
 * tools/lsp/pol-lsp.c reads Content-Length framed messages from stdin and
 * writes the replies framed to stdout; tests/fuzz/fuzz_lsp.c feeds message
 * sequences to the same functions.  Messages are parsed and built with
 * Debian's jansson; the facts come from the compiler's front end
 * (pol_analyze, compile.h): its diagnostics with codes and byte spans, and
 * its checked tree.  Documents are analysed lazily: a change only edits the
 * text; lsp_idle() (called when no input is waiting) or a request that needs
 * the tree analyses it again and publishes its diagnostics.
 *
 * Ownership: the server owns its documents; `write` gets each outgoing
 * message body (not framed), valid during the call.
 */
#ifndef POL_LSP_H
#define POL_LSP_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*lsp_write_fn)(void *ctx, const char *body, size_t len);
typedef struct lsp_server lsp_server;

lsp_server *lsp_new(lsp_write_fn write, void *ctx);
/* Handles one message body; false once `exit` was received. */
bool lsp_handle(lsp_server *s, const char *body, size_t len);
/* Analyses the documents changed since their last analysis and publishes
 * their diagnostics. */
void lsp_idle(lsp_server *s);
/* The exit code `exit` asks for: 0 after shutdown, else 1. */
int lsp_exit_code(const lsp_server *s);
void lsp_free(lsp_server *s);

#endif
