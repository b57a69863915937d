/* caldate.c -- civil date <-> day number conversions (see caldate.h).
 * The conversion counts 400-year eras from 0000-03-01 so that leap days fall
 * at the end of each counted year; all arithmetic is on integers. */
#include "caldate.h"

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cd_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return days[m - 1] + (m == 2 && is_leap(y));
}

bool cd_valid_ymd(int y, int m, int d)
{
    return y >= CD_MIN_YEAR && y <= CD_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= cd_days_in_month(y, m);
}

int32_t cd_from_ymd(int y, int m, int d)
{
    int yy = m <= 2 ? y - 1 : y;             /* years start in March */
    int era = yy / 400;                      /* yy >= 0 for years >= 1 */
    int yoe = yy - era * 400;                /* 0..399 */
    int mp = (m + 9) % 12;                   /* March = 0 */
    int doy = (153 * mp + 2) / 5 + d - 1;    /* day of the March-based year */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void cd_to_ymd(int32_t days, int *y, int *m, int *d)
{
    int32_t z = days + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool cd_parse_date(const char *s, size_t n, int32_t *out)
{
    int y, m, d;
    if (n != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d) || !cd_valid_ymd(y, m, d))
        return false;
    *out = cd_from_ymd(y, m, d);
    return true;
}

bool cd_parse_month(const char *s, size_t n, int32_t *out)
{
    int y, m;
    if (n != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) || y < CD_MIN_YEAR ||
        m < 1 || m > 12)
        return false;
    *out = (int32_t)(y * 12 + m - 1);
    return true;
}

static void put_num(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Writes "YYYY-MM" at buf, or "?" when !ok; returns ok. */
static bool put_year_month(char *buf, bool ok, int y, int m)
{
    if (!ok) {
        buf[0] = '?';
        buf[1] = 0;
        return false;
    }
    put_num(buf, y, 4);
    buf[4] = '-';
    put_num(buf + 5, m, 2);
    buf[7] = 0;
    return true;
}

void cd_format_date(int32_t days, char *buf)
{
    int y, m, d;
    cd_to_ymd(days, &y, &m, &d);
    if (put_year_month(buf, y >= 0 && y <= CD_MAX_YEAR, y, m)) {
        buf[7] = '-';
        put_num(buf + 8, d, 2);
        buf[10] = 0;
    }
}

void cd_format_month(int32_t month, char *buf)
{
    int y = month / 12, m = month % 12 + 1;
    put_year_month(buf, month >= 0 && y <= CD_MAX_YEAR, y, m);
}
