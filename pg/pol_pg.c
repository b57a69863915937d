/* pol_pg.c -- the PostgreSQL 15 extension: pol policies evaluated inside the
 * database (docs/scale.md; the SQL interface is pg/pol--1.0.sql).
 *
 * Policies are compiled bytes stored in the extension's table pol_policies
 * (pol_load), so every backend and every replica sees the same policy.  Each
 * backend keeps the policies it has used in a cache (name -> loaded
 * pol_policy and a reusable evaluator).  The cache is marked stale by a
 * relcache invalidation on pol_policies: the table's statement trigger
 * (pol_policies_changed) sends one at commit of any write, every backend
 * (and a hot standby replaying the commit) receives it before its next
 * transaction or lock, and the next lookup reloads.  Nothing is freed inside
 * the callback itself: it only raises a flag, so a lookup never loses the
 * entry it is using.  One race is closed by hand: an invalidation that
 * arrives while a policy is being read (the read takes the table's lock,
 * which processes pending invalidations) may be for a commit the reading
 * snapshot does not see, and so may one processed in this backend before
 * the library was loaded (the first statement, or the first transaction
 * under REPEATABLE READ, of a backend); such an entry is provisional, kept only for the
 * current statement (the current transaction under REPEATABLE READ or
 * SERIALIZABLE, whose snapshot cannot see the change either) and read again
 * after it.
 *
 * Scenarios: the jsonb is printed back to JSON text (JsonbToCString) and read
 * by libpol's own reader, which keeps every number's text; results go from
 * libpol's exact text to jsonb strings or to numeric through numeric_in.  No
 * amount passes through a float.
 *
 * libpol is linked statically (libpol.a is built position-independent and
 * with hidden visibility, so pol.so exports only the PostgreSQL entry
 * points and needs no libpol.so at run time); GMP and libsodium are shared.
 * A database in another encoding than UTF8 is refused: policies name their
 * inputs and outputs in Chinese and libpol reads UTF-8.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "pol.h"

PG_MODULE_MAGIC;

/* VM steps allowed per scenario, as polrun's default: a looping policy
 * cannot hang a backend (the VM does not reach CHECK_FOR_INTERRUPTS). */
#define POL_PG_MAX_STEPS 1000000

typedef struct polcache {
    struct polcache *next;
    char *name;          /* the policy's name in pol_policies           */
    size_t namelen;
    pol_policy *pol;
    pol_eval *ev;        /* trace off: pol_eval, pol_eval_numeric         */
    pol_eval *evx;       /* trace on: pol_explain (made on first use)     */
    Jsonb *iface;        /* the interface, for the clause of an error      */
    MemoryContext mcx;   /* holds name and iface                          */
    bool provisional;    /* an invalidation arrived while it was read     */
    LocalTransactionId lxid;  /* provisional: valid in this transaction   */
    TimestampTz stmt;    /* ... and, under READ COMMITTED, this statement */
} polcache;

static polcache *cache_head;
static bool cache_stale;
static LocalTransactionId lib_lxid = InvalidLocalTransactionId; /* when this library was loaded */
static TimestampTz lib_stmt;
static Oid cache_table;       /* pol_policies' oid, once known            */
static Oid plan_nsp = InvalidOid;
static SPIPlanPtr load_plan;
static int64 cache_loads;     /* policies read from the table (pol_cache_stats) */
static uint64 inval_count;    /* invalidations of pol_policies received     */

static void cache_free(polcache *c)
{
    if (c->ev)
        pol_eval_free(c->ev);
    if (c->evx)
        pol_eval_free(c->evx);
    pol_policy_free(c->pol);
    MemoryContextDelete(c->mcx);
    pfree(c);
}

static void cache_free_all(void)
{
    polcache *c = cache_head;
    while (c) {
        polcache *next = c->next;
        cache_free(c);
        c = next;
    }
    cache_head = NULL;
}

