/* file.c -- the one file reader (file.h). */
#include "file.h"
#include "lang.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

char *pol_read_file(const char *path, size_t limit, size_t *len)
{
    return pol_read_file_head(path, limit, NULL, 0, len);
}

char *pol_read_file_head(const char *path, size_t limit, const void *head, size_t headlen, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) { /* not /dev/zero, not a pipe */
        int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        close(fd);
        errno = e;
        return NULL;
    }
    if ((unsigned long long)st.st_size > limit) { /* no need to read it */
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    /* cap counts the buffer's bytes, one kept for the NUL; the file may
     * grow while it is read, so read until end of file or past the limit. */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    char *buf = pol_xmalloc(cap);
    for (;;) {
        if (n + 1 == cap) {
            if (n > limit) {
                free(buf);
                close(fd);
                errno = EFBIG;
                return NULL;
            }
            POL_GROW(buf, cap, cap + 1);
        }
        size_t want = cap - 1 - n;
        if (head && n < headlen && want > headlen - n)
            want = headlen - n; /* the head first, before the rest is read */
        ssize_t got = read(fd, buf + n, want);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e ? e : EIO;
            return NULL;
        }
        if (got == 0)
            break;
        size_t before = n;
        n += (size_t)got;
        if (head && before < headlen) { /* the first bytes are in: refuse a stranger now */
            size_t k = n < headlen ? n : headlen;
            if (memcmp(buf, head, k) != 0) {
                free(buf);
                close(fd);
                errno = EILSEQ;
                return NULL;
            }
        }
    }
    close(fd);
    if (n > limit) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

const char *pol_file_error(int e)
{
    switch (e) {
    case EINVAL: return N_("not a regular file (a device, a pipe or a socket)");
    case EFBIG: return N_("too large");
    case EILSEQ: return N_("not a pol bytecode file (bad magic)");
    default: return strerror(e);
    }
}
