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

#endif
