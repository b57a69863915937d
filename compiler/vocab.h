/* vocab.h -- the language's fixed vocabularies, one row each: built-in
 * functions, aggregates, rounding modes and header keys.  (Types are in
 * runtime/types.h, diagnostic codes in compiler/diagcodes.h.)
 *
 * Each list is an X-macro; every use expands it: the enums here, the
 * bilingual name lookups, suggestions and "(functions: ...)" message text in
 * the checker (compiler/check_vocab.c), the checker's signatures and hooks
 * (compiler/check_call.c), and codegen's lowering (compiler/codegen.c).
 * docs/language.md lists every row; tests/docs/check_docs.py compares.
 *
 * To add a built-in function: one POL_BUILTINS row.  A function with a fixed
 * signature uses chk_fn_fixed (nargs and up to three argument types, `ret`)
 * and cg_fn_args (push the arguments, emit `op`); a special one names its
 * own checker hook (chk_fn_*, in check_call.c) or lowering (cg_fn_*, in
 * codegen.c).  Names that are listed in messages appear in row order.
 */
#ifndef POL_VOCAB_H
#define POL_VOCAB_H

/* X(ID, English, Chinese, nargs, arg0, arg1, arg2, ret, check hook, lowering, opcode)
 *   nargs/arg types/ret: the fixed signature (chk_fn_fixed, chk_fn_calendar);
 *   for chk_fn_calendar ret PT_VOID means "the type of the first argument". */
#define POL_BUILTINS(X)                                                                                  \
    X(ROUND, "round", "舍入", 0, VOID, VOID, VOID, VOID, chk_fn_round, cg_fn_round, OP_ROUND)            \
    X(MIN, "min", "最小", 0, VOID, VOID, VOID, VOID, chk_fn_extremum, cg_fn_fold, OP_MIN)                \
    X(MAX, "max", "最大", 0, VOID, VOID, VOID, VOID, chk_fn_extremum, cg_fn_fold, OP_MAX)                \
    X(MONTH_OF, "month_of", "所在月", 1, DATE, VOID, VOID, MONTH, chk_fn_fixed, cg_fn_args, OP_MONTH_OF) \
    X(YEAR_OF, "year_of", "年份", 1, VOID, VOID, VOID, INT, chk_fn_calendar, cg_fn_args, OP_YEAR_OF)     \
    X(MONTH_NUM, "month_number", "月序", 1, VOID, VOID, VOID, INT, chk_fn_calendar, cg_fn_args, OP_MONTH_NUM) \
    X(DAY_OF, "day_of", "日序", 1, DATE, VOID, VOID, INT, chk_fn_fixed, cg_fn_args, OP_DAY_OF)           \
    X(DATE, "date", "日期", 3, INT, INT, INT, DATE, chk_fn_fixed, cg_fn_args, OP_MKDATE)                 \
    X(MONTH, "month", "年月", 2, INT, INT, VOID, MONTH, chk_fn_fixed, cg_fn_args, OP_MKMONTH)            \
    X(FIRST_DAY, "first_day", "月初", 1, MONTH, VOID, VOID, DATE, chk_fn_fixed, cg_fn_args, OP_FIRST_DAY) \
    X(LAST_DAY, "last_day", "月末", 1, MONTH, VOID, VOID, DATE, chk_fn_fixed, cg_fn_args, OP_LAST_DAY)   \
    X(ADD_MONTHS, "add_months", "加月", 2, VOID, VOID, VOID, VOID, chk_fn_add_months, cg_fn_add_months, OP_ADD_MONTHS) \
    X(MONTHS, "months", "月数", 2, MONTH, MONTH, VOID, MONTHS, chk_fn_fixed, cg_fn_months, OP_SUB)       \
    X(LENGTH, "length", "长度", 1, LIST, VOID, VOID, INT, chk_fn_length, cg_fn_args, OP_LEN)             \
    X(TEXT, "text", "文本", 1, VOID, VOID, VOID, TEXT, chk_fn_text, cg_fn_args, OP_TOTEXT)             \
    X(CLAMP, "clamp", "限于", 3, VOID, VOID, VOID, VOID, chk_fn_clamp, cg_fn_args, OP_CLAMP)            \
    X(TO_INT, "to_integer", "取整", 2, VOID, VOID, VOID, INT, chk_fn_to_integer, cg_fn_to_integer, OP_TOINT) \
    X(APPLICABLE, "applicable", "适用", 1, VOID, VOID, VOID, BOOL, chk_fn_applicable, cg_fn_applicable, OP_APPLIC)

/* X(ID, English, Chinese, result, check hook, initial accumulator, step, opcode, empty)
 *   result: the aggregate's type (PT_VOID: the body's type);
 *   initial: AI_ZERO, AI_FALSE, AI_TRUE or AI_LIST; step: codegen's loop body;
 *   opcode: what the step combines with; empty: the run-time error when no
 *   element was found (NULL: an empty range gives the initial value). */
