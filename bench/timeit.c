/* timeit.c -- run a command R times, report wall time, CPU time and peak
 * memory.
 *
 *   bench_timeit [-r R] [-q] [-d FILE] [-x STATUS] -- COMMAND [ARGS...]
 *
 * Prints one line over R runs (default 1):
 *
 *   min_wall_ns median_wall_ns max_rss_kib min_cpu_ns
 *
 * Wall times are integer nanoseconds from CLOCK_MONOTONIC around fork and
 * wait, so they include process start, loading and exit; CPU time is the
 * child's user + system time (getrusage), which other load on the machine
 * disturbs less.  -q sends the command's standard output to /dev/null; -d
 * removes FILE before each run (so that a run does not pay for truncating
 * the last run's output).  Exits 1 (printing nothing on stdout) if any run
 * fails, with the command's exit status on stderr; -x names one more exit
 * status that counts as success (polrun exits 1 when some record is an
 * error record, as the mixed benchmark's are meant to be).
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

static long long cpu_ns(const struct rusage *ru)
{
    return ((long long)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000LL +
           ((long long)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000LL; /* not an amount */
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
    const char *remove_first = NULL;
    int also_ok = 0;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc)
            remove_first = argv[++i];
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else if (!strcmp(argv[i], "-x") && i + 1 < argc)
            also_ok = atoi(argv[++i]);
        else
            break;
    }
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc || reps < 1 || reps > 10000) {
        fputs("usage: bench_timeit [-r R] [-q] [-d FILE] [-x STATUS] -- COMMAND [ARGS...]\n", stderr);
        return 64;
    }
    char **cmd = argv + i + 1;
    long long *ns = calloc((size_t)reps, sizeof *ns); /* not an amount */
    long long min_cpu = -1, cpu_before = 0;           /* not an amount */
    long maxrss = 0;
    if (!ns)
        return 70;
    for (int r = 0; r < reps; r++) {
        if (remove_first)
            unlink(remove_first);
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
        struct rusage ru; /* totals (and the largest) of the children waited for so far */
        if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
            if (ru.ru_maxrss > maxrss)
                maxrss = ru.ru_maxrss;
            long long cpu = cpu_ns(&ru) - cpu_before; /* not an amount */
            cpu_before += cpu;
            if (min_cpu < 0 || cpu < min_cpu)
                min_cpu = cpu;
        }
        if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != also_ok)) {
            fprintf(stderr, "bench_timeit: %s exited with status %d\n", cmd[0], WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            return 1;
        }
    }
    qsort(ns, (size_t)reps, sizeof *ns, cmp_ll);
    printf("%lld %lld %ld %lld\n", ns[0], ns[reps / 2], maxrss, min_cpu);
    free(ns);
    return 0;
}
