/* fuzz_lsp.c -- pol-lsp on message sequences (tools/lsp/lsp.h).
 *
 * The input is a sequence of chunks separated by the byte 0xFF (which no
 * UTF-8 text holds).  The first byte of a chunk picks what is sent, the
 * next four give a position (line, character) or a range, the rest is text:
 * a document opened with that text, a change inserting it, a request at the
 * position (hover, definition, references, completion, symbols, formatting,
 * a code action with the text as a diagnostic's message), a message sent as
 * it is (raw JSON), or an analysis (as when the input is idle).  So the
 * server sees half-typed policies, edits at any position (past the end, in
 * the middle of a character), and malformed messages, in any order.
 *
 * Invariants: every message the server writes is a JSON object; every
 * request with an id gets exactly one response with that id; the server
 * never crashes (the sanitizers watch memory).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "lsp.h"

typedef struct sink {
    long long want_id;  /* the id of the request just sent, -1 none */
    int answers;
    bool exited;        /* an `exit` came in a raw message */
} sink;

static void on_write(void *ctx, const char *body, size_t len)
{
    sink *k = ctx;
    json_error_t err;
    json_t *m = json_loadb(body, len, JSON_ALLOW_NUL, &err);
    if (!json_is_object(m))
        fz_fail("pol-lsp wrote a message that is not a JSON object: %s", err.text);
    json_t *id = json_object_get(m, "id");
    if (json_is_integer(id) && json_integer_value(id) == k->want_id)
        k->answers++;
    json_decref(m);
}

/* A JSON string of bytes that may not be UTF-8: invalid bytes become '?'. */
static json_t *text_of(const uint8_t *p, size_t n)
{
    json_t *s = json_stringn((const char *)p, n);
    if (s)
        return s;
    char *c = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        c[i] = p[i] < 0x80 ? (char)p[i] : '?';
    s = json_stringn(c, n);
    free(c);
    return s ? s : json_string("");
}

static const char *const URI = "file:///nonexistent-pol-fuzz/fuzz.pol";

static void send_msg(lsp_server *s, sink *k, json_t *m, long long id)
{
    char *body = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (!body)
        return;
    k->want_id = id;
    k->answers = 0;
    if (k->exited)
        id = -1;
    else
        k->exited = !lsp_handle(s, body, strlen(body));
    free(body);
    if (id >= 0 && k->answers != 1)
        fz_fail("request %lld got %d responses", id, k->answers);
    k->want_id = -1;
}

static json_t *position(int line, int ch)
{
    return json_pack("{s:i,s:i}", "line", line, "character", ch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sink k = {-1, 0, false};
    lsp_server *s = lsp_new(on_write, &k);
    send_msg(s, &k, json_pack("{s:s,s:i,s:s,s:{s:{}}}", "jsonrpc", "2.0", "id", 0, "method", "initialize", "params",
                              "capabilities"), 0);
    long long next_id = 1;
    size_t i = 0;
    int nchunks = 0;
    while (i < size && nchunks++ < 64) {
        const uint8_t *end = memchr(data + i, 0xFF, size - i);
        size_t n = end ? (size_t)(end - (data + i)) : size - i;
        const uint8_t *c = data + i;
        i += n + 1;
        uint8_t op = n > 0 ? c[0] : 0;
        int l1 = n > 1 ? c[1] % 40 : 0, c1 = n > 2 ? c[2] % 80 : 0, l2 = n > 3 ? l1 + c[3] % 4 : l1,
            c2 = n > 4 ? c[4] % 80 : 0;
        const uint8_t *text = n > 5 ? c + 5 : c + n;
        size_t tn = n > 5 ? n - 5 : 0;
        json_t *td = json_pack("{s:s}", "uri", URI);
        switch (op % 12) {
        case 0: /* open */
            json_decref(td);
            send_msg(s, &k, json_pack("{s:s,s:s,s:{s:{s:s,s:s,s:i,s:o}}}", "jsonrpc", "2.0", "method",
                                      "textDocument/didOpen", "params", "textDocument", "uri", URI, "languageId", "pol",
                                      "version", 1, "text", text_of(text, tn)), -1);
            break;
        case 1: /* an incremental change */
            send_msg(s, &k, json_pack("{s:s,s:s,s:{s:o,s:[{s:{s:o,s:o},s:o}]}}", "jsonrpc", "2.0", "method",
                                      "textDocument/didChange", "params", "textDocument", td, "contentChanges", "range",
                                      "start", position(l1, c1), "end", position(l2, c2), "text", text_of(text, tn)), -1);
            break;
        case 2: /* the whole text replaced */
            send_msg(s, &k, json_pack("{s:s,s:s,s:{s:o,s:[{s:o}]}}", "jsonrpc", "2.0", "method", "textDocument/didChange",
                                      "params", "textDocument", td, "contentChanges", "text", text_of(text, tn)), -1);
            break;
        case 3: case 4: case 5: case 6: { /* a request at a position */
            static const char *const m[] = {"textDocument/hover", "textDocument/definition", "textDocument/references",
                                            "textDocument/completion"};
            long long id = next_id++;
            send_msg(s, &k, json_pack("{s:s,s:I,s:s,s:{s:o,s:o,s:{s:b}}}", "jsonrpc", "2.0", "id", (json_int_t)id,
                                      "method", m[op % 12 - 3], "params", "textDocument", td, "position",
                                      position(l1, c1), "context", "includeDeclaration", 1), id);
            break;
        }
        case 7: case 8: {
            long long id = next_id++;
            send_msg(s, &k, json_pack("{s:s,s:I,s:s,s:{s:o}}", "jsonrpc", "2.0", "id", (json_int_t)id, "method",
                                      op % 12 == 7 ? "textDocument/documentSymbol" : "textDocument/formatting", "params",
                                      "textDocument", td), id);
            break;
        }
        case 9: { /* a code action for a diagnostic with this message */
            long long id = next_id++;
            send_msg(s, &k, json_pack("{s:s,s:I,s:s,s:{s:o,s:{s:o,s:o},s:{s:[{s:{s:o,s:o},s:o}]}}}", "jsonrpc", "2.0",
                                      "id", (json_int_t)id, "method", "textDocument/codeAction", "params",
                                      "textDocument", td, "range", "start", position(l1, c1), "end", position(l2, c2),
                                      "context", "diagnostics", "range", "start", position(l1, c1), "end",
                                      position(l2, c2), "message", text_of(text, tn)), id);
            break;
        }
        case 10: /* a raw message */
            json_decref(td);
            k.want_id = -1;
            if (!k.exited)
                k.exited = !lsp_handle(s, (const char *)c + (n > 0), n > 0 ? n - 1 : 0);
            break;
        default:
            json_decref(td);
            lsp_idle(s);
            break;
        }
    }
    lsp_idle(s);
    send_msg(s, &k, json_pack("{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", 999999, "method", "shutdown"), 999999);
    lsp_handle(s, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", 33);
    lsp_free(s);
    return 0;
}