#define POL_AGGREGATES(X)                                                                                      \
    X(SUM, "sum", "合计", VOID, chk_agg_sum, AI_ZERO, cg_agg_combine, OP_ADD, NULL)                         \
    X(COUNT, "count", "计数", INT, chk_agg_cond, AI_ZERO, cg_agg_count, OP_ADD, NULL)                           \
    X(MIN, "min", "最小", VOID, chk_agg_extremum, AI_ZERO, cg_agg_extremum, OP_MIN, "min over no elements")      \
    X(MAX, "max", "最大", VOID, chk_agg_extremum, AI_ZERO, cg_agg_extremum, OP_MAX, "max over no elements")      \
    X(ANY, "any", "任一", BOOL, chk_agg_cond, AI_FALSE, cg_agg_test, OP_JMPF, NULL)                             \
    X(ALL, "all", "全部", BOOL, chk_agg_cond, AI_TRUE, cg_agg_test, OP_NOT, NULL)                               \
    X(LIST, "list", "列出", LIST, chk_agg_list, AI_LIST, cg_agg_combine, OP_APPEND, NULL)                       \
    X(FIRST, "first", "首个", VOID, chk_agg_first, AI_ZERO, cg_agg_first, OP_JMP, "first: no element matches")

/* X(mode, English, Chinese, Chinese 2, listed): the names of round's modes;
 * `listed`: the Chinese name is shown in the list of modes. */
#define POL_ROUND_MODES(X)                              \
    X(DEC_HALF_UP, "half_up", "四舍五入", NULL, 1)      \
    X(DEC_HALF_EVEN, "half_even", "银行家舍入", NULL, 0) \
    X(DEC_DOWN, "down", "去尾", "截断", 1)              \
    X(DEC_UP, "up", "进一", NULL, 1)                    \
    X(DEC_FLOOR, "floor", "向下取整", NULL, 0)          \
    X(DEC_CEILING, "ceiling", "向上取整", NULL, 0)

/* X(rule, English, Chinese): what add_months does with a day that the target
 * month lacks (2025-01-31 + 1 month), for add_months' optional third argument
 * and the header key below; without either, the first row (today's rule). */
#define POL_MONTH_ENDS(X)                \
    X(CD_END_DOWN, "down", "取月末")     \
    X(CD_END_UP, "up", "取次月初")       \
    X(CD_END_STRICT, "strict", "报错")

/* The header key that sets a file's month-end rule for its add_months calls
 * (its value: a string naming a row of POL_MONTH_ENDS). */
#define POL_KEY_MONTH_END "month_end"
#define POL_KEY_MONTH_END_ZH "月末规则"

/* The header key by which a policy says it has no tests on purpose (its value
 * says why); polc test and polrun --test fail a policy with no tests that
 * lacks it (tools/cli.c). */
#define POL_KEY_UNTESTED "untested"
#define POL_KEY_UNTESTED_ZH "无测试"

/* The header key naming the notice files a policy transcribes (one or more,
 * comma-separated), looked up in the notices directory (check_notice.c). */
#define POL_KEY_NOTICE "notice"
#define POL_KEY_NOTICE_ZH "通知原文"

/* X(English, Chinese): the keys of the policy header (Chinese NULL: none). */
#define POL_HEADER_KEYS(X)     \
    X("region", "地区")        \
    X("issuer", "发文机关")    \
    X("document", "文件")      \
    X("basis", "文号")         \
    X("date", "日期")          \
    X("source", "来源")        \
    X("url", NULL)             \
    X("summary", NULL)         \
    X(POL_KEY_NOTICE, POL_KEY_NOTICE_ZH) \
    X(POL_KEY_UNTESTED, POL_KEY_UNTESTED_ZH) \
    X(POL_KEY_MONTH_END, POL_KEY_MONTH_END_ZH)

/* Built-in functions (EX_CALL.fn; 0: not a builtin). */
typedef enum {
    FN_NONE = 0,
#define FN_ENUM_ROW(id, en, zh, n, a0, a1, a2, ret, chk, cg, op) FN_##id,
    POL_BUILTINS(FN_ENUM_ROW)
#undef FN_ENUM_ROW
    FN__COUNT
} pol_builtin;

/* Aggregates (EX_AGG.fn; 0: unknown). */
typedef enum {
    AGG_NONE = 0,
#define AGG_ENUM_ROW(id, en, zh, ret, chk, init, step, op, empty) AGG_##id,
    POL_AGGREGATES(AGG_ENUM_ROW)
#undef AGG_ENUM_ROW
    AGG__COUNT
} pol_aggregate;

/* Initial accumulators of aggregates. */
typedef enum { AI_ZERO, AI_FALSE, AI_TRUE, AI_LIST } agg_init;

#endif