static void relcache_changed(Datum arg, Oid relid)
{
    (void)arg;
    /* before the table's oid is known, every invalidation counts */
    if (relid == InvalidOid || cache_table == InvalidOid || relid == cache_table) {
        cache_stale = true;
        inval_count++;
    }
}

void _PG_init(void);
void _PG_init(void)
{
    CacheRegisterRelcacheCallback(relcache_changed, (Datum)0);
    if (MyProc != NULL) {
        lib_lxid = MyProc->lxid;
        lib_stmt = GetCurrentStatementStartTimestamp();
    }
}

static void require_utf8(void)
{
    if (GetDatabaseEncoding() != PG_UTF8)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("pol: the database encoding is %s; pol needs a UTF8 database", GetDatabaseEncodingName()),
                        errhint("Policies name their inputs and outputs in Chinese; create the database with ENCODING 'UTF8'.")));
}

/* Loads policy `name` from the table into a new cache entry (or raises
 * 42704 when there is none).  The extension's schema is that of the calling
 * function, so the table is found wherever CREATE EXTENSION put it. */
static polcache *cache_load(FunctionCallInfo fcinfo, const char *name, size_t namelen)
{
    uint64 invals_before = inval_count; /* before any catalog access, which may process invalidations */
    Oid nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
    /* known before the read, so that an invalidation during it counts */
    Oid table = get_relname_relid("pol_policies", nsp);
    if (OidIsValid(table))
        cache_table = table;
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "pol: SPI_connect failed");
    if (load_plan == NULL || nsp != plan_nsp) {
        char *schema = get_namespace_name(nsp);
        char *query = psprintf("SELECT bytecode, tableoid FROM %s.pol_policies WHERE name = $1",
                               quote_identifier(schema));
        Oid argtypes[1] = {TEXTOID};
        SPIPlanPtr plan = SPI_prepare(query, 1, argtypes);
        if (plan == NULL)
            elog(ERROR, "pol: cannot prepare \"%s\": %s", query, SPI_result_code_string(SPI_result));
        if (load_plan)
            SPI_freeplan(load_plan);
        if (SPI_keepplan(plan) != 0)
            elog(ERROR, "pol: SPI_keepplan failed");
        load_plan = plan;
        plan_nsp = nsp;
    }
    Datum arg = PointerGetDatum(cstring_to_text_with_len(name, (int)namelen));
    int rc = SPI_execute_plan(load_plan, &arg, NULL, true, 1);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "pol: reading pol_policies failed: %s", SPI_result_code_string(rc));
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("pol: no policy named \"%.*s\"", (int)namelen, name),
                        errhint("Load it with pol_load(name, bytecode); the view pol_loaded lists the policies.")));
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    bytea *bc = DatumGetByteaPP(d);
    d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
    cache_table = DatumGetObjectId(d);
    char msg[600];
    pol_policy *pol = pol_policy_from_bytes((const uint8_t *)VARDATA_ANY(bc), VARSIZE_ANY_EXHDR(bc), msg, sizeof msg);
    if (pol == NULL)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("pol: stored policy \"%.*s\" cannot be loaded: %s", (int)namelen, name, msg),
                        errhint("Rebuild it with polc build and load it again with pol_load.")));
    SPI_finish();
    cache_loads++;

    MemoryContext mcx = AllocSetContextCreate(TopMemoryContext, "pol policy", ALLOCSET_SMALL_SIZES);
    polcache *c = MemoryContextAllocZero(TopMemoryContext, sizeof *c);
    c->mcx = mcx;
    c->name = MemoryContextAlloc(mcx, namelen + 1);
    memcpy(c->name, name, namelen);
    c->name[namelen] = '\0';
    c->namelen = namelen;
    c->pol = pol;
    char *iface = pol_policy_interface_json(pol);
    MemoryContext old = MemoryContextSwitchTo(mcx);
    PG_TRY();
    {
        c->iface = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(iface)));
    }
    PG_FINALLY();
    {
        MemoryContextSwitchTo(old);
        free(iface);
    }
    PG_END_TRY();
    c->ev = pol_eval_new(pol);
    pol_eval_set_step_limit(c->ev, POL_PG_MAX_STEPS);
    bool first = lib_lxid != InvalidLocalTransactionId && MyProc->lxid == lib_lxid &&
                 (IsolationUsesXactSnapshot() || GetCurrentStatementStartTimestamp() == lib_stmt);
    if (inval_count != invals_before) {
        /* what arrived during the read concerns the entries read before it
         * (dropped now: the caller holds none of them) and perhaps this one */
        cache_free_all();
        cache_stale = false;
    }
    if (inval_count != invals_before || first) {
        c->provisional = true;
        c->lxid = MyProc->lxid;
        c->stmt = GetCurrentStatementStartTimestamp();
    }
    c->next = cache_head;
    cache_head = c;
    return c;
}

