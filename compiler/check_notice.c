/* check_notice.c -- the header's `notice` key: the notice files a policy
 * transcribes, looked up in the notices directory (docs/language.md, "The
 * header").  The directory is $POL_NOTICES_DIR if set, else the first
 * `shared/notices` found in the policy's directory or a directory above it
 * (in a checkout: `../shared/notices` beside the repository).  No directory:
 * nothing is checked, so a clone without the notices passes; a directory
 * without a named file: a warning.  Shares check_int.h with the checker. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "check_int.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The policy's directory as written, `up` levels higher, lexically
 * ("policies/weinan" 3 up: ".."), into out. */
static void lexical_up(const char *policy, int up, char *out, size_t n)
{
    const char *slash = strrchr(policy, '/');
    size_t len = slash ? (size_t)(slash - policy) + (slash == policy) : 0;
    snprintf(out, n, "%.*s", (int)len, policy);
    for (int i = 0; i < up; i++) {
        char *s = strrchr(out, '/');
        const char *last = s ? s + 1 : out;
        if (*last && strcmp(last, "..") && strcmp(last, "."))
            *(s ? (s == out ? s + 1 : s) : out) = '\0';
        else if (strcmp(out, "/") != 0) {
            size_t l = strlen(out);
            snprintf(out + l, n - l, "%s..", l ? "/" : "");
        }
    }
}

/* The notices directory for the policy file `policy` into dir (to open) and
 * shown (to print); false: none, so nothing is checked. */
static bool notices_dir(const char *policy, char *dir, char *shown, bool *from_env)
{
    const char *env = getenv("POL_NOTICES_DIR");
    *from_env = env && *env;
    if (*from_env) {
        snprintf(dir, PATH_MAX, "%s", env);
        snprintf(shown, PATH_MAX, "%s", env);
        return is_dir(dir);
    }
    char real[PATH_MAX];
    if (!realpath(policy, real))
        return false; /* not a file (standard input, a library caller's name) */
    *strrchr(real, '/') = '\0';
    for (int up = 0;; up++) {
        /* a path too long to exist is not looked up; its parents may be */
        if (snprintf(dir, PATH_MAX, "%s/shared/notices", real) < PATH_MAX && is_dir(dir)) {
            lexical_up(policy, up, shown, PATH_MAX);
            size_t l = strlen(shown);
            snprintf(shown + l, PATH_MAX - l, "%sshared/notices", l && shown[l - 1] != '/' ? "/" : "");
            return true;
        }
        char *s = strrchr(real, '/');
        if (!s)
            return false; /* the root's parent was searched */
        *s = '\0';
    }
}

/* The file in dir that shares the longest prefix (at least 3 bytes) with
 * name, if one alone does, into out. */
static bool closest_notice(const char *dir, const char *name, char *out, size_t n)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return false;
    size_t best = 2;
    int ties = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        size_t k = 0;
        while (name[k] && name[k] == e->d_name[k])
            k++;
        if (k > best) {
            best = k, ties = 1;
            snprintf(out, n, "%s", e->d_name);
        } else if (k == best && ties)
            ties++;
    }
    closedir(dp);
    return ties == 1;
}

void chk_notice(chk_ctx *c, const ast_meta *m)
{
    if (m->value->kind != EX_STR)
        return;
    char dir[PATH_MAX], shown[PATH_MAX];
    bool from_env;
    if (!notices_dir(c->f->name, dir, shown, &from_env))
        return;
    /* one or more file names, separated by commas */
    for (const char *s = m->value->text;;) {
        while (*s == ' ' || *s == ',')
            s++;
        if (!*s)
            break;
        size_t len = strcspn(s, ",");
        while (len && s[len - 1] == ' ')
            len--;
        char name[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2], near[NAME_MAX + 1];
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        /* the name itself when the literal has no escapes, else the literal */
        span sp = m->value->sp;
        const char *text = m->value->text;
        if (sp.end - sp.start == strlen(text) + 2)
            sp = (span){sp.start + 1 + (uint32_t)(s - text), sp.start + 1 + (uint32_t)(s - text + len)};
        struct stat st;
        if (len > NAME_MAX || strchr(name, '/') || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (closest_notice(dir, name, near, sizeof near))
                REPORT(sp, DC_UNKNOWN_NOTICE, "no notice '%s' in %s; did you mean '%s'?", name, shown, near);
            else
                REPORT(sp, DC_UNKNOWN_NOTICE,
                       "no notice '%s' in %s (the notices directory%s)", name, shown,
                       from_env ? " POL_NOTICES_DIR names" : "; POL_NOTICES_DIR names another");
        }
        s += strcspn(s, ",");
    }
}
