/* polserve -- pol's web API and calculator page over HTTP (libmicrohttpd).
 *
 *   polserve DIR [--port N] [--bind ADDR] [--threads N] [--max-body BYTES]
 *                [--max-batch-body BYTES] [--max-steps N] [--timeout S]
 *                [--max-connections N] [--reload S] [--quiet]
 *
 * Serves every .pol/.polc under DIR (serve.h does the work, this file is the
 * HTTP side): a pool of worker threads, bounded connections, header and body
 * limits, an access log line per request on stderr, a rescan of DIR every
 * --reload seconds (and on SIGHUP), and a clean stop on SIGTERM or SIGINT:
 * no new connections, requests in flight finish (up to 10 s), then exit 0.
 *
 * Shares its contract with: tools/serve.h, docs/polserve.md, docs/man/polserve.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mem.h"
#include "serve.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result_t;
#else
typedef enum MHD_Result MHD_Result_t;
#endif

static void usage(FILE *out)
{
    fputs(_("usage: polserve DIR [options]\n"
          "serves every .pol and .polc under DIR: the calculator page at /, the JSON API under /v1/\n"
          "\n"
          "  --port N             TCP port (default 8080; 0: any free port, printed at start)\n"
          "  --bind ADDR          address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)\n"
          "  --threads N          worker threads (default: one per core, at least 2)\n"
          "  --max-connections N  open connections at once (default 256)\n"
          "  --max-body BYTES     largest calculate/explain body (default 1048576)\n"
          "  --max-batch-body BYTES  largest batch body (default 67108864)\n"
          "  --max-steps N        VM steps per scenario (default 10000000)\n"
          "  --timeout S          idle connection timeout and a batch's time limit (default 30)\n"
          "  --reload S           rescan DIR for changed files every S seconds (default 1; 0: only on SIGHUP)\n"
          "  -q, --quiet          no access log\n"
          "  --lang zh|en         the language of messages (default: from LC_ALL, LC_MESSAGES, LANG)\n"
          "  -h, --help, --version\n"
          "\n"
          "exit status: 0 stopped by SIGTERM/SIGINT, 64 usage, 66 DIR cannot be read, 69 cannot listen\n"),
          out);
}

typedef struct server {
    srv *s;
    srv_limits lim;
    bool log;
    atomic_long inflight;
} server;

/* One request's state, from its first call to its completion. */
typedef struct req {
    sc_buf body;
    bool too_large;
    int status;
    size_t sent;
    struct timespec start;
    char method[16];
    char *path;
} req;

static double ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6; /* not an amount */
}

static ssize_t stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    size_t n = srv_stream_read(cls, buf, max);
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free_cb(void *cls) { srv_stream_free(cls); }

static MHD_Result_t send_reply(struct MHD_Connection *c, req *q, srv_reply *r)
{
    struct MHD_Response *resp;
    if (r->stream) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, stream_cb, r->stream, stream_free_cb);
        r->stream = NULL; /* the response frees it */
    } else if (r->data) {
        resp = MHD_create_response_from_buffer(r->len, (void *)r->data, MHD_RESPMEM_PERSISTENT);
        q->sent = r->len;
    } else {
        resp = MHD_create_response_from_buffer(r->body.len, r->body.data, MHD_RESPMEM_MUST_FREE);
        q->sent = r->body.len;
        r->body.data = NULL; /* the response frees it */
        sc_buf_init(&r->body);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->allow)
        MHD_add_response_header(resp, "Allow", r->allow);
    q->status = r->status;
    MHD_Result_t ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    srv_reply_clear(r);
    return ok;
}