static polcache *cache_get(FunctionCallInfo fcinfo, text *name)
{
    require_utf8();
    if (cache_stale) {
        cache_free_all();
        cache_stale = false;
    }
    const char *n = VARDATA_ANY(name);
    size_t len = VARSIZE_ANY_EXHDR(name);
    for (polcache **pc = &cache_head; *pc; pc = &(*pc)->next) {
        polcache *c = *pc;
        if (c->namelen != len || memcmp(c->name, n, len) != 0)
            continue;
        if (c->provisional && (c->lxid != MyProc->lxid ||
                               (!IsolationUsesXactSnapshot() && c->stmt != GetCurrentStatementStartTimestamp()))) {
            *pc = c->next;
            cache_free(c);
            break;
        }
        return c;
    }
    return cache_load(fcinfo, n, len);
}

/* ---- errors ---- */

static const char *status_kind(pol_status s)
{
    switch (s) {
    case POL_E_INPUT: return "input";
    case POL_E_BOUND: return "bound";
    case POL_E_RUNTIME: return "runtime";
    case POL_NOT_APPLICABLE: return "not applicable";
    case POL_UNSTATED: return "unstated";
    default: return "ok";
    }
}

/* A bad scenario (a missing, unknown or mistyped field, an input outside its
 * bounds) is 22023 invalid_parameter_value; an evaluation that fails on a
 * valid scenario (no parameter version for the date, division by zero, the
 * step limit) is 22000 data_exception. */
static int status_sqlstate(pol_status s)
{
    return s == POL_E_RUNTIME ? ERRCODE_DATA_EXCEPTION : ERRCODE_INVALID_PARAMETER_VALUE;
}

/* An error's status as the extension reports it: libpol finds a missing
 * input when an output first reads it and reports it as a runtime error of
 * that output, with the input as its field; that is a bad scenario. */
static pol_status effective_status(const polcache *c, const pol_error *e)
{
    if (e->status == POL_E_RUNTIME && e->field[0] && pol_find_input(c->pol, e->field, strlen(e->field)) >= 0)
        return POL_E_INPUT;
    return e->status;
}

/* The clause (cite) of the input or output named `field`, or NULL. */
static char *clause_of(const polcache *c, const char *field)
{
    static const char *lists[] = {"inputs", "outputs"};
    size_t flen = strlen(field);
    if (flen == 0)
        return NULL;
    for (int l = 0; l < 2; l++) {
        JsonbValue *arr = getKeyJsonValueFromContainer(&c->iface->root, lists[l], (int)strlen(lists[l]), NULL);
        if (arr == NULL || arr->type != jbvBinary)
            continue;
        uint32 n = JsonContainerSize(arr->val.binary.data);
        for (uint32 i = 0; i < n; i++) {
            JsonbValue *el = getIthJsonbValueFromContainer(arr->val.binary.data, i);
            if (el == NULL || el->type != jbvBinary)
                continue;
            JsonbValue *nm = getKeyJsonValueFromContainer(el->val.binary.data, "name", 4, NULL);
            if (nm == NULL || nm->type != jbvString || (size_t)nm->val.string.len != flen ||
                memcmp(nm->val.string.val, field, flen) != 0)
                continue;
            JsonbValue *cite = getKeyJsonValueFromContainer(el->val.binary.data, "cite", 4, NULL);
            if (cite == NULL || cite->type != jbvString)
                return NULL;
            return pnstrdup(cite->val.string.val, cite->val.string.len);
        }
    }
    return NULL;
}

