/* types.h -- pol's value types, one row each.
 *
 * POL_TYPES(X) rows are X(ID, printed name, numeric): they generate the
 * pol_type enum (PT_ID; the order is the bytecode's type numbering, so a row
 * is only ever appended, before PT__COUNT, with a format version bump), the
 * names messages and disassembly print (pol_type_name) and the numeric mask
 * (pol_type_numeric: numbers of every kind are exact dec_t at run time).
 *
 * POL_TYPE_SPELLINGS(X) rows are X(ID, English, Chinese, English 2, Chinese 2,
 * listed): how a type is written in a .pol file, in the order the checker
 * suggests them and lists them (`listed`) when a type name is unknown.
 * Enumerations, records and lists are spelled by their declarations.
 * docs/language.md lists every spelling; tests/docs/check_docs.py compares.
 *
 * Shares its contract with: runtime/types.c (the name table), runtime/bytecode.h
 * (which includes this header), compiler/check_scope.c (resolving type names).
 */
#ifndef POL_TYPES_H
#define POL_TYPES_H

#include <stdbool.h>

#define POL_TYPES(X)              \
    X(VOID, "void", 0)            \
    X(BOOL, "boolean", 0)         \
    X(INT, "integer", 1)          \
    X(DEC, "decimal", 1)          \
    X(RATE, "rate", 1)            \
    X(MONEY, "money", 1)          \
    X(DATE, "date", 0)            \
    X(MONTH, "month", 0)          \
    X(TEXT, "text", 0)            \
    X(ENUM, "enum", 0)     /* a member of an enumeration (tref says which) */ \
    X(RECORD, "record", 0) /* a record (tref: which record type)           */ \
    X(LIST, "list", 0)     /* a list (tref: its record type, or POL_LIST_VALUES | a value type) */ \
    X(MONTHS, "months", 1) /* a duration in months (an integer count)      */ \
    X(DAYS, "days", 1)     /* a duration in days (an integer count)        */ \
    X(ROUNDING, "rounding", 0) /* a rounding mode (i: dec_mode), for round and to_integer */

#define POL_TYPE_SPELLINGS(X)                            \
    X(MONEY, "money", "金额", NULL, NULL, 1)             \
    X(DEC, "decimal", "小数", "number", "数值", 1)       \
    X(RATE, "rate", "比例", NULL, "比率", 1)             \
    X(INT, "integer", "整数", NULL, NULL, 1)             \
    X(BOOL, "boolean", "布尔", NULL, NULL, 1)            \
    X(DATE, "date", "日期", NULL, NULL, 1)               \
    X(MONTH, "month", "月份", NULL, NULL, 1)             \
    X(TEXT, "text", "文本", NULL, NULL, 1)               \
    X(MONTHS, "months", "月数", NULL, NULL, 0)           \
    X(DAYS, "days", "天数", NULL, NULL, 0)               \
    X(ROUNDING, "rounding", "舍入方式", NULL, NULL, 0)

/* Value types.  Numbers of every kind are exact decimals at run time; the
 * kinds matter to the checker (units) and to output formatting. */
typedef enum {
#define PT_ENUM_ROW(id, name, num) PT_##id,
    POL_TYPES(PT_ENUM_ROW)
#undef PT_ENUM_ROW
    PT__COUNT
} pol_type;

const char *pol_type_name(pol_type t);  /* "money", ...; "?" out of range */

/* A list's tref: the index of its record type, or POL_LIST_VALUES | t for a
 * list of values of type t (numbers, dates, months, booleans, text: the
 * types pol_list_elem_ok accepts).  UINT32_MAX (the checker's "[]", a list
 * of any type) is neither. */
#define POL_LIST_VALUES 0x40000000u
static inline bool pol_list_values(unsigned tref) { return (tref & 0xC0000000u) == POL_LIST_VALUES; }
static inline pol_type pol_list_elem(unsigned tref) { return (pol_type)(tref & 0xFFu); }
static inline bool pol_list_elem_ok(pol_type t)
{
    return t == PT_INT || t == PT_DEC || t == PT_RATE || t == PT_MONEY || t == PT_DATE || t == PT_MONTH || t == PT_BOOL ||
           t == PT_TEXT || t == PT_MONTHS || t == PT_DAYS;
}
/* tref is a list of values of an element type a list may hold */
static inline bool pol_list_values_ok(unsigned tref)
{
    return pol_list_values(tref) && (tref & ~(POL_LIST_VALUES | 0xFFu)) == 0 && pol_list_elem_ok(pol_list_elem(tref));
}

/* Numbers of every kind (held as dec_t at run time). */
#define PT_MASK_ROW(id, name, num) | ((num) ? 1u << PT_##id : 0u)
#define POL_NUMERIC_MASK (0u POL_TYPES(PT_MASK_ROW))
static inline bool pol_type_numeric(pol_type t)
{
    return (unsigned)t < 32 && (POL_NUMERIC_MASK >> (unsigned)t & 1u);
}

#endif
