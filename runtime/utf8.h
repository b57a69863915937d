/* utf8.h -- the one UTF-8 decoder.
 *
 * utf8_seq() validates strictly (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF) and says why a sequence is bad: the
 * scenario readers use it.  utf8_next() decodes leniently, an invalid byte
 * counting as U+FFFD: the diagnostic printer and the checker's suggestions
 * use it on source text the lexer has already validated or will reject.
 * utf8_display_width() counts terminal cells (CJK and fullwidth = 2), so
 * carets stay under the right character after Chinese text.
 *
 * Shares its contract with runtime/utf8.c.
 */
#ifndef POL_UTF8_H
#define POL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s[0..n) (n >= 1, s[0] >= 0x80),
 * or 0 with *why naming the defect (" (overlong encoding)", ...). */
size_t utf8_seq(const unsigned char *s, size_t n, const char **why);

/* utf8_seq() for the common cases, inline: a two-byte sequence, or a
 * three-byte one whose lead byte puts no extra limit on the second byte
 * (E1..EC, EE, EF: most of the BMP, every CJK ideograph).  0 means "ask
 * utf8_seq()", never "invalid". */
static inline size_t utf8_quick(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c >= 0xE1 && c <= 0xEF && c != 0xED) {
        if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
            return 3;
    } else if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80)
            return 2;
    }
    return 0;
}

/* Decodes one code point at s (at most n >= 1 bytes); returns its length (1
 * for an invalid byte, which then decodes as U+FFFD). */
size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Display width of the UTF-8 text s[0..n) (CJK and fullwidth = 2, tab = 1,
 * combining marks 0, an invalid byte 1). */
uint32_t utf8_display_width(const char *s, size_t n);

#endif
