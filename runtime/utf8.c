/* utf8.c -- the UTF-8 decoder and display widths (utf8.h). */
#include "utf8.h"
#include "lang.h"

size_t utf8_seq(const unsigned char *s, size_t n, const char **why)
{
    unsigned char c = s[0];
    size_t k;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0xC2) {
        *why = c < 0xC0 ? N_(" (unexpected continuation byte)")
                        : N_(" (overlong encoding)");
        return 0;
    }
    if (c < 0xE0)
        k = 2;
    else if (c < 0xF0) {
        k = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        k = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *why = N_(" (above U+10FFFF)");
        return 0;
    }
    if (n < 2 || s[1] < lo || s[1] > hi) {
        if (n >= 2 && s[1] >= 0x80 && s[1] <= 0xBF)
            *why = c == 0xE0 || c == 0xF0 ? N_(" (overlong encoding)")
                 : c == 0xED              ? N_(" (UTF-16 surrogate)")
                                          : N_(" (above U+10FFFF)");
        else
            *why = N_(" (truncated sequence)");
        return 0;
    }
    for (size_t j = 2; j < k; j++)
        if (j >= n || s[j] < 0x80 || s[j] > 0xBF) {
            *why = N_(" (truncated sequence)");
            return 0;
        }
    return k;
}

size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static uint32_t cp_width(uint32_t cp)
{
    if (cp == 0)
        return 0;
    if (cp >= 0x300 && cp <= 0x36F) /* combining marks */
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

uint32_t utf8_display_width(const char *s, size_t n)
{
    uint32_t w = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)s + i, n - i, &cp);
        w += cp == '\t' ? 1 : cp_width(cp);
        i += k;
    }
    return w;
}
