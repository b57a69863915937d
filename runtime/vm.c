/* vm.c -- the stack machine that evaluates rules (see vm.h, opcodes.h).
 *
 * One dispatch loop.  Rule calls do not recurse on the C stack: RULE pushes a
 * frame (return pc, rule) and jumps to the callee's entry; RET memoises the
 * value and resumes the caller.  Values carry their type tag and each opcode
 * checks the tags it needs, so a hostile program gets an error, not a crash.
 * Numbers are dec_t slots initialised once and reused: no allocation per
 * instruction while values fit the decimal fast path.
 */
#include "vm.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bciter.h"
#include "caldate.h"
#include "lang.h"
#include "mem.h"

#define xcalloc pol_xcalloc

/* ---- the scenario heap ---- */
struct vm_heap_block {
    struct vm_heap_block *next;
    size_t nvals;
    vm_list list;
    vm_val vals[];
};

#define VM_HEAP_DEFAULT_LIMIT ((size_t)256 << 20)
#define VM_HEAP_CHUNK ((size_t)64 << 10)
#define VM_HEAP_KEEP ((size_t)4 << 20)

/* Blocks are cut from chunks of 64 KiB (a larger block gets a chunk of
 * its own): a scenario's records, one block each, were a malloc each, and
 * a history of hundreds of payments spent more time in malloc and free
 * than in reading them.  A reset keeps up to 4 MiB of chunks, emptied, for
 * the next scenario: the memory stays flat, and a timeline's list of 480
 * months does not go back to the system each time. */