static MHD_Result_t on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    server *sv = cls;
    req *q = *con_cls;
    bool batch = cli_ends_with(url, "/batch");
    size_t limit = batch ? sv->lim.max_batch_body : sv->lim.max_body;
    if (!q) {
        q = pol_xcalloc(1, sizeof *q);
        sc_buf_init(&q->body);
        clock_gettime(CLOCK_MONOTONIC, &q->start);
        snprintf(q->method, sizeof q->method, "%s", method);
        q->path = pol_xstrdup(url);
        *con_cls = q;
        atomic_fetch_add(&sv->inflight, 1);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > limit)
            q->too_large = true;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!q->too_large && q->body.len + *upload_size > limit)
            q->too_large = true;
        if (!q->too_large)
            sc_buf_put(&q->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    srv_reply r;
    if (q->too_large) {
        memset(&r, 0, sizeof r);
        sc_buf_init(&r.body);
        char msg[120];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", limit);
        srv_error(&r, 413, "too_large", msg);
    } else {
        srv_handle(sv->s, method, url, q->body.data, q->body.len, &r);
    }
    return send_reply(c, q, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    server *sv = cls;
    req *q = *con_cls;
    if (!q)
        return;
    if (sv->log) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char addr[INET6_ADDRSTRLEN] = "-";
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
        }
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(stderr, "%s %s %s %s %d %zu %.1fms%s\n", when, /* i18n: none (the access log) */ addr, q->method, q->path, q->status ? q->status : 0,
                q->sent, ms_since(&q->start), toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    }
    atomic_fetch_sub(&sv->inflight, 1);
    sc_buf_clear(&q->body);
    free(q->path);
    free(q);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("polserve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

enum { OPT_VERSION = 256, OPT_PORT, OPT_BIND, OPT_THREADS, OPT_MAXCONN, OPT_MAXBODY, OPT_MAXBATCH, OPT_STEPS,
       OPT_TIMEOUT, OPT_RELOAD, OPT_LANG };

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"port", required_argument, NULL, OPT_PORT},
    {"bind", required_argument, NULL, OPT_BIND},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-connections", required_argument, NULL, OPT_MAXCONN},
    {"max-body", required_argument, NULL, OPT_MAXBODY},
    {"max-batch-body", required_argument, NULL, OPT_MAXBATCH},
    {"max-steps", required_argument, NULL, OPT_STEPS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"reload", required_argument, NULL, OPT_RELOAD},
    {"quiet", no_argument, NULL, 'q'},
    {"lang", required_argument, NULL, OPT_LANG},
    {NULL, 0, NULL, 0},
};

/* A whole number 0..max (cli_count takes 1..max). */
static bool count0(const char *opt, const char *val, uint64_t max, uint64_t *out)
{
    if (!strcmp(val, "0")) {
        *out = 0;
        return true;
    }
    return cli_count("polserve", opt, val, max, out);
}

