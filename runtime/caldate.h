/* caldate.h -- calendar dates and months as integers, proleptic Gregorian.
 *
 * A date is the number of days since 1970-01-01 (int32); a month (the premium
 * period, 费款所属期) is year*12 + (month-1).  Text forms are ISO: 2025-10-01
 * and 2025-10.  Only years 1..9999 exist.  No time zones: a date is a civil
 * date as the notices write it.
 *
 * Shares its contract with: runtime/caldate.c, compiler/check_expr.c (literals),
 * runtime/vm.c (date opcodes), runtime/pol.c (scenario input).
 */
#ifndef POL_CALDATE_H
#define POL_CALDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CD_MIN_YEAR 1
#define CD_MAX_YEAR 9999
/* The same bounds in the integer forms: months (year*12 + month-1) and days
 * since 1970-01-01 of 0001-01 / 0001-01-01 and 9999-12 / 9999-12-31. */
#define CD_MIN_MONTH (CD_MIN_YEAR * 12)
#define CD_MAX_MONTH (CD_MAX_YEAR * 12 + 11)
#define CD_MIN_DAY (-719162)
#define CD_MAX_DAY 2932896

/* What moving a date by months does with a day the target month lacks
 * (2025-01-31 + 1 month): the month's last day, the next month's first day,
 * or an error (compiler/vocab.h POL_MONTH_ENDS names them). */
typedef enum { CD_END_DOWN, CD_END_UP, CD_END_STRICT, CD_END__COUNT } cd_month_end;

/* Days since 1970-01-01 of y-m-d; the caller checks validity first. */
int32_t cd_from_ymd(int y, int m, int d);
void cd_to_ymd(int32_t days, int *y, int *m, int *d);
bool cd_valid_ymd(int y, int m, int d);
int cd_days_in_month(int y, int m);

/* Parses exactly "YYYY-MM-DD" (a real calendar date); false otherwise. */
bool cd_parse_date(const char *s, size_t n, int32_t *out);
/* Parses exactly "YYYY-MM"; false otherwise. */
bool cd_parse_month(const char *s, size_t n, int32_t *out);
/* Writes "YYYY-MM-DD" / "YYYY-MM" (buf of at least 11 / 8 bytes). */
void cd_format_date(int32_t days, char *buf);
void cd_format_month(int32_t month, char *buf);

#endif