struct vm_heap_chunk {
    struct vm_heap_chunk *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

/* A chunk with room for `cut` bytes: the smallest spare one large enough, or a new one. */
static struct vm_heap_chunk *heap_chunk(vm_heap *h, size_t cut)
{
    struct vm_heap_chunk **best = NULL;
    for (struct vm_heap_chunk **pc = &h->spare; *pc; pc = &(*pc)->next)
        if ((*pc)->size >= cut && (!best || (*pc)->size < (*best)->size))
            best = pc;
    if (best) {
        struct vm_heap_chunk *c = *best;
        *best = c->next;
        return c;
    }
    size_t size = cut > VM_HEAP_CHUNK ? cut : VM_HEAP_CHUNK;
    struct vm_heap_chunk *c = pol_xmalloc(sizeof *c + size);
    c->size = size;
    c->used = 0;
    return c;
}

static struct vm_heap_block *heap_block(vm_heap *h, size_t nvals)
{
    size_t limit = h->limit ? h->limit : VM_HEAP_DEFAULT_LIMIT;
    if (nvals > limit / sizeof(vm_val))
        return NULL;
    size_t bytes = sizeof(struct vm_heap_block) + nvals * sizeof(vm_val);
    if (h->bytes + bytes > limit)
        return NULL;
    size_t cut = (bytes + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    struct vm_heap_chunk *c = h->chunks;
    if (!c || c->size - c->used < cut) {
        c = heap_chunk(h, cut);
        if (h->chunks && c->size - cut < h->chunks->size - h->chunks->used) {
            /* this block nearly fills its chunk: behind the current one, which stays first */
            c->next = h->chunks->next;
            h->chunks->next = c;
        } else {
            c->next = h->chunks;
            h->chunks = c;
        }
    }
    struct vm_heap_block *b = (struct vm_heap_block *)(c->data + c->used);
    c->used += cut;
    memset(b, 0, bytes); /* zero: VOID values, and decimals as dec_init leaves them */
    b->nvals = nvals;
    b->next = h->blocks;
    h->blocks = b;
    h->bytes += bytes;
    return b;
}

vm_val *vm_heap_vals(vm_heap *h, size_t n)
{
    struct vm_heap_block *b = heap_block(h, n);
    return b ? b->vals : NULL;
}

char *vm_heap_bytes(vm_heap *h, size_t n)
{
    size_t nvals = (n + sizeof(vm_val) - 1) / sizeof(vm_val);
    struct vm_heap_block *b = heap_block(h, nvals);
    if (!b)
        return NULL;
    for (size_t i = 0; i < b->nvals; i++)
        dec_clear(&b->vals[i].d);
    b->nvals = 0; /* raw bytes from here on: nothing to clear */
    return (char *)b->vals;
}

vm_list *vm_heap_list(vm_heap *h)
{
    struct vm_heap_block *b = heap_block(h, 0);
    return b ? &b->list : NULL;
}

/* Forgets every block; keep: up to VM_HEAP_KEEP bytes of chunks stay, emptied, as spares. */
/* (vm_reset calls it only when the scenario made a record or a list) */
static void heap_free(vm_heap *h, bool keep)
{
    for (struct vm_heap_block *b = h->blocks; b; b = b->next)
        for (size_t i = 0; i < b->nvals; i++)
            if (b->vals[i].d.kind != DEC_K_SMALL)
                dec_clear(&b->vals[i].d);
    size_t kept = 0;
    for (struct vm_heap_chunk *c = h->spare; c; c = c->next)
        kept += c->size;
    for (struct vm_heap_chunk *c = h->chunks, *n; c; c = n) {
        n = c->next;
        if (keep && kept + c->size <= VM_HEAP_KEEP) {
            kept += c->size;
            c->used = 0;
            c->next = h->spare;
            h->spare = c;
        } else
            free(c);
    }
    h->chunks = NULL;
    if (!keep) {
        for (struct vm_heap_chunk *c = h->spare, *n; c; c = n) {
            n = c->next;
            free(c);
        }
        h->spare = NULL;
    }
    h->blocks = NULL;
    h->bytes = 0;
}

bool vm_list_append(vm_heap *h, vm_list *l, const vm_val *v)
{
    if (l->n == l->cap) {
        uint32_t nc = (uint32_t)pol_grow_to(l->cap, (size_t)l->n + 1, 8, sizeof(vm_val), UINT32_MAX);
        vm_val *items = vm_heap_vals(h, nc);
        if (!items)
            return false;
        for (uint32_t i = 0; i < l->n; i++)
            vm_copy_val(&items[i], &l->items[i]);
        l->items = items;
        l->cap = nc;
    }
    vm_copy_val(&l->items[l->n++], v);
    return true;
}

/* ---- function memo: pure functions, cached by their arguments ---- */
#define VM_MEMO_ARGS 4
#define VM_MEMO_MAX (1u << 20)

typedef struct vm_memo {
    uint32_t rule, used;
    uint64_t key[VM_MEMO_ARGS];
    vm_val val;
} vm_memo;

/* A key for an argument, or false when the value cannot be a key cheaply. */
static bool memo_key(const vm_val *v, uint64_t *k)
{
    int64_t n;
    switch (v->t) {
    case PT_BOOL: case PT_DATE: case PT_MONTH: case PT_ENUM:
        *k = (uint64_t)v->t << 56 ^ (uint32_t)v->i;
        return true;
    case PT_RECORD: case PT_LIST: /* immutable within a scenario: identity is value */
        *k = (uint64_t)(uintptr_t)v->ref ^ (uint64_t)v->t << 56;
        return true;
    default:
        if (pol_type_numeric((pol_type)v->t) && v->d.kind == DEC_K_SMALL && dec_to_i64(&v->d, &n) && n > -(1LL << 40) &&
            n < (1LL << 40)) {
            *k = (uint64_t)PT_INT << 56 ^ (uint64_t)n;
            return true;
        }
        return false;
    }
}

/* The rule is mixed in before the first key: folded in together, rule r
 * at month m and rule r^1 at month m^1 hashed alike, and a timeline's
 * twelve functions of a month made clusters of a dozen. */
static uint32_t memo_hash(uint32_t rule, const uint64_t *key, uint32_t n)
{
    uint64_t h = (1469598103934665603ull ^ rule) * 1099511628211ull;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    h ^= h >> 33; /* the high bits into the low ones the table uses */
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static vm_memo *memo_find(vm_state *s, uint32_t rule, const uint64_t *key, uint32_t n, bool *found)
{
    *found = false;
    /* unreachable: memo_put grows the table before its first memo_find, and
     * OP_CALL looks up only when memo_n > 0 */
    if (!s->memo_cap) /* GCOVR_EXCL_BR_LINE */
        return NULL;
    for (uint32_t i = memo_hash(rule, key, n) & (s->memo_cap - 1);; i = (i + 1) & (s->memo_cap - 1)) {
        vm_memo *m = &s->memo[i];
        if (m->used != s->memo_gen)
            return m;
        if (m->rule == rule && memcmp(m->key, key, sizeof *key * n) == 0) {
            *found = true;
            return m;
        }
    }
}

static inline void copy_val(vm_val *dst, const vm_val *src);

static void memo_put(vm_state *s, uint32_t rule, const uint64_t *key, uint32_t n, const vm_val *v)
{
    if (s->memo_n + 1 > s->memo_cap / 2) {
        if (s->memo_cap >= VM_MEMO_MAX)
            return;
        uint32_t oc = s->memo_cap, nc = (uint32_t)pol_grow_to(oc, (size_t)oc + 1, 256, sizeof *s->memo, VM_MEMO_MAX);
        vm_memo *old = s->memo;
        s->memo = pol_xcalloc(nc, sizeof *s->memo);
        s->memo_cap = nc;
        for (uint32_t i = 0; i < nc; i++)
            dec_init(&s->memo[i].val.d);
        for (uint32_t i = 0; i < oc; i++) {
            if (old[i].used == s->memo_gen) {
                bool f;
                vm_memo *m = memo_find(s, old[i].rule, old[i].key, VM_MEMO_ARGS, &f);
                m->used = s->memo_gen;
                m->rule = old[i].rule;
                memcpy(m->key, old[i].key, sizeof m->key);
                copy_val(&m->val, &old[i].val);
            }
            dec_clear(&old[i].val.d);
        }
        free(old);
    }
    bool found;
    vm_memo *m = memo_find(s, rule, key, VM_MEMO_ARGS, &found);
    /* !m is unreachable: the table is at most half full, so memo_find
     * always finds a free slot; `found` is tested (test_cover_vm.c) */
    if (!m || found)
        return;
    m->used = s->memo_gen;
    m->rule = rule;
    memcpy(m->key, key, sizeof m->key);
    copy_val(&m->val, v);
    s->memo_n++;
    (void)n;
}

/* Keys for the n arguments at args[0..n) (unused slots zero); false if not all keyable. */
static bool memo_keys(const vm_val *args, uint32_t n, uint64_t *key)
{
    memset(key, 0, sizeof *key * VM_MEMO_ARGS);
    if (n > VM_MEMO_ARGS)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!memo_key(&args[i], &key[i]))
            return false;
    return true;
}

/* ---- dense memo: a one-argument function of a month, a date or an integer ----
 * A timeline's functions of a month are called at every month of the
 * history, each month reading the month before: their results, kept in
 * the hash table above, were scattered over a table larger than the
 * cache (twelve functions of 480 months, 96 bytes an entry).  Such a
 * function keeps its results in an array by argument instead, a window
 * [base, base + cap) that grows (doubling) to take an argument outside it
 * and moves to the first argument of each scenario; an entry is live when
 * its `used` is the scenario's generation, as in the hash table.  An
 * argument too far from the window (more than VM_DENSE_MAX entries) goes
 * to the hash table. */
#define VM_DENSE_MAX (1u << 16)
#define VM_DENSE_MIN 64u

typedef struct vm_dense {
    int64_t base;
    uint32_t cap, gen;  /* gen: the scenario the window was placed for */
    uint32_t *used;
    vm_val *val;
} vm_dense;

/* The dense index of a one-argument call's argument, or false. */
static inline bool dense_arg(const vm_val *v, int64_t *k)
{
    if (v->t == PT_MONTH || v->t == PT_DATE) {
        *k = v->i;
        return true;
    }
    return v->t == PT_INT && v->d.kind == DEC_K_SMALL && v->d.scale == 0 && (*k = v->d.coef, true);
}

static inline const vm_val *dense_find(const vm_state *s, uint32_t rule, const vm_val *arg)
{
    const vm_dense *d = s->dense ? s->dense[rule] : NULL;
    int64_t k;
    if (!d || d->gen != s->memo_gen || !dense_arg(arg, &k))
        return NULL;
    uint64_t i = (uint64_t)(k - d->base);
    return i < d->cap && d->used[i] == s->memo_gen ? &d->val[i] : NULL;
}


/* Puts v for rule(arg) in the dense memo; false when it belongs in the hash table. */
static bool dense_put(vm_state *s, uint32_t rule, const vm_val *arg, const vm_val *v)
{
    int64_t k;
    if (!dense_arg(arg, &k) || k < INT32_MIN || k > INT32_MAX)
        return false;
    if (!s->dense)
        s->dense = xcalloc(s->p->nrules, sizeof *s->dense);
    vm_dense *d = s->dense[rule];
    if (!d) {
        d = s->dense[rule] = xcalloc(1, sizeof *d);
        d->cap = VM_DENSE_MIN;
        d->used = xcalloc(d->cap, sizeof *d->used);
        d->val = xcalloc(d->cap, sizeof *d->val);
        for (uint32_t i = 0; i < d->cap; i++)
            dec_init(&d->val[i].d);
    }
    if (d->gen != s->memo_gen) { /* a new scenario: the window is empty, centre it on k */
        d->gen = s->memo_gen;
        d->base = k - d->cap / 2;
    }
    if (k < d->base || k - d->base >= d->cap) {
        int64_t lo = k < d->base ? k : d->base, hi = k - d->base >= d->cap ? k + 1 : d->base + d->cap;
        uint64_t need = (uint64_t)(hi - lo), nc = d->cap;
        while (nc < need)
            nc *= 2;
        if (nc > VM_DENSE_MAX)
            return false;
        /* room on the side that grew: a timeline walks on in the same direction */
        int64_t nb = k < d->base ? hi - (int64_t)nc : lo;
        uint32_t *used = xcalloc(nc, sizeof *used);
        vm_val *val = xcalloc(nc, sizeof *val);
        for (uint64_t i = 0; i < nc; i++)
            dec_init(&val[i].d);
        for (uint32_t i = 0; i < d->cap; i++) {
            if (d->used[i] == s->memo_gen) {
                uint64_t j = (uint64_t)(d->base + i - nb);
                used[j] = s->memo_gen;
                copy_val(&val[j], &d->val[i]);
            }
            dec_clear(&d->val[i].d);
        }
        free(d->used);
        free(d->val);
        d->used = used;
        d->val = val;
        d->cap = (uint32_t)nc;
        d->base = nb;
    }
    uint64_t i = (uint64_t)(k - d->base);
    if (d->used[i] != s->memo_gen) {
        d->used[i] = s->memo_gen;
        copy_val(&d->val[i], v);
        s->dense_n++;
    }
    return true;
}

static void dense_free(vm_state *s)
{
    if (!s->dense)
        return;
    for (uint32_t r = 0; r < s->p->nrules; r++) {
        vm_dense *d = s->dense[r];
        if (!d)
            continue;
        for (uint32_t i = 0; i < d->cap; i++)
            dec_clear(&d->val[i].d);
        free(d->used);
        free(d->val);
        free(d);
    }
    free(s->dense);
}

/* ---- KEYED: a list's records by one field, for `where p.F == x` ----
 * The first lookup of a list (by its identity: lists are immutable within
 * a scenario) on a field sorts (key, position) pairs once; each lookup is
 * then a binary search and a copy of the matches, in the list's order.  A
 * key that cannot be one (text, a fraction, a huge number) leaves the list
 * as it is: the aggregate's `where` still tests every element, so the
 * result is the same, only slower.  Freed by vm_reset. */
typedef struct { uint64_t key; uint32_t pos; } vm_keyent;
typedef struct vm_keyidx {
    const void *list;
    uint32_t g, f, w, n;
    bool whole;      /* some element's key could not be indexed */
    vm_keyent *ent;
    uint64_t last_key; /* the last lookup, and the list it found (NULL: none yet): */
    vm_list *last;     /* a timeline asks for a month's payment several times      */
} vm_keyidx;

static int keyent_cmp(const void *a, const void *b)
{
    const vm_keyent *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The key of field f of record r under transform w. */
static bool field_key(const vm_val *r, uint32_t g, uint32_t f, uint32_t w, const bc_program *p, uint64_t *k)
{
    if (r->t != PT_RECORD || r->tref != g || !r->ref || f >= p->records[g].nfields)
        return false;
    const vm_val *v = &((const vm_val *)r->ref)[f];
    int y, m, d;
    switch (w) {
    case 0: return memo_key(v, k);
    case 1:
        if (v->t != PT_DATE)
            return false;
        cd_to_ymd(v->i, &y, &m, &d);
        *k = (uint64_t)PT_MONTH << 56 ^ (uint32_t)(y * 12 + m - 1);
        return true;
    default:
        if (v->t == PT_DATE)
            cd_to_ymd(v->i, &y, &m, &d);
        else if (v->t == PT_MONTH)
            y = v->i / 12;
        else
            return false;
        *k = (uint64_t)PT_INT << 56 ^ (uint64_t)(int64_t)y;
        return true;
    }
}

static vm_keyidx *key_index(vm_state *s, const vm_list *l, uint32_t g, uint32_t f, uint32_t w)
{
    for (uint32_t i = 0; i < s->nkix; i++)
        if (s->kix[i].list == l && s->kix[i].g == g && s->kix[i].f == f && s->kix[i].w == w)
            return &s->kix[i];
    if (s->nkix == s->kixcap) {
        s->kixcap = s->kixcap ? s->kixcap * 2 : 8;
        s->kix = pol_xrealloc(s->kix, s->kixcap * sizeof *s->kix);
    }
    vm_keyidx *x = &s->kix[s->nkix++];
    memset(x, 0, sizeof *x);
    x->list = l, x->g = g, x->f = f, x->w = w, x->n = l->n;
    x->ent = pol_xcalloc(l->n ? l->n : 1, sizeof *x->ent);
    for (uint32_t i = 0; i < l->n && !x->whole; i++) {
        x->ent[i].pos = i;
        x->whole = !field_key(&l->items[i], g, f, w, s->p, &x->ent[i].key);
    }
    if (!x->whole)
        qsort(x->ent, l->n, sizeof *x->ent, keyent_cmp);
    return x;
}

static void key_indexes_free(vm_state *s)
{
    for (uint32_t i = 0; i < s->nkix; i++)
        free(s->kix[i].ent);
    s->nkix = 0;
}

/* ---- requirement scoping ----
 * A requirement guards the inputs its code refers to, directly or through
 * the rules and functions it uses: reading such an input first checks the
 * requirement.  So a scenario is held only to the requirements on the
 * inputs its outputs actually read (docs/language.md, "require"). */

/* Marks in `seen` (one byte per input) every input rule r refers to,
 * following RULE, CALL and APPLIC; `visited` marks rules already walked. */
static void inputs_of(const bc_program *p, uint32_t r, uint8_t *seen, uint8_t *visited, uint32_t *work)
{
    uint32_t n = 0;
    work[n++] = r;
    visited[r] = 1;
    while (n) {
        uint32_t x = work[--n];
        for (bc_iter it = bc_iter_begin(p->code, p->rules[x].entry, p->rules[x].end); bc_iter_more(&it); bc_iter_next(&it)) {
            if (it.len < 2 || bc_iter_truncated(&it))
                continue;
            uint32_t v = bc_iter_arg(&it, 0);
            if (it.op == OP_INPUT && v < p->ninputs)
                seen[v] = 1;
            else if ((it.op == OP_RULE || it.op == OP_CALL || it.op == OP_APPLIC) && v < p->nrules && !visited[v]) {
                visited[v] = 1;
                work[n++] = v; /* each rule at most once: n < nrules */
            }
        }
    }
}

static void build_guards(vm_state *s)
{
    const bc_program *p = s->p;
    uint32_t ni = p->ninputs, nr = p->nrules;
    s->guard_at = xcalloc((size_t)ni + 2, sizeof *s->guard_at);
    uint8_t *seen = xcalloc((size_t)ni + 1, 1), *visited = xcalloc(nr ? nr : 1, 1);
    uint32_t *work = xcalloc(nr ? nr : 1, sizeof *work);
    uint32_t total = 0, *count = xcalloc((size_t)ni + 1, sizeof *count);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t g = 0; g < nr; g++) {
            if (!p->rules[g].is_constraint || p->rules[g].nargs)
                continue;
            memset(seen, 0, (size_t)ni + 1);
            memset(visited, 0, nr);
            inputs_of(p, g, seen, visited, work);
            bool any = false;
            for (uint32_t i = 0; i < ni; i++)
                any |= seen[i];
            seen[ni] = !any; /* refers to no input: checked before any rule */
            for (uint32_t i = 0; i <= ni; i++) {
                if (!seen[i])
                    continue;
                if (pass == 0)
                    count[i]++, total++;
                else
                    s->guards[s->guard_at[i] + count[i]++] = g;
            }
        }
        if (pass == 0) {
            for (uint32_t i = 0; i <= ni; i++)
                s->guard_at[i + 1] = s->guard_at[i] + count[i];
            s->guards = xcalloc(total ? total : 1, sizeof *s->guards);
            memset(count, 0, sizeof *count * ((size_t)ni + 1));
        }
    }
    free(seen);
    free(visited);
    free(work);
    free(count);
}

vm_state *vm_new(const bc_program *p)
{
    vm_state *s = xcalloc(1, sizeof *s);
    s->p = p;
    s->memo_gen = 1;
    s->inputs = xcalloc(p->ninputs, sizeof *s->inputs);
    s->rules = xcalloc(p->nrules, sizeof *s->rules);
    s->rstate = xcalloc(p->nrules, 1);
    s->stack_cap = (p->max_stack + 1) * (p->nrules + 1);
    s->stack = xcalloc(s->stack_cap, sizeof *s->stack);
    s->frames_cap = p->nrules + 1;
    s->frames = xcalloc(4 * (size_t)s->frames_cap, sizeof *s->frames);
    s->selfrec = xcalloc(p->nrules + 1, 1);
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!p->rules[r].nargs)
            continue;
        for (bc_iter it = bc_iter_begin(p->code, p->rules[r].entry, p->rules[r].end); bc_iter_more(&it); bc_iter_next(&it))
            if (it.op == OP_CALL && !bc_iter_truncated(&it) && bc_iter_arg(&it, 0) == r) {
                s->selfrec[r] = 1;
                s->any_selfrec = true;
            }
    }
    s->na_k = xcalloc(p->nrules, sizeof *s->na_k);
    s->na_cite = xcalloc(p->nrules, sizeof *s->na_cite);
    s->na_memo = xcalloc(p->nrules + 1, sizeof *s->na_memo);
    s->in_ok = xcalloc((size_t)p->ninputs + 1, 1);
    s->in_ok0 = xcalloc((size_t)p->ninputs + 1, 1);
    build_guards(s);
    for (uint32_t i = 0; i <= p->ninputs; i++) /* no bound, no requirement: nothing to check on its first read */
        s->in_ok0[i] = s->guard_at[i] == s->guard_at[i + 1] &&
                               (i == p->ninputs || (p->inputs[i].kmin == BC_NONE && p->inputs[i].kmax == BC_NONE))
                           ? 2
                           : 0;
    memcpy(s->in_ok, s->in_ok0, (size_t)p->ninputs + 1);
    s->locals = xcalloc(p->nlocals, sizeof *s->locals);
    for (uint32_t i = 0; i < p->nlocals; i++)
        dec_init(&s->locals[i].d);
    for (uint32_t i = 0; i < p->ninputs; i++)
        dec_init(&s->inputs[i].d);
    for (uint32_t i = 0; i < p->nrules; i++)
        dec_init(&s->rules[i].d);
    for (uint32_t i = 0; i < s->stack_cap; i++)
        dec_init(&s->stack[i].d);
    return s;
}