static char *position_of(const pol_error *e)
{
    char buf[600];
    pol_pos_text(&e->pos, buf, sizeof buf);
    return pstrdup(buf);
}

pg_attribute_noreturn() static void raise_pol_error(const polcache *c, const pol_error *e)
{
    char *clause = clause_of(c, e->field);
    char *pos = position_of(e);
    pol_status st = effective_status(c, e);
    ereport(ERROR, (errcode(status_sqlstate(st)), errmsg("pol: %s", e->msg),
                    errdetail("policy \"%s\", %s error; field: %s; position: %s; clause: %s", c->name,
                              status_kind(st), e->field[0] ? e->field : "(none)",
                              pos[0] ? pos : "(none)", clause ? clause : "(none)")));
    pg_unreachable();
}

/* {"kind": ..., "field": ..., "position": ..., "clause": ..., "message": ...,
 * "sqlstate": ...} as jsonb, the lenient variant's answer. */
static Jsonb *error_object(const polcache *c, const pol_error *e)
{
    char *clause = clause_of(c, e->field);
    char *pos = position_of(e);
    pol_status st = effective_status(c, e);
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfoString(&s, "{\"kind\": ");
    escape_json(&s, status_kind(st));
    appendStringInfoString(&s, ", \"field\": ");
    if (e->field[0])
        escape_json(&s, e->field);
    else
        appendStringInfoString(&s, "null");
    appendStringInfoString(&s, ", \"position\": ");
    if (pos[0])
        escape_json(&s, pos);
    else
        appendStringInfoString(&s, "null");
    appendStringInfoString(&s, ", \"clause\": ");
    if (clause)
        escape_json(&s, clause);
    else
        appendStringInfoString(&s, "null");
    appendStringInfoString(&s, ", \"message\": ");
    escape_json(&s, e->msg);
    appendStringInfoString(&s, ", \"sqlstate\": ");
    escape_json(&s, unpack_sql_state(status_sqlstate(st)));
    appendStringInfoString(&s, "}");
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}

/* ---- evaluation ---- */

/* Sets the scenario and runs: 0; -1 with *err when an output failed; -2
 * with *err when the scenario was refused before any output ran. */
static int run_scenario(pol_eval *ev, Jsonb *scen, bool allow_extra, pol_error *err)
{
    if (!JB_ROOT_IS_OBJECT(scen) || JB_ROOT_IS_SCALAR(scen))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("pol: a scenario must be a JSON object {\"input\": value, ...}")));
    char *text = JsonbToCString(NULL, &scen->root, VARSIZE(scen));
    pol_eval_begin(ev);
    int rc = pol_eval_set_json(ev, text, strlen(text), allow_extra, err);
    pfree(text);
    if (rc != 0)
        return -2;
    return pol_eval_run(ev, err);
}

static Jsonb *malloced_json(char *json)
{
    if (json == NULL)
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("pol: out of memory")));
    Jsonb *j;
    PG_TRY();
    {
        j = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
    }
    PG_FINALLY();
    {
        free(json);
    }
    PG_END_TRY();
    return j;
}

PG_FUNCTION_INFO_V1(pol_eval_jsonb);
Datum pol_eval_jsonb(PG_FUNCTION_ARGS)
{
    polcache *c = cache_get(fcinfo, PG_GETARG_TEXT_PP(0));
    pol_error err;
    if (run_scenario(c->ev, PG_GETARG_JSONB_P(1), PG_GETARG_BOOL(2), &err) != 0)
        raise_pol_error(c, &err);
    PG_RETURN_JSONB_P(malloced_json(pol_eval_outputs_json(c->ev)));
}

