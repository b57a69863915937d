/* check_vocab.c -- the checker's view of the vocabularies (check_int.h):
 * word lists generated from the rows of compiler/vocab.h and runtime/types.h,
 * in the order suggestions prefer and messages list them. */
#include "check_int.h"

#include <string.h>

#include "caldate.h"
#include "vocab.h"

#define W_FN(id, en, zh, n, a0, a1, a2, ret, chk, cg, op) {en, FN_##id, en}, {zh, FN_##id, NULL},
static const vocab_word builtin_words[] = {POL_BUILTINS(W_FN)};
#define W_AGG(id, en, zh, ret, chk, init, step, op, empty) {en, AGG_##id, en}, {zh, AGG_##id, NULL},
static const vocab_word aggregate_words[] = {POL_AGGREGATES(W_AGG)};
#define W_MODE(mode, en, zh, zh2, listed) {en, mode, (listed) ? en " " zh : en}, {zh, mode, NULL}, {zh2, mode, NULL},
static const vocab_word mode_words[] = {POL_ROUND_MODES(W_MODE)};
#define W_TYPE(id, en, zh, en2, zh2, listed) \
    {en, PT_##id, (listed) ? en : NULL}, {zh, PT_##id, NULL}, {en2, PT_##id, NULL}, {zh2, PT_##id, NULL},
static const vocab_word type_words[] = {POL_TYPE_SPELLINGS(W_TYPE)};
/* English keys first, then Chinese ones */
#define W_KEY_EN(en, zh) {en, 0, en},
#define W_KEY_ZH(en, zh) {zh, 0, NULL},
static const vocab_word header_words[] = {POL_HEADER_KEYS(W_KEY_EN) POL_HEADER_KEYS(W_KEY_ZH)};
#define W_END(rule, en, zh) {en, rule, en " " zh}, {zh, rule, NULL},
static const vocab_word month_end_words[] = {POL_MONTH_ENDS(W_END)};

#define VOCAB(words) {words, sizeof words / sizeof *words}
const vocab chk_builtins = VOCAB(builtin_words), chk_aggregates = VOCAB(aggregate_words), chk_modes = VOCAB(mode_words),
            chk_types = VOCAB(type_words), chk_header_keys = VOCAB(header_words), chk_month_ends = VOCAB(month_end_words);

int chk_vocab_find(const vocab *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->words[i].name && strcmp(v->words[i].name, name) == 0)
            return v->words[i].value;
    return -1;
}

const char *chk_vocab_suggest(const vocab *v, const char *name)
{
    const char *cands[128];
    size_t n = 0;
    for (size_t i = 0; i < v->n && n < sizeof cands / sizeof *cands; i++)
        if (v->words[i].name)
            cands[n++] = v->words[i].name;
    return chk_suggest(name, cands, n);
}

const char *chk_vocab_listing(const vocab *v, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (!v->words[i].listed)
            continue;
        int k = snprintf(buf + at, cap - at, "%s%s", at ? ", " : "", v->words[i].listed);
        if (k < 0 || (size_t)k >= cap - at)
            break;
        at += (size_t)k;
    }
    return buf;
}

CHK_NOINLINE void chk_vocab_unknown(chk_ctx *c, const ast_expr *e, const vocab *v, diag_code code, const char *what,
                                    const char *kind)
{
    const char *s = e->kind == EX_NAME ? chk_vocab_suggest(v, e->text) : NULL;
    char list[200];
    if (s)
        REPORT(e->sp, code, "unknown %s '%s'; did you mean '%s'?", what, e->text, s);
    else
        REPORT(e->sp, code, "unknown %s (%s: %s)", what, kind, chk_vocab_listing(v, list, sizeof list));
}

/* The names pol_type_name gives, as fragments: each row must spell its
 * type's name exactly (chk_type_frag falls back to the plain name if not). */
static const char *const type_frags[PT__COUNT] = {
    [PT_VOID] = FRAG("void"),     [PT_BOOL] = FRAG("boolean"), [PT_INT] = FRAG("integer"),
    [PT_DEC] = FRAG("decimal"),   [PT_RATE] = FRAG("rate"),    [PT_MONEY] = FRAG("money"),
    [PT_DATE] = FRAG("date"),     [PT_MONTH] = FRAG("month"),  [PT_TEXT] = FRAG("text"),
    [PT_ENUM] = FRAG("enum"),     [PT_RECORD] = FRAG("record"), [PT_LIST] = FRAG("list"),
    [PT_MONTHS] = FRAG("months"), [PT_DAYS] = FRAG("days"),    [PT_ROUNDING] = FRAG("rounding"),
};

const char *chk_type_frag(pol_type t)
{
    const char *name = pol_type_name(t);
    if ((unsigned)t < PT__COUNT && type_frags[t] && strcmp(type_frags[t] + 1, name) == 0)
        return type_frags[t];
    return name;
}