void vm_free(vm_state *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->p->ninputs; i++)
        dec_clear(&s->inputs[i].d);
    for (uint32_t i = 0; i < s->p->nrules; i++)
        dec_clear(&s->rules[i].d);
    for (uint32_t i = 0; i < s->stack_cap; i++)
        dec_clear(&s->stack[i].d);
    for (uint32_t i = 0; i < s->p->nlocals; i++)
        dec_clear(&s->locals[i].d);
    free(s->locals);
    free(s->inputs);
    free(s->rules);
    free(s->rstate);
    free(s->stack);
    free(s->frames);
    free(s->selfrec);
    for (uint32_t i = 0; i < s->saved_cap; i++)
        dec_clear(&s->saved[i].d);
    free(s->saved);
    free(s->na_k);
    free(s->na_cite);
    for (uint32_t r = 0; r < s->p->nrules; r++)
        free(s->na_memo[r]);
    free(s->na_memo);
    free(s->in_ok);
    free(s->in_ok0);
    free(s->guard_at);
    free(s->guards);
    free(s->log);
    free(s->ev);
    for (uint32_t i = 0; i < s->tvcap; i++)
        dec_clear(&s->tvals[i].d);
    free(s->tvals);
    heap_free(&s->heap, false);
    for (uint32_t i = 0; i < s->memo_cap; i++)
        dec_clear(&s->memo[i].val.d);
    free(s->memo);
    dense_free(s);
    key_indexes_free(s);
    free(s->kix);
    free(s);
}

void vm_reset(vm_state *s)
{
    /* a few bytes each in a usual policy: no calls to memset and memcpy */
    uint32_t ni = s->p->ninputs;
    for (uint32_t i = 0; i < ni; i++) {
        s->inputs[i].t = PT_VOID;
        s->in_ok[i] = s->in_ok0[i];
    }
    s->in_ok[ni] = s->in_ok0[ni];
    memset(s->rstate, 0, s->p->nrules);
    for (uint32_t i = 0; i < s->p->nlocals; i++)
        s->locals[i].t = PT_VOID;
    if (s->heap.chunks || s->heap.blocks)
        heap_free(&s->heap, true);
    else /* a scenario that made no record or list: nothing to free, and no call */
        s->heap.bytes = 0;
    if (s->memo_n || s->dense_n) { /* results hold this scenario's values: forget them, all at once */
        if (++s->memo_gen == 0) { /* once in 2^32 scenarios: really clear */
            for (uint32_t i = 0; i < s->memo_cap; i++)
                s->memo[i].used = 0;
            for (uint32_t r = 0; s->dense && r < s->p->nrules; r++)
                if (s->dense[r]) {
                    memset(s->dense[r]->used, 0, sizeof *s->dense[r]->used * s->dense[r]->cap);
                    s->dense[r]->gen = 0;
                }
            s->memo_gen = 1;
        }
        s->memo_n = s->dense_n = 0;
    }
    key_indexes_free(s); /* the lists they index are gone with the heap */
    s->nlog = 0;
    s->nev = s->ntv = s->lost = 0;
    s->steps = 0;
}

/* dec_set, without a call when both sides are int64 decimals (the usual case) */
static inline void fast_dec_set(dec_t *dst, const dec_t *src)
{
    if (src->kind == DEC_K_SMALL && dst->kind == DEC_K_SMALL) {
        dst->coef = src->coef;
        dst->scale = src->scale;
    } else
        dec_set(dst, src);
}

static inline void set_from_const(vm_val *v, const bc_const *k)
{
    v->t = k->type;
    if (pol_type_numeric((pol_type)k->type))
        fast_dec_set(&v->d, &k->num);
    else if (k->type == PT_TEXT)
        v->s = k->text;
    else
        v->i = k->i;
}

void vm_set_input_const(vm_state *s, uint32_t i, const bc_const *k)
{
    set_from_const(&s->inputs[i], k);
}

static inline void copy_val(vm_val *dst, const vm_val *src)
{
    dst->t = src->t;
    if (pol_type_numeric((pol_type)src->t))
        fast_dec_set(&dst->d, &src->d);
    else {
        dst->i = src->i;
        dst->s = src->s;
        dst->ref = src->ref;   /* records and lists are immutable: share them */
        dst->tref = src->tref;
    }
}

void vm_copy_val(vm_val *dst, const vm_val *src) { copy_val(dst, src); }

bool vm_equal_const(const vm_val *v, const bc_const *k)
{
    bool vn = pol_type_numeric((pol_type)v->t), kn = pol_type_numeric((pol_type)k->type);
    if (vn || kn)
        return vn && kn && dec_cmp(&v->d, &k->num) == 0;
    if (v->t != k->type)
        return false;
    if (v->t == PT_TEXT) /* !k->text is unreachable: the verifier refuses a text constant without one */
        return v->s && k->text && strcmp(v->s, k->text) == 0;
    return v->i == k->i;
}

/* s into buf[0..cap), cut to fit: snprintf's "%s" without its format parsing */
static void put_text(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (!cap)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
}

bool vm_value_text(const vm_val *v, int places, char *buf, size_t cap)
{
    char tmp[16];
    switch (v->t) {
    case PT_BOOL: put_text(buf, cap, v->i ? "true" : "false"); return true;
    case PT_DATE: cd_format_date(v->i, tmp); put_text(buf, cap, tmp); return true;
    case PT_MONTH: cd_format_month(v->i, tmp); put_text(buf, cap, tmp); return true;
    case PT_TEXT: put_text(buf, cap, v->s ? v->s : ""); return true;
    case PT_ENUM: snprintf(buf, cap, "#%d", v->i); return true; /* names: pol.c knows the enumeration */
    case PT_ROUNDING: snprintf(buf, cap, "%s", v->i >= 0 && v->i < DEC_MODE_COUNT ? dec_mode_name((dec_mode)v->i) : "?"); return true;
    case PT_VOID: snprintf(buf, cap, "(no value)"); return false;
    default: {
        dec_status st = DEC_OK;
        int n = dec_format(&v->d, places, buf, cap, &st);
        if (n < 0) {
            char ex[256];
            dec_format_exact(&v->d, ex, sizeof ex);
            snprintf(buf, cap, "%s has no finite decimal expansion; the policy must round it", ex);
            return false;
        }
        if ((size_t)n >= cap) {
            snprintf(buf, cap, "number too long to print");
            return false;
        }
        return true;
    }
    }
}

