/* file.h -- the one file reader, for policy sources, compiled policies and
 * scenario files.  Only regular files are read (never a FIFO, a device or a
 * directory: a FIFO is opened without blocking, then refused), and never past
 * `limit` bytes.  Shares its contract with runtime/file.c.
 */
#ifndef POL_FILE_H
#define POL_FILE_H

#include <stddef.h>

#define POL_SOURCE_LIMIT ((size_t)16 << 20)   /* a .pol source: 16 MiB        */
#define POL_PROGRAM_LIMIT ((size_t)1 << 30)   /* a compiled .polc: 1 GiB      */

/* Reads the whole regular file at `path` into a new NUL-terminated buffer
 * (free() it) and stores its length.  On failure returns NULL with errno set
 * (ENOENT and the like from open, EISDIR for a directory, EINVAL for
 * anything else that is not a regular file, EFBIG over `limit`, EIO). */
char *pol_read_file(const char *path, size_t limit, size_t *len);

/* pol_read_file() for a file that must start with `head` (headlen bytes):
 * as soon as its first bytes have been read and differ, it stops with
 * EILSEQ, so a gigabyte of something else is refused after a few bytes.  A
 * file shorter than head whose bytes match is returned (the caller then
 * says it is truncated). */
char *pol_read_file_head(const char *path, size_t limit, const void *head, size_t headlen, size_t *len);

/* What pol_read_file()'s errno means, in words for a message: its own
 * EINVAL (not a regular file) and EILSEQ (bad magic), strerror() for the
 * rest ("No such file or directory", "Is a directory", ...). */
const char *pol_file_error(int e);

#endif