PG_FUNCTION_INFO_V1(pol_try_eval_jsonb);
Datum pol_try_eval_jsonb(PG_FUNCTION_ARGS)
{
    polcache *c = cache_get(fcinfo, PG_GETARG_TEXT_PP(0));
    pol_error err;
    if (run_scenario(c->ev, PG_GETARG_JSONB_P(1), PG_GETARG_BOOL(2), &err) != 0) {
        Jsonb *e = error_object(c, &err);
        StringInfoData s;
        initStringInfo(&s);
        appendStringInfoString(&s, "{\"error\": ");
        appendStringInfoString(&s, JsonbToCString(NULL, &e->root, VARSIZE(e)));
        appendStringInfoString(&s, "}");
        PG_RETURN_JSONB_P(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data))));
    }
    Jsonb *out = malloced_json(pol_eval_outputs_json(c->ev));
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfoString(&s, "{\"outputs\": ");
    appendStringInfoString(&s, JsonbToCString(NULL, &out->root, VARSIZE(out)));
    appendStringInfoString(&s, "}");
    PG_RETURN_JSONB_P(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data))));
}

PG_FUNCTION_INFO_V1(pol_explain_jsonb);
Datum pol_explain_jsonb(PG_FUNCTION_ARGS)
{
    polcache *c = cache_get(fcinfo, PG_GETARG_TEXT_PP(0));
    if (c->evx == NULL) {
        c->evx = pol_eval_new(c->pol);
        pol_eval_set_step_limit(c->evx, POL_PG_MAX_STEPS);
        pol_eval_set_trace(c->evx, true);
    }
    pol_error err;
    if (run_scenario(c->evx, PG_GETARG_JSONB_P(1), PG_GETARG_BOOL(2), &err) != 0)
        raise_pol_error(c, &err);
    PG_RETURN_JSONB_P(malloced_json(pol_eval_explain_json(c->evx)));
}

/* "9.5" with a trailing "%" as the decimal 0.095, by moving the point:
 * exact, as text.  Returns a palloc'd string. */
static char *percent_to_decimal(const char *t, size_t len)
{
    StringInfoData s;
    initStringInfo(&s);
    size_t i = 0;
    if (i < len && (t[i] == '-' || t[i] == '+'))
        appendStringInfoChar(&s, t[i++]);
    const char *digits = t + i;
    size_t nd = len - i;
    const char *dot = memchr(digits, '.', nd);
    size_t intlen = dot ? (size_t)(dot - digits) : nd;
    /* integer part shifted two places: its last two digits join the fraction */
    if (intlen > 2)
        appendBinaryStringInfo(&s, digits, (int)(intlen - 2));
    else
        appendStringInfoChar(&s, '0');
    appendStringInfoChar(&s, '.');
    for (size_t k = intlen; k < 2; k++)
        appendStringInfoChar(&s, '0');
    appendBinaryStringInfo(&s, digits + (intlen > 2 ? intlen - 2 : 0), (int)(intlen > 2 ? 2 : intlen));
    if (dot)
        appendBinaryStringInfo(&s, dot + 1, (int)(nd - intlen - 1));
    return s.data;
}