static int fail(vm_state *s, vm_error *err, uint32_t rule, uint32_t pc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(vm_state *s, vm_error *err, uint32_t rule, uint32_t pc, const char *fmt, ...)
{
    err->kind = VM_FAIL_ERROR;
    err->guard = BC_NONE;
    err->rule = rule;
    err->pos = bc_pos_at(s->p, pc);
    va_list ap;
    va_start(ap, fmt);
    pol_tr_vformat2(err->msg, sizeof err->msg, err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return -1;
}

/* " [CITE]", or "" */
static void cite_text(const char *cite, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", cite ? " [" : "", cite ? cite : "", cite ? "]" : "");
}

/* Not applicable: `rule` could not be given, for the reason in text
 * constant k of rule `origin` (whose clause it cites).  na_fail says which;
 * vm_na_message writes the message, which depends only on the program's
 * text constant, the rule cited and the language: made once per evaluator,
 * and copied when the rule is not applicable again (in a batch where it
 * does not apply to most records, the formatting was a large part of the
 * work; pol_eval_run copies nothing when the output's error is the one it
 * holds already). */
typedef struct vm_na_memo {
    uint32_t k, origin;
    pol_lang lang;
    char msg[sizeof ((vm_error *)0)->msg], text[sizeof ((vm_error *)0)->text];
} vm_na_memo;

static int na_fail(vm_state *s, vm_error *err, uint32_t rule, uint32_t k, uint32_t origin)
{
    const bc_program *p = s->p;
    err->kind = VM_FAIL_NA;
    err->guard = BC_NONE;
    err->rule = rule;
    err->pos = p->rules[origin].pos;
    err->na_k = k;
    err->na_origin = origin;
    err->msg[0] = err->text[0] = 0; /* vm_na_message */
    return -1;
}

void vm_na_message(vm_state *s, vm_error *err)
{
    const bc_program *p = s->p;
    uint32_t rule = err->rule, k = err->na_k, origin = err->na_origin;
    vm_na_memo *m = rule < p->nrules ? s->na_memo[rule] : NULL;
    pol_lang lang = pol_lang_get();
    if (m && m->k == k && m->origin == origin && m->lang == lang) {
        memcpy(err->msg, m->msg, strlen(m->msg) + 1);
        memcpy(err->text, m->text, strlen(m->text) + 1);
        return;
    }
    char c[300];
    cite_text(p->rules[origin].cite, c, sizeof c);
    const char *why = p->consts[k].text;
    pol_tr_format2(err->msg, sizeof err->msg, err->text, sizeof err->text, "not applicable: %s%s", why, c);
    /* `when COND` compiled to "NAME applies only when COND" (codegen.c,
     * English in the bytecode): a name has no space, so its words are found
     * and put in the process language here. */
    const char *sep = err->text[0] ? strstr(why, BC_NA_WHEN) : NULL;
    if (sep && !memchr(why, ' ', (size_t)(sep - why)) && (size_t)(sep - why) < 256) {
        char name[256], reason[sizeof err->text];
        memcpy(name, why, (size_t)(sep - why));
        name[sep - why] = '\0';
        pol_tr_format(pol_lang_get(), reason, sizeof reason, "%s applies only when %s", name, sep + strlen(BC_NA_WHEN));
        pol_tr_format(pol_lang_get(), err->text, sizeof err->text, "not applicable: %s%s", reason, c);
    }
    if (rule < p->nrules) {
        if (!m)
            m = s->na_memo[rule] = xcalloc(1, sizeof *m);
        m->k = k;
        m->origin = origin;
        m->lang = lang;
        memcpy(m->msg, err->msg, sizeof m->msg);
        memcpy(m->text, err->text, sizeof m->text);
    }
}

/* The notice does not state this value: its note, and the clause. */
static int unstated(vm_state *s, vm_error *err, uint32_t rule, uint32_t pc, const char *note, const char *cite)
{
    char c[300];
    cite_text(cite, c, sizeof c);
    fail(s, err, rule, pc, "not stated by this notice: %s%s", note, c);
    err->kind = VM_FAIL_UNSTATED;
    return -1;
}

/* Input i's value against its bounds; false (and *err) when outside. */
static bool bound_fails(vm_state *s, uint32_t i, vm_error *err, uint32_t rule, uint32_t pc)
{
    const bc_program *p = s->p;
    const bc_input *in = &p->inputs[i];
    const vm_val *v = &s->inputs[i];
    for (int side = 0; side < 2; side++) {
        uint32_t k = side ? in->kmax : in->kmin;
        if (k == BC_NONE)
            continue;
        const bc_const *c = &p->consts[k];
        int cmp;
        if (pol_type_numeric((pol_type)v->t))
            cmp = dec_cmp(&v->d, &c->num);
        else
            cmp = (v->i > c->i) - (v->i < c->i);
        if ((side == 0 && cmp < 0) || (side == 1 && cmp > 0)) {
            char lo[128] = "", hi[128] = "", val[128];
            if (in->kmin != BC_NONE)
                bc_const_text(p, in->kmin, lo, sizeof lo);
            if (in->kmax != BC_NONE)
                bc_const_text(p, in->kmax, hi, sizeof hi);
            if (in->type == PT_RATE) /* as the bounds are shown: 301% */
                bc_rate_text(&v->d, val, sizeof val);
            else
                vm_value_text(v, 0, val, sizeof val);
            char named[300]; /* the bound, with the parameter it came from */
            uint32_t par = side ? in->pmax : in->pmin;
            snprintf(named, sizeof named, "%s%s%s", par != BC_NONE ? p->params[par].name : "", par != BC_NONE ? " = " : "",
                     side ? hi : lo);
            if (side && in->cite)
                fail(s, err, rule, pc, "input %s = %s is above its maximum %s (allowed %s..%s; cite %s)", in->name, val,
                     named, lo, hi, in->cite);
            else if (side)
                fail(s, err, rule, pc, "input %s = %s is above its maximum %s (allowed %s..%s)", in->name, val, named, lo,
                     hi);
            else if (in->cite)
                fail(s, err, rule, pc, "input %s = %s is below its minimum %s (allowed %s..%s; cite %s)", in->name, val,
                     named, lo, hi, in->cite);
            else
                fail(s, err, rule, pc, "input %s = %s is below its minimum %s (allowed %s..%s)", in->name, val, named, lo,
                     hi);
            err->kind = VM_FAIL_REQUIRE;
            err->input = i;
            err->pos = in->pos;
            return true;
        }
    }
    return false;
}

/* Requirement g, evaluated: -1 (and *err) unless it holds. */
static int require_holds(vm_state *s, uint32_t g, vm_error *err, uint32_t rule, uint32_t pc)
{
    const bc_program *p = s->p;
    const vm_val *v = &s->rules[g];
    int64_t failing = 0;
    if (v->t == PT_BOOL && v->i)
        return 0;
    if (v->t == PT_INT && dec_to_i64(&v->d, &failing) && failing == 0)
        return 0;
    const bc_rule *ru = &p->rules[g];
    char c[300];
    cite_text(ru->cite, c, sizeof c);
    if (v->t == PT_INT) /* all(p in list: cond): the first element that fails */
        fail(s, err, rule, pc, "requirement %s is not met by element [%lld] of the list: %s%s%s%s", ru->name,
             (long long)failing - 1, ru->formula ? ru->formula : "", c, ru->doc ? "; " : "", ru->doc ? ru->doc : "");
    else
        fail(s, err, rule, pc, "requirement %s is not met: %s%s%s%s", ru->name, ru->formula ? ru->formula : "", c,
             ru->doc ? "; " : "", ru->doc ? ru->doc : "");
    err->kind = VM_FAIL_REQUIRE;
    err->guard = g;
    err->pos = ru->pos;
    return -1;
}

/* Before input ii (ninputs: before any rule) is read: 0 when its bounds and
 * requirements hold, 1 when requirement *enter must be evaluated first,
 * -1 (and *err) when one fails. */
static int input_guards(vm_state *s, uint32_t ii, uint32_t *enter, vm_error *err, uint32_t rule, uint32_t pc)
{
    if (s->in_ok[ii] == 0) {
        if (ii < s->p->ninputs && bound_fails(s, ii, err, rule, pc))
            return -1;
        s->in_ok[ii] = 1;
    }
    bool busy = false;
    for (uint32_t k = s->guard_at[ii]; k < s->guard_at[ii + 1]; k++) {
        uint32_t g = s->guards[k];
        switch (s->rstate[g]) {
        case VM_DONE:
            if (require_holds(s, g, err, rule, pc) != 0)
                return -1;
            break;
        case VM_NA: /* a requirement that does not apply holds */
            break;
        case VM_BUSY: /* being evaluated: it is reading this input itself */
            busy = true;
            break;
        default:
            *enter = g;
            return 1;
        }
    }
    if (!busy)
        s->in_ok[ii] = 2;
    return 0;
}

/* How a caller continues when its callee returns (frame word 3). */
enum { FR_VALUE = 0, FR_GUARD = 1, FR_PROBE = 2,
       FR_RESTORE = 4 }; /* with FR_VALUE: the callee called itself; its caller's locals are saved */

/* How deep functions may call themselves (frames), and what it costs: the
 * stack and the frames grow for them on demand, only for programs with a
 * self-calling function (any other program's chain is shorter than its
 * rule count, which vm_new's sizes hold). */
#define VM_MAX_DEPTH 100000u

/* Doubles the stack and the frames, keeping *sp and *base pointing at the
 * same slots.  False at VM_MAX_DEPTH. */
static bool vm_grow(vm_state *s, vm_val **sp, vm_val **base)
{
    const bc_program *p = s->p;
    if (!s->any_selfrec)
        return false;
    if (s->nframes + 1 >= s->frames_cap) {
        if (s->frames_cap > VM_MAX_DEPTH)
            return false;
        s->frames_cap = s->frames_cap > VM_MAX_DEPTH / 2 ? VM_MAX_DEPTH + 1 : s->frames_cap * 2;
        s->frames = pol_xrealloc(s->frames, 4 * (size_t)s->frames_cap * sizeof *s->frames);
    }
    if ((uint32_t)(*sp - s->stack) + p->max_stack + 1 > s->stack_cap) {
        size_t at = (size_t)(*sp - s->stack), b = (size_t)(*base - s->stack);
        uint32_t old = s->stack_cap;
        s->stack_cap = old * 2;
        /* a decimal's limbs are reached through a pointer inside it, so the
         * values move with the array */
        s->stack = pol_xrealloc(s->stack, (size_t)s->stack_cap * sizeof *s->stack);
        for (uint32_t i = old; i < s->stack_cap; i++) {
            s->stack[i].t = PT_VOID;
            dec_init(&s->stack[i].d);
        }
        *sp = s->stack + at;
        *base = s->stack + b;
    }
    return true;
}

/* vm_grow for the dispatch loop: sp and base pass through copies, so that
 * the loop never takes their addresses and the compiler can keep them in
 * registers. */
static inline bool grow_frame(vm_state *s, vm_val **sp, vm_val **base)
{
    vm_val *nsp = *sp, *nbase = *base;
    bool ok = vm_grow(s, &nsp, &nbase);
    *sp = nsp;
    *base = nbase;
    return ok;
}

/* A self-calling function r is entered again: its running activation's
 * locals are kept until the inner one returns. */
static void save_locals(vm_state *s, uint32_t r)
{
    const bc_rule *ru = &s->p->rules[r];
    if (s->nsaved + ru->nlocals > s->saved_cap) {
        uint32_t old = s->saved_cap, cap = old ? old * 2 : 64;
        while (cap < s->nsaved + ru->nlocals)
            cap *= 2;
        s->saved = pol_xrealloc(s->saved, (size_t)cap * sizeof *s->saved);
        for (uint32_t i = old; i < cap; i++) {
            s->saved[i].t = PT_VOID;
            dec_init(&s->saved[i].d);
        }
        s->saved_cap = cap;
    }
    for (uint32_t k = 0; k < ru->nlocals; k++)
        copy_val(&s->saved[s->nsaved++], &s->locals[ru->local_base + k]);
}

static void restore_locals(vm_state *s, uint32_t r)
{
    const bc_rule *ru = &s->p->rules[r];
    for (uint32_t k = ru->nlocals; k-- > 0;)
        copy_val(&s->locals[ru->local_base + k], &s->saved[--s->nsaved]);
}

/* The kind of a value, as messages name it: a FRAG argument (lang.h). */
static const char *class_name(uint8_t t)
{
    if (pol_type_numeric((pol_type)t))
        return FRAG("number");
    switch ((pol_type)t) {
    case PT_BOOL: return FRAG("boolean");
    case PT_DATE: return FRAG("date");
    case PT_MONTH: return FRAG("month");
    case PT_TEXT: return FRAG("text");
    case PT_ENUM: return FRAG("enum");
    case PT_RECORD: return FRAG("record");
    case PT_LIST: return FRAG("list");
    case PT_ROUNDING: return FRAG("rounding");
    case PT_VOID: return FRAG("void");
    default: return pol_type_name((pol_type)t);
    }
}

static void log_lookup(vm_state *s, uint32_t rule, uint32_t param, uint32_t version, int32_t date)
{
    POL_GROW_FROM(s->log, s->logcap, (size_t)s->nlog + 1, 16);
    s->log[s->nlog++] = (vm_lookup){rule, param, version, date};
}

/* Trace only: logs an event whose n values are at tvals[val..]; returns
 * the first of n value slots to fill, or NULL past VM_TRACE_MAX. */
static vm_val *log_event(vm_state *s, uint8_t kind, uint32_t rule, uint32_t a, uint32_t b, uint32_t pc, uint32_t n)
{
    if (s->nev >= VM_TRACE_MAX || s->ntv + n > VM_TRACE_MAX) {
        s->lost++;
        return NULL;
    }
    if (s->ntv + n > s->tvcap) {
        uint32_t oc = s->tvcap;
        POL_GROW_FROM(s->tvals, s->tvcap, (size_t)s->ntv + n, 64);
        for (uint32_t i = oc; i < s->tvcap; i++)
            dec_init(&s->tvals[i].d);
    }
    POL_GROW_FROM(s->ev, s->evcap, (size_t)s->nev + 1, 64);
    s->ev[s->nev++] = (vm_event){kind, rule, a, b, pc, s->ntv, s->nlog};
    vm_val *v = s->tvals ? &s->tvals[s->ntv] : NULL; /* no values asked for yet: none to point at */
    s->ntv += n;
    return v;
}

/* More months than lie between any two months of the calendar: add_months
 * by more is refused before any arithmetic. */
#define VM_MAX_MONTH_SHIFT 120000

/* Cases that share code advance by their first member's length. */
#define VM_SAME_LEN(a, b) _Static_assert(BC_OPLEN_##a == BC_OPLEN_##b, #a " and " #b " differ in length")
VM_SAME_LEN(ADD, SUB);
VM_SAME_LEN(ADD, MUL);
VM_SAME_LEN(ADD, DIV);
VM_SAME_LEN(ADD, MIN);
VM_SAME_LEN(ADD, MAX);
VM_SAME_LEN(EQ, NE);
VM_SAME_LEN(EQ, LT);
VM_SAME_LEN(EQ, LE);
VM_SAME_LEN(EQ, GT);
VM_SAME_LEN(EQ, GE);
VM_SAME_LEN(MONTH_OF, DAY_OF);
VM_SAME_LEN(YEAR_OF, MONTH_NUM);
VM_SAME_LEN(MKDATE, MKMONTH);
VM_SAME_LEN(FIRST_DAY, LAST_DAY);

/* vm_eval_roots' list: the rules, and how many of them have their values */
typedef struct vm_roots {
    const uint32_t *r;
    uint32_t n;
    uint32_t *done;
} vm_roots;

/* The dispatch loop: evaluates rule r.  Leaves the frames of a failed
 * evaluation in place for vm_eval to unwind (except NA, unwound here).
 * Compiled twice (run_fast, run_traced): `tracing` is a constant in each,
 * so the evaluation without --explain tests no trace flag at all. */
static inline __attribute__((always_inline)) int run_body(vm_state *s, uint32_t r, vm_error *err, const bool tracing,
                                                          uint64_t *left, const vm_roots *roots)
{
    const bc_program *p = s->p;
    const uint32_t *code = p->code;
    vm_val *base = s->stack;  /* bottom of the current frame's stack */
    vm_val *sp = base;        /* next free slot                      */
    uint32_t cur = r;
    uint32_t pc = p->rules[r].entry;
    uint32_t nk = 0, ncite = 0; /* not applicable: the reason and its rule */
    s->nframes = 0;
    s->nsaved = 0;
    s->rstate[r] = VM_BUSY;

/* Enters rule or function ri; the caller resumes at `ret` as `how` says.
 * Its stack starts where the caller's ends (the callee's result lands there). */
#define ENTER(ri, ret, how)                                                                  \
    do {                                                                                     \
        uint32_t *f_ = &s->frames[4 * s->nframes++];                                         \
        f_[0] = (ret);                                                                       \
        f_[1] = cur;                                                                         \
        f_[2] = (uint32_t)(base - s->stack);                                                 \
        f_[3] = (how);                                                                       \
        s->rstate[(ri)] = VM_BUSY;                                                           \
        cur = (ri);                                                                          \
        pc = p->rules[(ri)].entry;                                                           \
        base = sp;                                                                           \
    } while (0)
/* A rule or function other than a self-calling one is on the chain at most
 * once (VM_BUSY), so without those there are fewer than nrules frames of at
 * most max_stack values each, which vm_new's stack holds; self-calls grow
 * it (vm_grow) up to VM_MAX_DEPTH. */
#define ROOM_FOR_FRAME()                                                                     \
    do {                                                                                     \
        if (((uint32_t)(sp - s->stack) + p->max_stack + 1 > s->stack_cap || s->nframes + 1 >= s->frames_cap) && \
            !grow_frame(s, &sp, &base))                                                      \
            return fail(s, err, cur, pc, "functions call themselves more than %u deep", VM_MAX_DEPTH); \
    } while (0)
#define NEED_NUM(v)                                                                          \
    do {                                                                                     \
        if (!pol_type_numeric((pol_type)(v)->t))                                             \
            return fail(s, err, cur, pc, "expected a number, found a %s", class_name((v)->t)); \
    } while (0)
#define DEC_CHECK(expr)                                                                      \
    do {                                                                                     \
        dec_status st_ = (expr);                                                             \
        if (st_ != DEC_OK) {                                                                 \
            char fr_[80];                                                                    \
            return fail(s, err, cur, pc, "%s", pol_as_frag(fr_, sizeof fr_, dec_status_text(st_))); \
        }                                                                                    \
    } while (0)

    for (;;) {
        if (__builtin_expect(--*left == 0, 0))
            return fail(s, err, cur, pc, "evaluation exceeded %llu steps", (unsigned long long)s->max_steps);
        uint32_t op = code[pc];
        switch ((pol_opcode)op) { /* its default is unreachable: the verifier refuses unknown opcodes */
        case OP_CONST:
            set_from_const(sp++, &p->consts[code[pc + 1]]);
            pc += BC_OPLEN_CONST;
            break;
        case OP_INPUT: {
            uint32_t ii = code[pc + 1];
            const vm_val *in = &s->inputs[ii];
            if (in->t == PT_VOID) {
                fail(s, err, cur, pc, "input %s is missing from the scenario", p->inputs[ii].name);
                err->input = ii;
                return -1;
            }
            if (s->in_ok[ii] != 2) { /* its first read: bounds and requirements */
                uint32_t g = 0;
                int gr = input_guards(s, ii, &g, err, cur, pc);
                if (gr < 0)
                    return -1;
                if (gr > 0) {
                    ROOM_FOR_FRAME();
                    ENTER(g, pc, FR_GUARD); /* then this INPUT runs again */
                    break;
                }
            }
            copy_val(sp++, in);
            pc += BC_OPLEN_INPUT;
            break;
        }
        case OP_PARAM: {
            uint32_t pi = code[pc + 1];
            if (tracing)
                log_lookup(s, cur, pi, 0, 0);
            const bc_version *ver = &p->params[pi].versions[0];
            if (ver->unstated)
                return unstated(s, err, cur, pc, p->consts[ver->k].text, ver->cite ? ver->cite : p->params[pi].cite);
            set_from_const(sp++, &p->consts[ver->k]);
            pc += BC_OPLEN_PARAM;
            break;
        }
        case OP_PARAM_AT: {
            uint32_t pi = code[pc + 1];
            vm_val *d = sp - 1;
            if (d->t != PT_DATE)
                return fail(s, err, cur, pc, "parameter %s is looked up by a date, not a %s",
                            p->params[pi].name, class_name(d->t));
            const bc_param *par = &p->params[pi];
            uint32_t lo = 0, hi = par->nversions;
            while (lo < hi) { /* first version whose end is >= the date */
                uint32_t mid = lo + (hi - lo) / 2;
                if (par->versions[mid].to < d->i)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == par->nversions || par->versions[lo].from > d->i) {
                char ds[16], a[16] = "", b[16] = "";
                cd_format_date(d->i, ds);
                if (par->versions[0].from != BC_OPEN_LO)
                    cd_format_date(par->versions[0].from, a);
                if (par->versions[par->nversions - 1].to != BC_OPEN_HI)
                    cd_format_date(par->versions[par->nversions - 1].to, b);
                return fail(s, err, cur, pc, "no version of parameter %s covers %s (its versions cover %s..%s)",
                            par->name, ds, a, b);
            }
            if (tracing)
                log_lookup(s, cur, pi, lo, d->i);
            if (par->versions[lo].unstated)
                return unstated(s, err, cur, pc, p->consts[par->versions[lo].k].text,
                                par->versions[lo].cite ? par->versions[lo].cite : par->cite);
            set_from_const(d, &p->consts[par->versions[lo].k]);
            pc += BC_OPLEN_PARAM_AT;
            break;
        }
        case OP_PARAM_IN: {
            uint32_t pi = code[pc + 1];
            vm_val *d = sp - 1;
            const bc_param *par = &p->params[pi];
            int32_t from, to;
            char what[16];
            int64_t y = 0;
            if (d->t == PT_MONTH) {
                int yy = d->i / 12, mm = d->i % 12 + 1;
                from = cd_from_ymd(yy, mm, 1);
                to = cd_from_ymd(yy, mm, cd_days_in_month(yy, mm));
                cd_format_month(d->i, what);
            } else if (d->t == PT_INT && dec_to_i64(&d->d, &y) && y >= CD_MIN_YEAR && y <= CD_MAX_YEAR) {
                from = cd_from_ymd((int)y, 1, 1);
                to = cd_from_ymd((int)y, 12, 31);
                snprintf(what, sizeof what, "%d", (int)y);
            } else
                return fail(s, err, cur, pc, "parameter %s is looked up by a month or a year from 1 to 9999, not a %s",
                            par->name, d->t == PT_INT ? FRAG("number out of that range") : class_name(d->t));
            uint32_t lo = 0, hi = par->nversions;
            while (lo < hi) { /* first version whose end is >= the period's first day */
                uint32_t mid = lo + (hi - lo) / 2;
                if (par->versions[mid].to < from)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == par->nversions || par->versions[lo].from > from) {
                char a[16] = "", b[16] = "";
                if (par->versions[0].from != BC_OPEN_LO)
                    cd_format_date(par->versions[0].from, a);
                if (par->versions[par->nversions - 1].to != BC_OPEN_HI)
                    cd_format_date(par->versions[par->nversions - 1].to, b);
                return fail(s, err, cur, pc, "no version of parameter %s covers the start of %s (its versions cover %s..%s)",
                            par->name, what, a, b);
            }
            if (par->versions[lo].to < to) {
                char e[16];
                cd_format_date(par->versions[lo].to, e);
                return fail(s, err, cur, pc, "parameter %s changes within %s (a version ends on %s); look it up by date",
                            par->name, what, e);
            }
            if (tracing)
                log_lookup(s, cur, pi, lo, from);
            set_from_const(d, &p->consts[par->versions[lo].k]);
            pc += BC_OPLEN_PARAM_IN;
            break;
        }
        case OP_RULE: {
            uint32_t ri = code[pc + 1];
            if (s->rstate[ri] == VM_DONE) {
                copy_val(sp++, &s->rules[ri]);
                pc += BC_OPLEN_RULE;
                break;
            }
            if (s->rstate[ri] == VM_NA) { /* not applicable: so is the rule that needs it */
                nk = s->na_k[ri];
                ncite = s->na_cite[ri];
                goto not_applicable;
            }
            if (s->rstate[ri] == VM_BUSY)
                return fail(s, err, cur, pc, "rule %s depends on itself", p->rules[ri].name);
            ROOM_FOR_FRAME();
            ENTER(ri, pc + BC_OPLEN_RULE, FR_VALUE);
            break;
        }
        case OP_APPLIC: {
            uint32_t ri = code[pc + 1];
            if (s->rstate[ri] == VM_DONE || s->rstate[ri] == VM_NA) {
                sp->t = PT_BOOL;
                sp->i = s->rstate[ri] == VM_DONE;
                sp++;
                pc += BC_OPLEN_APPLIC;
                break;
            }
            if (s->rstate[ri] == VM_BUSY)
                return fail(s, err, cur, pc, "rule %s depends on itself", p->rules[ri].name);
            ROOM_FOR_FRAME();
            ENTER(ri, pc + BC_OPLEN_APPLIC, FR_PROBE);
            break;
        }
        case OP_RET: {
            /* the value is the only one on the callee's stack, at `base` */
            --sp;
            if (p->rules[cur].nargs) {
                if (tracing) {
                    vm_val *tv = log_event(s, VM_EV_RET, cur, 0, 0, pc, 1);
                    if (tv)
                        copy_val(tv, sp);
                }
                s->rstate[cur] = VM_UNSET; /* functions: cached by their arguments */
                uint64_t key[VM_MEMO_ARGS];
                const vm_val *a0 = &s->locals[p->rules[cur].local_base];
                if ((p->rules[cur].nargs != 1 || !dense_put(s, cur, a0, sp)) &&
                    memo_keys(a0, p->rules[cur].nargs, key))
                    memo_put(s, cur, key, p->rules[cur].nargs, sp);
            } else {
                copy_val(&s->rules[cur], sp);
                s->rstate[cur] = VM_DONE;
            }
            if (s->nframes == 0) {
                /* a root evaluated: on to the next one of vm_eval_roots' list
                 * while it is one to start afresh */
                if (!roots)
                    return 0;
                uint32_t nx = ++*roots->done;
                if (nx >= roots->n || s->rstate[roots->r[nx]] != VM_UNSET || p->rules[roots->r[nx]].nargs)
                    return 0;
                cur = roots->r[nx];
                s->rstate[cur] = VM_BUSY;
                pc = p->rules[cur].entry;
                sp = base = s->stack;
                break;
            }
            const uint32_t *f = &s->frames[4 * --s->nframes];
            if (f[3] & FR_RESTORE) { /* back in the same function's outer activation */
                restore_locals(s, cur);
                s->rstate[cur] = VM_BUSY;
            }
            pc = f[0];
            cur = f[1];
            if (f[3] == FR_GUARD) /* a requirement: the INPUT that resumes checks it */
                sp = base;
            else if (f[3] == FR_PROBE) { /* applicable(): it has a value */
                sp = base;
                sp->t = PT_BOOL;
                sp->i = 1;
                sp++;
            } else
                sp = base + 1; /* the value stays where the callee's stack began */
            base = s->stack + f[2];
            break;
        }
        case OP_CALL: {
            uint32_t ri = code[pc + 1], n = code[pc + 2];
            if (s->rstate[ri] == VM_BUSY && !s->selfrec[ri])
                return fail(s, err, cur, pc, "function %s calls itself", p->rules[ri].name);
            ROOM_FOR_FRAME();
            {
                uint64_t key[VM_MEMO_ARGS];
                bool hit = false;
                const vm_val *mv = n == 1 && s->dense_n ? dense_find(s, ri, sp - 1) : NULL;
                if (!mv) {
                    vm_memo *m = s->memo_n && memo_keys(sp - n, n, key) ? memo_find(s, ri, key, VM_MEMO_ARGS, &hit) : NULL;
                    mv = m && hit ? &m->val : NULL;
                }
                if (mv) {
                    sp -= n;
                    if (tracing) {
                        vm_val *tv = log_event(s, VM_EV_MEMO, cur, ri, n, pc, n + 1);
                        for (uint32_t k = 0; tv && k < n; k++)
                            copy_val(&tv[k], &sp[k]);
                        if (tv)
                            copy_val(&tv[n], mv);
                    }
                    copy_val(sp++, mv);
                    pc += BC_OPLEN_CALL;
                    break;
                }
            }
            sp -= n;
            uint32_t how = FR_VALUE;
            if (s->rstate[ri] == VM_BUSY) { /* selfrec: a month's state from the month before */
                save_locals(s, ri);
                how = FR_VALUE | FR_RESTORE;
            }
            if (tracing) {
                vm_val *tv = log_event(s, VM_EV_CALL, cur, ri, n, pc, n);
                for (uint32_t k = 0; tv && k < n; k++)
                    copy_val(&tv[k], &sp[k]);
            }
            for (uint32_t k = 0; k < n; k++)
                copy_val(&s->locals[p->rules[ri].local_base + k], &sp[k]);
            ENTER(ri, pc + BC_OPLEN_CALL, how);
            break;
        }
        case OP_KEYED: {
            vm_val *x = sp - 1, *l = sp - 2;
            uint32_t g = code[pc + 1], f = code[pc + 2], w = code[pc + 3];
            if (l->t != PT_LIST || l->tref != g || !l->ref)
                return fail(s, err, cur, pc, "expected a list of %s records, found a %s", p->records[g].name, class_name(l->t));
            uint64_t key;
            vm_keyidx *ix = memo_key(x, &key) ? key_index(s, l->ref, g, f, w) : NULL;
            if (ix && !ix->whole) {
                vm_list *sub = ix->last && ix->last_key == key ? ix->last : NULL; /* lists do not change within a scenario */
                if (!sub) {
                    uint32_t lo = 0, hi = ix->n;
                    while (lo < hi) { /* first entry with a key >= key */
                        uint32_t mid = lo + (hi - lo) / 2;
                        if (ix->ent[mid].key < key)
                            lo = mid + 1;
                        else
                            hi = mid;
                    }
                    uint32_t end = lo;
                    while (end < ix->n && ix->ent[end].key == key)
                        end++;
                    sub = vm_heap_list(&s->heap);
                    vm_val *items = sub && end > lo ? vm_heap_vals(&s->heap, end - lo) : NULL;
                    if (!sub || (end > lo && !items))
                        return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
                    const vm_list *all = l->ref;
                    for (uint32_t i = lo; i < end; i++)
                        copy_val(&items[i - lo], &all->items[ix->ent[i].pos]);
                    sub->items = items;
                    sub->n = sub->cap = end - lo;
                    ix->last = sub;
                    ix->last_key = key;
                }
                if (tracing) { /* which records the lookup found (a month's payment: explain.c's why) */
                    vm_val *tv = log_event(s, VM_EV_KEYED, cur, sub->n, g, pc, sub->n + 1);
                    for (uint32_t i = 0; tv && i <= sub->n; i++)
                        copy_val(&tv[i], i ? &sub->items[i - 1] : x);
                }
                l->ref = sub;
            }
            --sp; /* the list (or the whole list) stays */
            pc += BC_OPLEN_KEYED;
            break;
        }
        case OP_NA:
            nk = code[pc + 1];
            ncite = cur;
            goto not_applicable;
        case OP_UNSTATED:
            return unstated(s, err, cur, pc, p->consts[code[pc + 1]].text, p->rules[cur].cite);
        case OP_TOTEXT: {
            vm_val *a = sp - 1;
            char buf[512];
            if (a->t == PT_TEXT) {
                pc += BC_OPLEN_TOTEXT;
                break;
            }
            if (a->t == PT_RECORD || a->t == PT_LIST || a->t == PT_ENUM || !vm_value_text(a, 0, buf, sizeof buf))
                return fail(s, err, cur, pc, "cannot turn a %s into text here", class_name(a->t));
            size_t n = strlen(buf);
            char *t = vm_heap_bytes(&s->heap, n + 1);
            if (!t)
                return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
            memcpy(t, buf, n + 1);
            a->t = PT_TEXT;
            a->s = t;
            pc += BC_OPLEN_TOTEXT;
            break;
        }
        case OP_RFIELD: {
            vm_val *a = sp - 1;
            uint32_t g = code[pc + 1], f = code[pc + 2];
            /* !a->ref is unreachable: MKREC and pol.c's input reader always set it */
            if (a->t != PT_RECORD || a->tref != g || !a->ref)
                return fail(s, err, cur, pc, "expected a %s record, found a %s", p->records[g].name, class_name(a->t));
            const vm_val *fields = a->ref;
            vm_val tmp;
            tmp.t = PT_VOID;
            dec_init(&tmp.d);
            copy_val(&tmp, &fields[f]);
            copy_val(a, &tmp);
            dec_clear(&tmp.d);
            /* unreachable: MKREC copies stack values, never VOID (INPUT and
             * LOCAL refuse VOID, constants are verified), and pol.c refuses a
             * record input with a missing field */
            if (a->t == PT_VOID) /* GCOVR_EXCL_BR_LINE */
                return fail(s, err, cur, pc, "field %s.%s has no value", p->records[g].name, p->records[g].fields[f].name);
            pc += BC_OPLEN_RFIELD;
            break;
        }
        case OP_MKREC: {
            uint32_t g = code[pc + 1], n = p->records[g].nfields;
            vm_val *rec = vm_heap_vals(&s->heap, n ? n : 1);
            if (!rec)
                return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
            sp -= n;
            for (uint32_t k = 0; k < n; k++)
                copy_val(&rec[k], &sp[k]);
            sp->t = PT_RECORD;
            sp->tref = g;
            sp->ref = rec;
            sp++;
            pc += BC_OPLEN_MKREC;
            break;
        }
        case OP_LISTNEW: {
            vm_list *l = vm_heap_list(&s->heap);
            if (!l)
                return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
            sp->t = PT_LIST;
            sp->tref = code[pc + 1];
            sp->ref = l;
            sp++;
            pc += BC_OPLEN_LISTNEW;
            break;
        }
        case OP_LISTVAL: {
            vm_list *l = vm_heap_list(&s->heap);
            if (!l)
                return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
            sp->t = PT_LIST;
            sp->tref = POL_LIST_VALUES | code[pc + 1];
            sp->ref = l;
            sp++;
            pc += BC_OPLEN_LISTVAL;
            break;
        }
        case OP_APPEND: {
            vm_val *v = --sp, *l = sp - 1;
            /* !ref is unreachable here and in LEN and AT: LISTNEW and pol.c always set it */
            if (l->t != PT_LIST || !l->ref)
                return fail(s, err, cur, pc, "expected a list, found a %s", class_name(l->t));
            if (pol_list_values(l->tref)) { /* a list of values: of its type, or a number of the list's kind */
                pol_type et = pol_list_elem(l->tref);
                bool num = pol_type_numeric(et) && pol_type_numeric((pol_type)v->t);
                if (v->t != et && !num)
                    return fail(s, err, cur, pc, "a list of %s holds only values of that type, not a %s", class_name(et), class_name(v->t));
                if (num)
                    v->t = (uint8_t)et;
            } else if (v->t != PT_RECORD || v->tref != l->tref)
                return fail(s, err, cur, pc, "a list of %s holds only %s records", p->records[l->tref].name, p->records[l->tref].name);
            if (!vm_list_append(&s->heap, l->ref, v))
                return fail(s, err, cur, pc, "the scenario needs more memory than allowed");
            pc += BC_OPLEN_APPEND;
            break;
        }
        case OP_LEN: {
            vm_val *a = sp - 1;
            if (a->t != PT_LIST || !a->ref)
                return fail(s, err, cur, pc, "expected a list, found a %s", class_name(a->t));
            uint32_t n = ((const vm_list *)a->ref)->n;
            a->t = PT_INT;
            dec_set_i64(&a->d, n);
            pc += BC_OPLEN_LEN;
            break;
        }
        case OP_AT: {
            vm_val *b = --sp, *a = sp - 1;
            int64_t i;
            if (a->t != PT_LIST || !a->ref)
                return fail(s, err, cur, pc, "expected a list, found a %s", class_name(a->t));
            const vm_list *l = a->ref;
            if (!pol_type_numeric((pol_type)b->t) || !dec_to_i64(&b->d, &i) || i < 0 || i >= (int64_t)l->n)
                return fail(s, err, cur, pc, "no element at that position of a list of %u", l->n);
            vm_val tmp;
            tmp.t = PT_VOID;
            dec_init(&tmp.d);
            copy_val(&tmp, &l->items[i]);
            copy_val(a, &tmp);
            dec_clear(&tmp.d);
            pc += BC_OPLEN_AT;
            break;
        }
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MIN: case OP_MAX: {
            vm_val *b = --sp, *a = sp - 1;
            if (__builtin_expect(pol_type_numeric((pol_type)a->t) && pol_type_numeric((pol_type)b->t), 1)) {
                /* two int64 decimals, the usual amounts: dec.h's int64 cases
                 * of dec_add, dec_sub and dec_mul without the call (anything
                 * else, an overflow included, goes through dec.c below) */
                int64_t c;
                int32_t sc;
                if (op == OP_MUL ? dec_small_mul(&a->d, &b->d, &c, &sc)
                                 : (op == OP_ADD || op == OP_SUB) && dec_small_addsub(&a->d, &b->d, op == OP_SUB, &c, &sc)) {
                    a->d.coef = c;
                    a->d.scale = sc;
                    pc += BC_OPLEN_ADD;
                    break;
                }
            }
            if ((op == OP_MIN || op == OP_MAX) && a->t == b->t && (a->t == PT_DATE || a->t == PT_MONTH)) {
                if (op == OP_MIN ? b->i < a->i : b->i > a->i)
                    a->i = b->i;
                pc += BC_OPLEN_ADD;
                break;
            }
            if ((a->t == PT_DATE || a->t == PT_MONTH) && (op == OP_ADD || op == OP_SUB)) {
                /* date ± days, month ± months, date - date, month - month */
                int64_t delta;
                if (b->t == a->t && op == OP_SUB) {
                    dec_set_i64(&a->d, (int64_t)a->i - b->i);
                    a->t = PT_INT;
                    pc += BC_OPLEN_ADD;
                    break;
                }
                if (!pol_type_numeric((pol_type)b->t) || !dec_is_integer(&b->d))
                    return fail(s, err, cur, pc, "a %s moves by a whole number", class_name(a->t));
                int64_t lo = a->t == PT_DATE ? CD_MIN_DAY : CD_MIN_MONTH, hi = a->t == PT_DATE ? CD_MAX_DAY : CD_MAX_MONTH;
                /* a whole number too large for int64, or larger than the whole
                 * calendar, leaves it: no int64 sum that could overflow */
                if (!dec_to_i64(&b->d, &delta) || delta < lo - hi || delta > hi - lo)
                    return fail(s, err, cur, pc, "%s out of the years 1..9999", class_name(a->t));
                int64_t nv = op == OP_ADD ? (int64_t)a->i + delta : (int64_t)a->i - delta;
                if (nv < lo || nv > hi)
                    return fail(s, err, cur, pc, "%s out of the years 1..9999", class_name(a->t));
                a->i = (int32_t)nv;
                pc += BC_OPLEN_ADD;
                break;
            }
            NEED_NUM(a);
            NEED_NUM(b);
            switch ((pol_opcode)op) {
            case OP_ADD: DEC_CHECK(dec_add(&a->d, &a->d, &b->d)); break;
            case OP_SUB: DEC_CHECK(dec_sub(&a->d, &a->d, &b->d)); break;
            case OP_MUL: DEC_CHECK(dec_mul(&a->d, &a->d, &b->d)); break;
            case OP_DIV: DEC_CHECK(dec_div(&a->d, &a->d, &b->d)); break;
            case OP_MIN: dec_min(&a->d, &a->d, &b->d); break;
            default: dec_max(&a->d, &a->d, &b->d); break;
            }
            pc += BC_OPLEN_ADD;
            break;
        }
        case OP_NEG: {
            vm_val *a = sp - 1;
            NEED_NUM(a);
            dec_neg(&a->d, &a->d);
            pc += BC_OPLEN_NEG;
            break;
        }
        case OP_ROUND: {
            vm_val *a = sp - 1;
            NEED_NUM(a);
            vm_val *tv = tracing ? log_event(s, VM_EV_ROUND, cur, code[pc + 1], code[pc + 2], pc, 2) : NULL;
            if (tv)
                copy_val(tv, a);
            DEC_CHECK(dec_round(&a->d, &a->d, (int32_t)code[pc + 1], (dec_mode)code[pc + 2]));
            if (tv)
                copy_val(tv + 1, a);
            pc += BC_OPLEN_ROUND;
            break;
        }
        case OP_ROUNDV: {
            vm_val *m = --sp, *a = sp - 1;
            NEED_NUM(a);
            if (m->t != PT_ROUNDING || m->i < 0 || m->i >= DEC_MODE_COUNT)
                return fail(s, err, cur, pc, "expected a rounding mode, found a %s", class_name(m->t));
            vm_val *tv = tracing ? log_event(s, VM_EV_ROUND, cur, code[pc + 1], (uint32_t)m->i, pc, 2) : NULL;
            if (tv)
                copy_val(tv, a);
            DEC_CHECK(dec_round(&a->d, &a->d, (int32_t)code[pc + 1], (dec_mode)m->i));
            if (tv)
                copy_val(tv + 1, a);
            pc += BC_OPLEN_ROUNDV;
            break;
        }
        case OP_TOINT: {
            vm_val *a = sp - 1;
            NEED_NUM(a);
            vm_val *tv = tracing ? log_event(s, VM_EV_ROUND, cur, 0, code[pc + 1], pc, 2) : NULL;
            if (tv)
                copy_val(tv, a);
            DEC_CHECK(dec_round(&a->d, &a->d, 0, (dec_mode)code[pc + 1]));
            a->t = PT_INT;
            if (tv)
                copy_val(tv + 1, a);
            pc += BC_OPLEN_TOINT;
            break;
        }
        case OP_CLAMP: {
            vm_val *hi = --sp, *lo = --sp, *a = sp - 1;
            int c;
            if (pol_type_numeric((pol_type)a->t) && pol_type_numeric((pol_type)lo->t) && pol_type_numeric((pol_type)hi->t)) {
                if (dec_cmp(&lo->d, &hi->d) > 0) {
                    char l[64], h[64];
                    if (dec_format_exact(&lo->d, l, sizeof l) >= (int)sizeof l)
                        snprintf(l, sizeof l, "%s", FRAG("(a long number)"));
                    if (dec_format_exact(&hi->d, h, sizeof h) >= (int)sizeof h)
                        snprintf(h, sizeof h, "%s", FRAG("(a long number)"));
                    return fail(s, err, cur, pc, "clamp: the lower bound %s is above the upper bound %s", l, h);
                }
                if ((c = dec_cmp(&a->d, &lo->d)) < 0)
                    fast_dec_set(&a->d, &lo->d);
                else if (c > 0 && dec_cmp(&a->d, &hi->d) > 0)
                    fast_dec_set(&a->d, &hi->d);
            } else if ((a->t == PT_DATE || a->t == PT_MONTH) && lo->t == a->t && hi->t == a->t) {
                if (lo->i > hi->i) {
                    char l[16], h[16];
                    if (a->t == PT_DATE) {
                        cd_format_date(lo->i, l);
                        cd_format_date(hi->i, h);
                    } else {
                        cd_format_month(lo->i, l);
                        cd_format_month(hi->i, h);
                    }
                    return fail(s, err, cur, pc, "clamp: the lower bound %s is after the upper bound %s", l, h);
                }
                a->i = a->i < lo->i ? lo->i : a->i > hi->i ? hi->i : a->i;
            } else
                return fail(s, err, cur, pc, "clamp needs three numbers, dates or months, found a %s, a %s and a %s", class_name(a->t),
                            class_name(lo->t), class_name(hi->t));
            pc += BC_OPLEN_CLAMP;
            break;
        }
        case OP_WITHIN: {
            vm_val *hi = --sp, *lo = --sp, *a = sp - 1;
            bool in;
            if (pol_type_numeric((pol_type)a->t) && pol_type_numeric((pol_type)lo->t) && pol_type_numeric((pol_type)hi->t))
                in = dec_cmp(&lo->d, &a->d) <= 0 && dec_cmp(&a->d, &hi->d) <= 0;
            else if ((a->t == PT_DATE || a->t == PT_MONTH) && lo->t == a->t && hi->t == a->t)
                in = lo->i <= a->i && a->i <= hi->i;
            else
                return fail(s, err, cur, pc, "'in' needs three numbers, dates or months, found a %s, a %s and a %s", class_name(a->t),
                            class_name(lo->t), class_name(hi->t));
            a->t = PT_BOOL;
            a->i = in;
            pc += BC_OPLEN_WITHIN;
            break;
        }
        case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
            vm_val *b = --sp, *a = sp - 1;
            int c;
            bool an = pol_type_numeric((pol_type)a->t), bn = pol_type_numeric((pol_type)b->t);
            if (an && bn)
                c = dec_cmp(&a->d, &b->d);
            else if (an || bn || a->t != b->t)
                return fail(s, err, cur, pc, "cannot compare a %s with a %s", class_name(a->t), class_name(b->t));
            else if (a->t == PT_TEXT) /* s is never NULL: texts come from verified constants, TOTEXT, inputs */
                c = strcmp(a->s ? a->s : "", b->s ? b->s : "");
            else
                c = (a->i > b->i) - (a->i < b->i);
            bool res;
            switch ((pol_opcode)op) {
            case OP_EQ: res = c == 0; break;
            case OP_NE: res = c != 0; break;
            case OP_LT: res = c < 0; break;
            case OP_LE: res = c <= 0; break;
            case OP_GT: res = c > 0; break;
            default: res = c >= 0; break;
            }
            a->t = PT_BOOL;
            a->i = res;
            pc += BC_OPLEN_EQ;
            break;
        }
        case OP_NOT: {
            vm_val *a = sp - 1;
            if (a->t != PT_BOOL)
                return fail(s, err, cur, pc, "expected a boolean, found a %s", class_name(a->t));
            a->i = !a->i;
            pc += BC_OPLEN_NOT;
            break;
        }
        case OP_JMP:
            pc = code[pc + 1];
            break;
        case OP_JMPF: {
            vm_val *c = --sp;
            if (c->t != PT_BOOL)
                return fail(s, err, cur, pc, "expected a boolean condition, found a %s", class_name(c->t));
            if (tracing) { /* only the shape of an if (a forward jump before the target): not loops */
                uint32_t t = code[pc + 1];
                if (t >= 2 && code[t - 2] == OP_JMP && code[t - 1] > t)
                    log_event(s, VM_EV_BRANCH, cur, (uint32_t)c->i, 0, pc, 0);
            }
            pc = c->i ? pc + BC_OPLEN_JMPF : code[pc + 1];
            break;
        }
        case OP_SWITCH: {
            vm_val *a = --sp;
            const bc_enum *en = &p->enums[code[pc + 1]];
            if (a->t != PT_ENUM || a->i < 0 || (uint32_t)a->i >= en->nmembers)
                return fail(s, err, cur, pc, "expected a member of %s, found a %s", en->name, class_name(a->t));
            if (tracing) /* for the ARM it jumps to (a match's; a table's lookup has none) */
                s->arm_member = *a;
            /* the table's m-th JMP, verified (verify.c): its target */
            pc = code[pc + BC_OPLEN_SWITCH + (uint32_t)a->i * BC_OPLEN_JMP + 1];
            break;
        }
        case OP_FAIL:
            return fail(s, err, cur, pc, "%s", p->consts[code[pc + 1]].text);
        case OP_FIELD: {
            vm_val *a = sp - 1;
            const bc_enum *en = &p->enums[code[pc + 1]];
            /* a->i < 0 is unreachable: members come from verified constants and inputs */
            if (a->t != PT_ENUM || a->i < 0 || (uint32_t)a->i >= en->nmembers)
                return fail(s, err, cur, pc, "expected a member of %s, found a %s", en->name, class_name(a->t));
            set_from_const(a, &p->consts[en->members[a->i].values[code[pc + 2]]]);
            pc += BC_OPLEN_FIELD;
            break;
        }
        case OP_LOCAL: {
            const vm_val *l = &s->locals[p->rules[cur].local_base + code[pc + 1]];
            if (l->t == PT_VOID)
                return fail(s, err, cur, pc, "local slot read before it was set");
            copy_val(sp++, l);
            pc += BC_OPLEN_LOCAL;
            break;
        }
        case OP_ARM:
            if (tracing) { /* the arm taken and the member it was taken for (explain.c: the match step) */
                vm_val *tv = log_event(s, VM_EV_ARM, cur, code[pc + 1], 0, pc, 1);
                if (tv)
                    copy_val(tv, &s->arm_member);
            }
            pc += BC_OPLEN_ARM;
            break;
        case OP_ARMVAL:
            if (tracing) {
                vm_val *tv = log_event(s, VM_EV_ARMVAL, cur, code[pc + 1], 0, pc, 1);
                if (tv)
                    copy_val(tv, sp - 1);
            }
            pc += BC_OPLEN_ARMVAL;
            break;
        case OP_SETLOCAL:
            copy_val(&s->locals[p->rules[cur].local_base + code[pc + 1]], --sp);
            pc += BC_OPLEN_SETLOCAL;
            break;
        case OP_POP:
            --sp;
            pc += BC_OPLEN_POP;
            break;
        case OP_APPLIED:
            if (tracing)
                log_lookup(s, cur, BC_NONE, code[pc + 1], 0);
            pc += BC_OPLEN_APPLIED;
            break;
        case OP_MONTH_OF: case OP_DAY_OF: {
            vm_val *a = sp - 1;
            if (a->t != PT_DATE)
                return fail(s, err, cur, pc, "expected a date, found a %s", class_name(a->t));
            int y, m, d;
            cd_to_ymd(a->i, &y, &m, &d);
            if (op == OP_MONTH_OF) {
                a->t = PT_MONTH;
                a->i = y * 12 + m - 1;
            } else {
                a->t = PT_INT;
                dec_set_i64(&a->d, d);
            }
            pc += BC_OPLEN_MONTH_OF;
            break;
        }
        case OP_YEAR_OF: case OP_MONTH_NUM: {
            vm_val *a = sp - 1;
            int y, m, d;
            if (a->t == PT_DATE)
                cd_to_ymd(a->i, &y, &m, &d);
            else if (a->t == PT_MONTH) {
                y = a->i / 12;
                m = a->i % 12 + 1;
            } else
                return fail(s, err, cur, pc, "expected a date or month, found a %s", class_name(a->t));
            a->t = PT_INT;
            dec_set_i64(&a->d, op == OP_YEAR_OF ? y : m);
            pc += BC_OPLEN_YEAR_OF;
            break;
        }
        case OP_MKDATE: case OP_MKMONTH: {
            int n = op == OP_MKDATE ? 3 : 2;
            int64_t v[3] = {0, 0, 1};
            for (int k = 0; k < n; k++) {
                vm_val *x = sp - n + k;
                if (!pol_type_numeric((pol_type)x->t) || !dec_to_i64(&x->d, &v[k]))
                    return fail(s, err, cur, pc, "a date is built from whole numbers");
            }
            sp -= n - 1;
            vm_val *a = sp - 1;
            if (v[0] < CD_MIN_YEAR || v[0] > CD_MAX_YEAR || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
                !cd_valid_ymd((int)v[0], (int)v[1], (int)v[2])) {
                if (n == 2) /* (a month once printed a trailing 0 here: "2025-130") */
                    return fail(s, err, cur, pc, "%lld-%lld is not a calendar month", (long long)v[0], (long long)v[1]);
                return fail(s, err, cur, pc, "%lld-%lld-%lld is not a calendar date", (long long)v[0], (long long)v[1],
                            (long long)v[2]);
            }
            if (op == OP_MKDATE) {
                a->t = PT_DATE;
                a->i = cd_from_ymd((int)v[0], (int)v[1], (int)v[2]);
            } else {
                a->t = PT_MONTH;
                a->i = (int32_t)(v[0] * 12 + v[1] - 1);
            }
            pc += BC_OPLEN_MKDATE;
            break;
        }
        case OP_FIRST_DAY: case OP_LAST_DAY: {
            vm_val *a = sp - 1;
            if (a->t != PT_MONTH)
                return fail(s, err, cur, pc, "expected a month, found a %s", class_name(a->t));
            int y = a->i / 12, m = a->i % 12 + 1;
            a->t = PT_DATE;
            a->i = cd_from_ymd(y, m, op == OP_FIRST_DAY ? 1 : cd_days_in_month(y, m));
            pc += BC_OPLEN_FIRST_DAY;
            break;
        }
        case OP_ADD_MONTHS: {
            vm_val *b = --sp, *a = sp - 1;
            int64_t n;
            if (!pol_type_numeric((pol_type)b->t) || !dec_is_integer(&b->d))
                return fail(s, err, cur, pc, "add_months needs a whole number of months");
            if (!dec_to_i64(&b->d, &n) || n < -VM_MAX_MONTH_SHIFT || n > VM_MAX_MONTH_SHIFT) {
                char shown[48];
                if (dec_format_exact(&b->d, shown, sizeof shown) >= (int)sizeof shown)
                    snprintf(shown, sizeof shown, "%s", dec_sign(&b->d) < 0 ? FRAG("a huge negative number of") : FRAG("a huge number of"));
                return fail(s, err, cur, pc, "add_months by %s months goes out of the years 1..9999", shown);
            }
            if (a->t == PT_MONTH) {
                int64_t nv = (int64_t)a->i + n;
                if (nv < CD_MIN_MONTH || nv > CD_MAX_MONTH)
                    return fail(s, err, cur, pc, "month out of the years 1..9999");
                a->i = (int32_t)nv;
            } else if (a->t == PT_DATE) {
                int y, m, d;
                cd_to_ymd(a->i, &y, &m, &d);
                int64_t mm = (int64_t)y * 12 + (m - 1) + n;
                if (mm < CD_MIN_MONTH || mm > CD_MAX_MONTH)
                    return fail(s, err, cur, pc, "date out of the years 1..9999");
                int ny = (int)(mm / 12), nm = (int)(mm % 12) + 1;
                int dim = cd_days_in_month(ny, nm);
                if (d <= dim)
                    a->i = cd_from_ymd(ny, nm, d);
                else if (code[pc + 1] == CD_END_DOWN) /* 01-31 + 1 month = 02-28/29 */
                    a->i = cd_from_ymd(ny, nm, dim);
                else if (code[pc + 1] == CD_END_UP) /* 01-31 + 1 month = 03-01 (December lacks no day: no year 10000) */
                    a->i = cd_from_ymd(ny, nm, dim) + 1;
                else {
                    char from[16];
                    cd_format_date(a->i, from);
                    return fail(s, err, cur, pc,
                                "%s moved by %lld months falls on %04d-%02d-%02d, which does not exist; say which day is meant: "
                                "add_months(..., down) gives %04d-%02d-%02d, add_months(..., up) gives the 1st of the next month "
                                "(or set month_end in the header)",
                                from, (long long)n, ny, nm, d, ny, nm, dim);
                }
            } else
                return fail(s, err, cur, pc, "add_months needs a date or a month, found a %s", class_name(a->t));
            pc += BC_OPLEN_ADD_MONTHS;
            break;
        }
        default:
#ifdef NDEBUG
            /* the verifier refuses unknown opcodes: an optimised build
             * dispatches without a range check (a debug build keeps it) */
            __builtin_unreachable();
#else
            return fail(s, err, cur, pc, "unknown opcode %u", op);
#endif
        }
        continue;
    not_applicable:
        /* Every rule on the chain needs the one that does not apply: none
         * of them applies, up to the nearest applicable() (which pushes
         * false) or requirement check (a requirement that does not apply
         * holds; its INPUT runs again). */
        for (;;) {
            if (p->rules[cur].nargs) {
                s->rstate[cur] = VM_UNSET;
                if (tracing)
                    log_event(s, VM_EV_NA, cur, nk, 0, pc, 0);
            } else {
                s->rstate[cur] = VM_NA;
                s->na_k[cur] = nk;
                s->na_cite[cur] = ncite;
            }
            if (s->nframes == 0)
                return na_fail(s, err, cur, nk, ncite);
            const uint32_t *f = &s->frames[4 * --s->nframes];
            if (f[3] & FR_RESTORE) {
                restore_locals(s, cur);
                s->rstate[cur] = VM_BUSY;
            }
            pc = f[0];
            cur = f[1];
            sp = base;
            base = s->stack + f[2];
            if (f[3] == FR_PROBE) {
                sp->t = PT_BOOL;
                sp->i = 0;
                sp++;
                break;
            }
            if (f[3] == FR_GUARD)
                break;
        }
    }
#undef NEED_NUM
#undef DEC_CHECK
#undef ENTER
#undef ROOM_FOR_FRAME
}

/* The steps left are counted down in a local (a register, once run_body is
 * inlined) rather than in s->steps, which every instruction would load and
 * store; s->steps is brought up to date when the run ends.  No limit: more
 * steps than any evaluation takes. */
static inline uint64_t steps_left(const vm_state *s)
{
    /* one more than the steps allowed: the loop fails on the step that
     * brings it to 0 (a decrement and a branch) */
    if (!s->max_steps)
        return UINT64_MAX;
    uint64_t rem = s->steps < s->max_steps ? s->max_steps - s->steps : 0;
    return rem == UINT64_MAX ? rem : rem + 1;
}

static int run_fast(vm_state *s, uint32_t r, vm_error *err, const vm_roots *roots)
{
    uint64_t left = steps_left(s), start = left;
    int rc = run_body(s, r, err, false, &left, roots);
    s->steps += start - left;
    return rc;
}

static int run_traced(vm_state *s, uint32_t r, vm_error *err, const vm_roots *roots)
{
    uint64_t left = steps_left(s), start = left;
    int rc = run_body(s, r, err, true, &left, roots);
    s->steps += start - left;
    return rc;
}

static int run_roots(vm_state *s, uint32_t r, vm_error *err, const vm_roots *roots)
{
    return s->trace ? run_traced(s, r, err, roots) : run_fast(s, r, err, roots);
}

static int run(vm_state *s, uint32_t r, vm_error *err) { return run_roots(s, r, err, NULL); }

/* After a failed run: the rules left half-evaluated on the chain are
 * forgotten, and an error met while checking a requirement says so. */
static void unwind(vm_state *s, vm_error *err)
{
    const bc_program *p = s->p;
    uint32_t guard = BC_NONE;
    for (uint32_t k = s->nframes; k-- > 0;) {
        const uint32_t *f = &s->frames[4 * k];
        if (f[3] == FR_GUARD && guard == BC_NONE)
            guard = k + 1 < s->nframes ? s->frames[4 * (k + 1) + 1] : err->rule;
        if (f[1] < p->nrules && s->rstate[f[1]] == VM_BUSY)
            s->rstate[f[1]] = VM_UNSET;
    }
    if (err->rule < p->nrules && s->rstate[err->rule] == VM_BUSY)
        s->rstate[err->rule] = VM_UNSET;
    s->nframes = 0;
    if (guard < p->nrules && err->kind == VM_FAIL_ERROR) {
        size_t n = strlen(err->msg), m = strlen(err->text);
        char c[300];
        cite_text(p->rules[guard].cite, c, sizeof c);
        pol_tr_format2(err->msg + n, sizeof err->msg - n, err->text + m, sizeof err->text - m,
                       " (needed by requirement %s%s)", p->rules[guard].name, c);
    }
}

int vm_eval(vm_state *s, uint32_t r, vm_error *err)
{
    int rc = vm_eval_na_lazy(s, r, err);
    if (rc != 0 && err->kind == VM_FAIL_NA)
        vm_na_message(s, err);
    return rc;
}

int vm_eval_na_lazy(vm_state *s, uint32_t r, vm_error *err)
{
    return vm_eval_roots(s, &r, 1, NULL, err);
}

int vm_eval_roots(vm_state *s, const uint32_t *rules, uint32_t n, uint32_t *done, vm_error *err)
{
    uint32_t one = 0;
    if (!done)
        done = &one;
    const uint32_t r = rules[*done];
    const vm_roots roots = {rules, n, done};
    const bc_program *p = s->p;
    err->input = BC_NONE;
    err->guard = BC_NONE;
    err->kind = VM_FAIL_ERROR;
    if (r >= p->nrules)
        return fail(s, err, BC_NONE, 0, "no rule %u", r);
    if (p->rules[r].nargs)
        return fail(s, err, r, p->rules[r].entry, "%s is a function; it is evaluated only when called", p->rules[r].name);
    if (s->rstate[r] == VM_DONE) {
        ++*done;
        return 0;
    }
    if (s->rstate[r] == VM_NA)
        return na_fail(s, err, r, s->na_k[r], s->na_cite[r]);
    uint32_t ni = p->ninputs;
    while (s->in_ok[ni] != 2) { /* the requirements that refer to no input */
        uint32_t g = 0;
        int gr = input_guards(s, ni, &g, err, r, p->rules[r].entry);
        if (gr < 0)
            return -1;
        if (gr == 0)
            break;
        if (run(s, g, err) != 0 && err->kind != VM_FAIL_NA) {
            unwind(s, err);
            return -1;
        }
    }
    int rc = run_roots(s, r, err, &roots);
    if (rc != 0 && err->kind != VM_FAIL_NA)
        unwind(s, err);
    s->nframes = 0;
    return rc;
}
