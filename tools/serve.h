/* serve.h -- polserve's request handling, without sockets: the registry of
 * policies under a directory (compiled once, shared read-only by every
 * worker thread, swapped for a new version when a file changes) and the
 * /v1 API and page handlers, which turn (method, path, body) into a reply.
 * tools/polserve.c puts this behind libmicrohttpd; tests/fuzz/fuzz_serve.c
 * calls it directly.
 *
 * Policies are refcounted handles: a request takes a reference under the
 * registry's lock and drops it when its reply is done, so a reload that
 * replaces a policy never frees one a request in flight still evaluates.
 *
 * Amounts never pass through a double: scenarios are read by libpol's own
 * reader (runtime/scen.h), outputs written by libpol; jansson builds only
 * envelopes that carry no amount (errors, the policy list, health).
 *
 * Shares its contract with: tools/serve.c, tools/polserve.c,
 * tools/web/ (the page and openapi.json, embedded by CMake), docs/polserve.md.
 *
 * Ownership: srv_new returns a registry (srv_free); a reply's body and
 * stream belong to the reply (srv_reply_clear).
 */
#ifndef POL_SERVE_H
#define POL_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scen.h"

typedef struct srv_limits {
    size_t max_body;        /* a calculate/explain request body, bytes         */
    size_t max_batch_body;  /* a batch request body, bytes                     */
    size_t max_record;      /* one scenario (one batch line), bytes            */
    uint32_t max_scenarios; /* scenarios in one calculate array                */
    uint64_t max_steps;     /* VM steps per scenario                           */
    unsigned timeout;       /* seconds: a batch stops evaluating after this    */
} srv_limits;

void srv_default_limits(srv_limits *lim);

typedef struct srv srv;

/* A registry over the policies (.pol compiled in-process, .polc loaded)
 * found under dir and its subfolders; call srv_scan to load them. */
srv *srv_new(const char *dir, const srv_limits *lim, bool log);
void srv_free(srv *s);
/* Loads new and changed files, drops vanished ones; a file that fails to
 * compile keeps its previous version (if any) and is logged.  Call from one
 * thread at a time; requests may run meanwhile.  Returns how many policies
 * are served. */
size_t srv_scan(srv *s);

/* A streamed body (batch): srv_stream_read fills up to `max` bytes of buf
 * and returns how many; 0 at the end. */
typedef struct srv_stream srv_stream;
size_t srv_stream_read(srv_stream *st, char *buf, size_t max);
void srv_stream_free(srv_stream *st);

typedef struct srv_reply {
    int status;
    const char *type;      /* Content-Type (static string)                   */
    const char *allow;     /* a 405's Allow header, or NULL                   */
    sc_buf body;           /* the body, unless stream                         */
    const char *data;      /* or a static body (an embedded asset) of len     */
    size_t len;
    srv_stream *stream;    /* or a streamed body                              */
} srv_reply;

/* Answers one request; body may be NULL when len is 0.  `path` is the
 * request's path, percent-decoded, without the query. */
void srv_handle(srv *s, const char *method, const char *path, const char *body, size_t len, srv_reply *r);
void srv_reply_clear(srv_reply *r);

/* An error reply {"error":{"status":N,"code":CODE,"message":MSG}} (for
 * limits the HTTP layer enforces before srv_handle). */
void srv_error(srv_reply *r, int status, const char *code, const char *msg);

/* The page and openapi.json, embedded at build time (serve_assets.c, made
 * by tools/web/embed.cmake). */
typedef struct srv_asset {
    const char *path, *type;
    const unsigned char *data;
    size_t len;
} srv_asset;
extern const srv_asset srv_assets[];
extern const size_t srv_nassets;

#endif
