/* compile.c -- the compiler driver: parse, check, generate (compile.h). */
#include "compile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "typecheck.h"
#include "codegen.h"

bc_program *pol_compile(const char *name, const char *text, size_t len, diag_ctx *d, src_file **srcp)
{
    *srcp = NULL;
    src_file *f = src_new(name, text, len);
    if (!f) {
        diag_report(d, DIAG_ERROR, NULL, (span){0, 0}, "limit", "%s: source larger than 16 MiB", name);
        return NULL;
    }
    *srcp = f;
    if (memchr(text, 0, len)) {
        uint32_t at = (uint32_t)((const char *)memchr(text, 0, len) - text);
        diag_report(d, DIAG_ERROR, f, (span){at, at + 1}, "lex", "NUL byte in the source");
        return NULL;
    }
    arena a;
    arena_init(&a);
    bc_program *p = NULL;
    ast_policy *tree = pol_parse(&a, d, f);
    if (tree && d->errors == 0) {
        chk_result r;
        if (chk_policy(&a, d, f, tree, &r) && d->errors == 0)
            p = cg_program(f, tree, &r);
    }
    arena_free(&a);
    return p;
}

char *pol_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(fp);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (n < cap) {
            if (ferror(fp)) {
                int e = errno;
                free(buf);
                fclose(fp);
                errno = e ? e : EIO;
                return NULL;
            }
            break;
        }
        if (cap > ((size_t)1 << 30)) {
            free(buf);
            fclose(fp);
            errno = EFBIG;
            return NULL;
        }
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            fclose(fp);
            errno = ENOMEM;
            return NULL;
        }
        buf = nb;
    }
    fclose(fp);
    buf[n] = 0;
    *len = n;
    return buf;
}