int main(int argc, char **argv)
{
    cli_std_fds();
    pol_lang_set(pol_lang_from_env()); /* the locale variables; --lang overrides */
    if (cli_lang_option("polserve", argc, argv) >= 0)
        return CLI_USAGE;
    const char *dir = NULL, *bind_addr = "127.0.0.1";
    uint64_t port = 8080, threads = 0, maxconn = 256, reload = 1, v;
    server sv = {.log = true};
    srv_default_limits(&sv.lim);
    int opt;
    while ((opt = cli_getopt("polserve", argc, argv, "-:hq", long_options)) != -1) {
        switch (opt) {
        case 1:
            if (dir) {
                pol_tr_fprintf(stderr, "polserve: unexpected argument %s\n", optarg);
                return CLI_USAGE;
            }
            dir = optarg;
            break;
        case 'h': usage(stdout); return cli_finish("polserve", 0);
        case OPT_VERSION: cli_print_version("polserve"); return cli_finish("polserve", 0);
        case 'q': sv.log = false; break;
        case OPT_PORT: if (!count0("--port", optarg, 65535, &port)) return CLI_USAGE; break;
        case OPT_BIND: bind_addr = optarg; break;
        case OPT_THREADS: if (!cli_count("polserve", "--threads", optarg, 256, &threads)) return CLI_USAGE; break;
        case OPT_MAXCONN: if (!cli_count("polserve", "--max-connections", optarg, 65536, &maxconn)) return CLI_USAGE; break;
        case OPT_MAXBODY:
            if (!cli_count("polserve", "--max-body", optarg, (uint64_t)1 << 30, &v)) return CLI_USAGE;
            sv.lim.max_body = sv.lim.max_record = (size_t)v;
            break;
        case OPT_MAXBATCH:
            if (!cli_count("polserve", "--max-batch-body", optarg, (uint64_t)1 << 32, &v)) return CLI_USAGE;
            sv.lim.max_batch_body = (size_t)v;
            break;
        case OPT_STEPS: if (!cli_count("polserve", "--max-steps", optarg, UINT64_MAX, &sv.lim.max_steps)) return CLI_USAGE; break;
        case OPT_TIMEOUT:
            if (!cli_count("polserve", "--timeout", optarg, 86400, &v)) return CLI_USAGE;
            sv.lim.timeout = (unsigned)v;
            break;
        case OPT_LANG: if (!cli_lang_value("polserve", optarg)) return CLI_USAGE; break;
        case OPT_RELOAD: if (!count0("--reload", optarg, 86400, &reload)) return CLI_USAGE; break;
        default: usage(stderr); return CLI_USAGE;
        }
    }
    for (; optind < argc; optind++) {
        if (dir) {
            pol_tr_fprintf(stderr, "polserve: unexpected argument %s\n", argv[optind]);
            return CLI_USAGE;
        }
        dir = argv[optind];
    }
    if (!dir) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (access(dir, R_OK | X_OK) != 0) {
        pol_tr_fprintf(stderr, "polserve: %s: %s\n", dir, strerror(errno));
        return CLI_NOINPUT;
    }
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 2 ? 2 : n > 64 ? 64 : (uint64_t)n;
    }

    /* Signals are taken by sigtimedwait in the main thread only: blocked
     * before any thread starts, so every thread inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    sv.s = srv_new(dir, &sv.lim, true);
    size_t npol = srv_scan(sv.s);

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    socklen_t sl;
    if (strchr(bind_addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) != 1) {
            pol_tr_fprintf(stderr, "polserve: --bind: '%s' is not an IPv4 or IPv6 address\n", bind_addr);
            return CLI_USAGE;
        }
        flags |= MHD_USE_IPv6;
        sl = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) != 1) {
            pol_tr_fprintf(stderr, "polserve: --bind: '%s' is not an IPv4 or IPv6 address\n", bind_addr);
            return CLI_USAGE;
        }
        sl = sizeof *a4;
    }
    (void)sl;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, &sv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)maxconn,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)sv.lim.timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, /* request line and headers */
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)maxconn,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv,
        MHD_OPTION_END);
    if (!d) {
        pol_tr_fprintf(stderr, "polserve: cannot listen on %s port %llu: %s\n", bind_addr, (unsigned long long)port,
                strerror(errno));
        srv_free(sv.s);
        return EX_UNAVAILABLE;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned real_port = di ? di->port : (unsigned)port;
    pol_tr_fprintf(stderr, "polserve: serving %zu policies from %s on http://%s%s%s:%u/\n", npol, dir,
            strchr(bind_addr, ':') ? "[" : "", bind_addr, strchr(bind_addr, ':') ? "]" : "", real_port);
    fflush(stderr);

    for (;;) {
        struct timespec wait = {reload ? (time_t)reload : 3600, 0};
        siginfo_t si;
        int sig = sigtimedwait(&sigs, &si, &wait);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (sig == SIGHUP || (sig < 0 && errno == EAGAIN && reload))
            srv_scan(sv.s);
    }
    pol_tr_fprintf(stderr, "polserve: stopping: no new connections, waiting for requests in flight\n");
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    for (int i = 0; i < 1000 && atomic_load(&sv.inflight) > 0; i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    MHD_stop_daemon(d);
    srv_free(sv.s);
    pol_tr_fprintf(stderr, "polserve: stopped\n");
    return 0;
}
