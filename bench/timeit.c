/* timeit.c -- run a command R times, report wall time and peak memory.
 *
 *   bench_timeit [-r R] [-q] -- COMMAND [ARGS...]
 *
 * Prints one line: "min_ns median_ns max_rss_kib" over R runs (default 1).
 * -q sends the command's standard output to /dev/null.  Exits 1 (printing
 * nothing on stdout) if any run fails, with the command's exit status on
 * stderr.  Times are integer nanoseconds from CLOCK_MONOTONIC around fork
 * and wait, so they include process start, loading and exit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; /* not an amount */
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int reps = 1, i = 1;
    int quiet = 0;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else
            break;
    }
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc || reps < 1 || reps > 10000) {
        fputs("usage: bench_timeit [-r R] [-q] -- COMMAND [ARGS...]\n", stderr);
        return 64;
    }
    char **cmd = argv + i + 1;
    long long *ns = calloc((size_t)reps, sizeof *ns); /* not an amount */
    long maxrss = 0;
    if (!ns)
        return 70;
    for (int r = 0; r < reps; r++) {
        long long t0 = now_ns(); /* not an amount */
        pid_t pid = fork();
        if (pid < 0) {
            perror("bench_timeit: fork");
            return 70;
        }
        if (pid == 0) {
            if (quiet) {
                int fd = open("/dev/null", O_WRONLY);
                if (fd >= 0)
                    dup2(fd, 1);
            }
            execvp(cmd[0], cmd);
            perror(cmd[0]);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) < 0) {
            perror("bench_timeit: wait");
            return 70;
        }
        ns[r] = now_ns() - t0; /* not an amount */
        struct rusage ru; /* the largest of the children waited for so far */
        if (getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_maxrss > maxrss)
            maxrss = ru.ru_maxrss;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "bench_timeit: %s exited with status %d\n", cmd[0], WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            return 1;
        }
    }
    qsort(ns, (size_t)reps, sizeof *ns, cmp_ll);
    printf("%lld %lld %ld\n", ns[0], ns[reps / 2], maxrss);
    free(ns);
    return 0;
}