PG_FUNCTION_INFO_V1(pol_eval_numeric_v);
Datum pol_eval_numeric_v(PG_FUNCTION_ARGS)
{
    polcache *c = cache_get(fcinfo, PG_GETARG_TEXT_PP(0));
    text *out = PG_GETARG_TEXT_PP(2);
    const char *oname = VARDATA_ANY(out);
    size_t olen = VARSIZE_ANY_EXHDR(out);
    int r = pol_find_rule(c->pol, oname, olen);
    if (r < 0 || !pol_policy_rule_is_output(c->pol, (uint32_t)r))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("pol: policy \"%s\" has no output \"%.*s\"", c->name, (int)olen, oname),
                        errhint("pol_interface('%s') lists its outputs.", c->name)));
    pol_error err;
    if (run_scenario(c->ev, PG_GETARG_JSONB_P(1), PG_GETARG_BOOL(3), &err) == -2)
        raise_pol_error(c, &err);
    const pol_error *oe = pol_eval_output_error(c->ev, (uint32_t)r);
    if (oe != NULL) {
        if (oe->status == POL_NOT_APPLICABLE || oe->status == POL_UNSTATED)
            PG_RETURN_NULL();
        raise_pol_error(c, oe);
    }
    if (!pol_eval_has_value(c->ev, (uint32_t)r))
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("pol: output \"%s\" has neither a value nor an error", c->name)));
    const char *type = pol_eval_value_type(c->ev, (uint32_t)r);
    bool rate = strcmp(type, "rate") == 0;
    if (!rate && strcmp(type, "money") != 0 && strcmp(type, "decimal") != 0 && strcmp(type, "integer") != 0)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("pol: output \"%s\" of policy \"%s\" is a %s, not a number", pol_policy_rule_name(c->pol, (uint32_t)r),
                               c->name, type),
                        errhint("pol_eval returns every output as text.")));
    char buf[512];
    if (!pol_eval_value_text(c->ev, (uint32_t)r, buf, sizeof buf))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("pol: output \"%s\" cannot be written exactly: %s", pol_policy_rule_name(c->pol, (uint32_t)r), buf)));
    size_t len = strlen(buf);
    char *num = buf;
    if (rate && len > 0 && buf[len - 1] == '%')
        num = percent_to_decimal(buf, len - 1);
    PG_RETURN_DATUM(DirectFunctionCall3(numeric_in, CStringGetDatum(num), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

PG_FUNCTION_INFO_V1(pol_interface_jsonb);
Datum pol_interface_jsonb(PG_FUNCTION_ARGS)
{
    polcache *c = cache_get(fcinfo, PG_GETARG_TEXT_PP(0));
    PG_RETURN_JSONB_P(malloced_json(pol_policy_interface_json(c->pol)));
}

/* Checks compiled bytes (what pol_load stores) and returns the policy's
 * interface; raises 22P03 invalid_binary_representation with libpol's
 * reason when they are not a valid policy. */
PG_FUNCTION_INFO_V1(pol_check_bytecode);
Datum pol_check_bytecode(PG_FUNCTION_ARGS)
{
    require_utf8();
    bytea *bc = PG_GETARG_BYTEA_PP(0);
    char msg[600];
    pol_policy *pol = pol_policy_from_bytes((const uint8_t *)VARDATA_ANY(bc), VARSIZE_ANY_EXHDR(bc), msg, sizeof msg);
    if (pol == NULL)
        ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION), errmsg("pol: not a loadable policy: %s", msg),
                        errhint("Pass the bytes of a file written by polc build, e.g. pg_read_binary_file('x.polc').")));
    char *iface = pol_policy_interface_json(pol);
    pol_policy_free(pol);
    PG_RETURN_JSONB_P(malloced_json(iface));
}

/* This backend's cache: {"loads": policies read from the table so far,
 * "cached": [names]}.  For tests and for seeing the cache work. */
PG_FUNCTION_INFO_V1(pol_cache_stats);
Datum pol_cache_stats(PG_FUNCTION_ARGS)
{
    (void)fcinfo;
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfo(&s, "{\"loads\": " INT64_FORMAT ", \"stale\": %s, \"cached\": [", cache_loads,
                     cache_stale ? "true" : "false");
    for (polcache *c = cache_head; c; c = c->next) {
        if (c != cache_head)
            appendStringInfoString(&s, ", ");
        escape_json(&s, c->name);
    }
    appendStringInfoString(&s, "]}");
    PG_RETURN_JSONB_P(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data))));
}

/* The statement trigger on pol_policies: any write invalidates pol_policies'
 * relcache entry, which every backend's cache listens for. */
PG_FUNCTION_INFO_V1(pol_policies_changed);
Datum pol_policies_changed(PG_FUNCTION_ARGS)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED), errmsg("pol_policies_changed: not called as a trigger")));
    TriggerData *td = (TriggerData *)fcinfo->context;
    CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
    return PointerGetDatum(NULL);
}
