/* serve_load.c -- a bounded load run against polserve (bench/serve.sh):
 * C connections, each a thread with one keep-alive HTTP/1.1 connection,
 * send N POST requests in all, and every reply must be 200 and hold EXPECT.
 * Prints the latency p50/p90/p99/max and the throughput; exits 1 if any
 * request failed (a connection error, another status, an unexpected body).
 *
 *   serve_load PORT PATH BODYFILE EXPECT N C
 *
 * Latencies are wall-clock durations, not amounts. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *path, *expect;
static char *body;
static size_t body_len;
static long total;
static atomic_long next_req, failures;
static double *lat; /* seconds per request, not an amount */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9; /* not an amount */
}

static int connect_one(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* Reads one reply (Content-Length or chunked) into buf; its status, or -1. */
static int read_reply(int fd, char **buf, size_t *cap, size_t *blen)
{
    size_t len = 0;
    char *hend = NULL;
    for (;;) {
        if (len + 4096 > *cap) {
            *cap = (*cap + 4096) * 2;
            *buf = realloc(*buf, *cap);
        }
        ssize_t k = recv(fd, *buf + len, *cap - len - 1, 0);
        if (k <= 0)
            return -1;
        len += (size_t)k;
        (*buf)[len] = 0;
        if (!hend && (hend = strstr(*buf, "\r\n\r\n")) != NULL)
            hend += 4;
        if (hend) {
            const char *cl = strcasestr(*buf, "\r\nContent-Length:");
            if (cl && cl < hend) {
                size_t want = (size_t)strtoull(cl + 17, NULL, 10);
                if (len - (size_t)(hend - *buf) >= want) {
                    *blen = want;
                    break;
                }
            } else if (strstr(hend, "\r\n0\r\n\r\n") || !strncmp(hend, "0\r\n\r\n", 5)) {
                *blen = len - (size_t)(hend - *buf);
                break;
            }
        }
    }
    int status = 0;
    if (sscanf(*buf, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    memmove(*buf, hend, *blen);
    (*buf)[*blen] = 0;
    return status;
}

static void *worker(void *arg)
{
    (void)arg;
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n", path, body_len);
    char *buf = NULL;
    size_t cap = 0, blen;
    int fd = -1;
    long i;
    while ((i = atomic_fetch_add(&next_req, 1)) < total) {
        double t0 = now();
        bool ok = false;
        for (int attempt = 0; attempt < 2 && !ok; attempt++) { /* a closed keep-alive connection: reconnect once */
            if (fd < 0 && (fd = connect_one()) < 0)
                break;
            if (send_all(fd, head, (size_t)hl) && send_all(fd, body, body_len)) {
                int st = read_reply(fd, &buf, &cap, &blen);
                if (st == 200 && strstr(buf, expect)) {
                    ok = true;
                    break;
                }
                if (st > 0) { /* a reply, but the wrong one: a failure, not a retry */
                    fprintf(stderr, "serve_load: status %d: %.200s\n", st, buf);
                    break;
                }
            }
            close(fd);
            fd = -1;
        }
        lat[i] = now() - t0;
        if (!ok)
            atomic_fetch_add(&failures, 1);
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: serve_load PORT PATH BODYFILE EXPECT N C\n");
        return 64;
    }
    port = atoi(argv[1]);
    path = argv[2];
    expect = argv[4];
    total = atol(argv[5]);
    int conc = atoi(argv[6]);
    FILE *f = fopen(argv[3], "rb");
    if (!f || total <= 0 || conc <= 0 || conc > 1024) {
        fprintf(stderr, "serve_load: bad arguments\n");
        return 64;
    }
    body = malloc(1 << 20);
    body_len = fread(body, 1, 1 << 20, f);
    fclose(f);
    lat = calloc((size_t)total, sizeof *lat);
    pthread_t *t = calloc((size_t)conc, sizeof *t);
    double t0 = now();
    for (int k = 0; k < conc; k++)
        pthread_create(&t[k], NULL, worker, NULL);
    for (int k = 0; k < conc; k++)
        pthread_join(t[k], NULL);
    double wall = now() - t0;
    qsort(lat, (size_t)total, sizeof *lat, cmp);
#define PCT(p) (lat[(size_t)((double)(total - 1) * (p))] * 1e3)
    printf("requests %ld, connections %d, failed %ld\n", total, conc, (long)failures);
    printf("wall %.3f s, throughput %.0f requests/s\n", wall, (double)total / wall);
    printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", PCT(0.50), PCT(0.90), PCT(0.99), lat[total - 1] * 1e3);
    free(lat);
    free(t);
    free(body);
    return failures ? 1 : 0;
}
