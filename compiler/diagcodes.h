/* diagcodes.h -- every diagnostic code, one row each.
 *
 * DIAG_CODE(ID, "kebab-name", severity, flags) expands into the diag_code
 * enum (DC_ID), the stable names printed by `--diagnostics=json`
 * (diag_code_name) and the flags the checker consults (diag_code_flags).
 * Severity is the level the code is reported at: diag_report takes it from
 * the row, so no call site states it again; docs/language.md lists
 * every row in its diagnostics table, and tests/docs/check_docs.py compares
 * the two.  To add a diagnostic: add a row here and a line to that table.
 *
 * Flags:
 *   DCF_FOLLOW_ON  after syntax errors the tree lacks the declarations that
 *                  failed to parse, so names would be "undefined" and others
 *                  "unused": the checker leaves codes with this flag out
 *                  while still reporting every other problem.
 *
 * Shares its contract with: compiler/diag.h (diag_report takes a diag_code),
 * compiler/diag.c (the name table), every phase that reports.
 */
#ifndef POL_DIAGCODES_H
#define POL_DIAGCODES_H

#define DCF_FOLLOW_ON 1u

/* The severity column as diag.h's levels (diag_report takes the level from
 * the row: a call site cannot disagree with the table). */
#define DC_LEVEL_error DIAG_ERROR
#define DC_LEVEL_warning DIAG_WARNING
#define DC_LEVEL_note DIAG_NOTE

/* DIAG_CODE(ID, name, severity, flags) */
#define DIAG_CODES(X)                                               \
    X(LEX, "lex", error, 0)                                         \
    X(SYNTAX, "syntax", error, 0)                                   \
    X(BAD_NAME, "bad-name", error, 0)                               \
    X(DUPLICATE_CITE, "duplicate-cite", error, 0)                   \
    X(DUPLICATE_NOTE, "duplicate-note", error, 0)                   \
    X(PLACES, "places", error, 0)                                   \
    X(LIMIT, "limit", error, 0)                                     \
    X(NO_HEADER, "no-header", warning, 0)                           \
    X(UNKNOWN_META, "unknown-meta", warning, 0)                     \
    X(META_VALUE, "meta-value", error, 0)                           \
    X(UNKNOWN_NOTICE, "unknown-notice", warning, 0)                 \
    X(DUPLICATE, "duplicate", error, 0)                             \
    X(UNKNOWN_TYPE, "unknown-type", error, 0)                       \
    X(NO_OUTPUT, "no-output", warning, DCF_FOLLOW_ON)               \
    X(UNUSED, "unused", warning, DCF_FOLLOW_ON)                     \
    X(NO_CITE, "no-cite", warning, 0)                               \
    X(BOUNDS, "bounds", error, 0)                                   \
    X(NOT_CONSTANT, "not-constant", error, 0)                       \
    X(NO_VERSIONS, "no-versions", error, 0)                         \
    X(BAD_RANGE, "bad-range", error, 0)                             \
    X(RATE_WITHOUT_PERCENT, "rate-without-percent", warning, 0)     \
    X(OVERLAP, "overlap", error, 0)                                 \
    X(GAP, "gap", warning, 0)                                       \
    X(NO_VERSION, "no-version", error, 0)                           \
    X(DATED_PARAM, "dated-param", error, 0)                         \
    X(INDEX, "index", error, 0)                                     \
    X(TABLE_KEY, "table-key", error, 0)                             \
    X(MISSING_ROW, "missing-row", error, 0)                         \
    X(BAND_GAP, "band-gap", error, 0)                               \
    X(MATCH, "match", error, 0)                                     \
    X(UNDEFINED, "undefined", error, DCF_FOLLOW_ON)                 \
    X(CYCLE, "cycle", error, 0)                                     \
    X(RECURSION, "recursion", error, 0)                             \
    X(NO_DEFINITION, "no-definition", error, DCF_FOLLOW_ON)         \
    X(TYPE_MISMATCH, "type-mismatch", error, 0)                     \
    X(UNIT_MISMATCH, "unit-mismatch", error, 0)                     \
    X(UNKNOWN_FUNCTION, "unknown-function", error, 0)               \
    X(NOT_A_FUNCTION, "not-a-function", error, 0)                   \
    X(ARITY, "arity", error, 0)                                     \
    X(ROUND_PLACES, "round-places", error, 0)                       \
    X(ROUND_MODE, "round-mode", error, 0)                           \
    X(MISPLACED_MODE, "misplaced-mode", error, 0)                   \
    X(MONTH_END, "month-end", error, 0)                             \
    X(EMPTY_ENUM, "empty-enum", error, 0)                           \
    X(ENUM_VALUES, "enum-values", error, 0)                         \
    X(ENUM_VALUE, "enum-value", error, 0)                           \
    X(NO_MEMBER, "no-member", error, 0)                             \
    X(BARE_MEMBER, "bare-member", error, 0)                         \
    X(NO_FIELD, "no-field", error, 0)                               \
    X(EXCEPTION_TARGET, "exception-target", error, DCF_FOLLOW_ON)   \
    X(EMPTY_TEST, "empty-test", error, 0)                           \
    X(TEST_GIVEN, "test-given", error, 0)                           \
    X(TEST_EXPECT, "test-expect", error, 0)                         \
    X(RECORD_FIELDS, "record-fields", error, 0)                     \
    X(RECORD_VALUE, "record-value", error, 0)                       \
    X(NOT_A_RECORD, "not-a-record", error, 0)                       \
    X(FIELD_TYPE, "field-type", error, 0)                           \
    X(INPUT_TYPE, "input-type", error, 0)                           \
    X(EMPTY_RECORD, "empty-record", error, 0)                       \
    X(IMPORT, "import", error, 0)                                   \
    X(IMPORT_CYCLE, "import-cycle", error, 0)                       \
    X(OVERRIDE, "override", error, 0)                               \
    X(INFERRED, "inferred", error, 0)                               \
    X(WERROR, "werror", error, 0)                                   \
    X(RUNTIME, "runtime", error, 0)                                 \
    X(NOTE, "note", note, 0)                                        \
    X(FORMAT, "format", error, 0)                                   \
    X(CITE_UNRESOLVED, "cite-unresolved", warning, 0)               \
    X(CLAUSE_UNCITED, "clause-uncited", warning, 0)                 \
    X(CLAUSE_MAP, "clause-map", warning, 0)

typedef enum {
#define DC_ENUM_ROW(id, name, sev, flags) DC_##id,
    DIAG_CODES(DC_ENUM_ROW)
#undef DC_ENUM_ROW
    DC__COUNT
} diag_code;

/* "type-mismatch", ...; "" for an out-of-range value. */
const char *diag_code_name(diag_code c);
/* DCF_* bits of a code. */
unsigned diag_code_flags(diag_code c);

#endif
