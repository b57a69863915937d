/* lang.h -- the language of text meant for people: English or Simplified
 * Chinese.
 *
 * Every message is written in English in the source, and that English is its
 * gettext msgid.  po/zh_CN/ holds the Chinese of every msgid (one .po file
 * per part of the tree); at build time GNU gettext's msgfmt checks them
 * (formats included) and compiles them into one .mo catalog, which is
 * embedded in the library (catalog_zh.c), so that no locale has to be
 * installed and setlocale() is never called: libpol runs inside PostgreSQL
 * backends and servers, whose process locale is not ours to change.
 * tests/i18n/check_catalog.py extracts the msgids with xgettext and fails
 * when one has no translation (docs/i18n.md).
 *
 * Machine-readable forms (JSON diagnostics, error records, CSV, diagnostic
 * codes, exit statuses) are English in both languages: only text for people
 * is translated, so that no program depends on the reader's language.
 *
 * What xgettext extracts (the keywords are listed once, in check_catalog.py):
 *   N_("text")      a msgid in a table, translated where it is printed;
 *   _("text")       translated now, into the process's language;
 *   FRAG("word")    a word passed as a %s argument of a message: the
 *                   formatter translates it together with the message;
 *   pol_tr_format(lang, buf, cap, FMT, ...), pol_tr_fprintf(f, FMT, ...),
 *   diag_report(..., FMT, ...) and the checker's REPORT/NOTE: FMT is a msgid.
 *
 * A translation may reorder the arguments with %N$ (msgfmt checks that it
 * takes the same arguments as its msgid).
 *
 * Runtime errors (runtime/vm.c, pol.c, scen.c) keep two texts: pol_error.msg
 * (vm_error.msg, sc_error.msg), English, the machine form that JSON error
 * records, CSV columns and polserve's replies carry; and pol_error.text, the
 * same message in the process's language, made at the time of the error by
 * pol_tr_format2 from the same msgid, and only when that language is not
 * English (else ""; pol_error_message picks).  A message built in pieces
 * (an inner reader error inside "input %s: %s", " (needed by requirement
 * %s%s)" appended) is built the same way in each language, the English
 * pieces into msg and the translated ones into text.  An English word
 * chosen at run time is passed as a fragment (FRAG, or pol_as_frag for a
 * msgid from a table).  Errors that have no machine form -- loading and
 * verifying bytecode (bytecode.c, verify.c, sign.c, pol_policy_load) -- are
 * written in the process's language only.  The helpers whose format
 * argument is a msgid (fail, input_error, seterr, ...) are keywords of
 * tests/i18n/check_catalog.py.
 *
 * Shares its contract with: po/zh_CN/ (every .po), po/embed_mo.cmake (the catalog),
 * tests/i18n/check_catalog.py (extraction and completeness), docs/i18n.md.
 */
#ifndef POL_LANG_H
#define POL_LANG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { POL_LANG_EN, POL_LANG_ZH } pol_lang;

/* The language the environment asks for, as GNU gettext reads it: the
 * locale from LC_ALL, else LC_MESSAGES, else LANG; a locale of "" (unset),
 * "C" or "POSIX" is English (LANGUAGE is then ignored, as gettext does);
 * otherwise the first entry of LANGUAGE, if set, else the locale.  zh,
 * zh_CN, zh_SG and zh_Hans* are Simplified Chinese; everything else is
 * English. */
pol_lang pol_lang_from_env(void);
/* A --lang value: "zh", "zh_CN", "zh-CN", "zh_CN.UTF-8", "en", "en_US", "C".
 * False for anything else (out untouched). */
bool pol_lang_parse(const char *s, pol_lang *out);
const char *pol_lang_name(pol_lang l); /* "en", "zh" */

/* The process's language: English until a tool's main sets it (once,
 * before it starts threads).  Text that a caller asks for in a given
 * language (pol_tr_format) does not depend on it. */
void pol_lang_set(pol_lang l);
pol_lang pol_lang_get(void);

/* msgid in language l: the catalog's translation, or msgid itself (English,
 * or a msgid the catalog lacks).  Never NULL for a non-NULL msgid. */
const char *pol_tr(pol_lang l, const char *msgid);

#define N_(s) s
#define _(s) pol_tr(pol_lang_get(), (s))
/* A fragment argument: the mark tells the formatter to translate it. */
#define POL_FRAG_MARK "\x1f"
#define FRAG(s) (POL_FRAG_MARK s)
/* FRAG(msgid) made at run time, for a msgid chosen from a table (N_) or
 * returned by a function: "" stays "".  Returns buf. */
static inline const char *pol_as_frag(char *buf, size_t cap, const char *msgid)
{
    snprintf(buf, cap, "%s%s", msgid[0] ? POL_FRAG_MARK : "", msgid);
    return buf;
}
/* The text of a fragment (or of any string) in language l, mark removed. */
const char *pol_frag(pol_lang l, const char *s);

/* vsnprintf with fmt a msgid: the arguments are read as fmt's English
 * conversions say, then written into fmt's translation in language l
 * (%N$ allowed there); FRAG arguments are translated too.  Conversions:
 * d i u x X o c s p and %%, with flags, width, precision (and *) and the
 * length modifiers hh h l ll z j t.  Returns the length the text would have
 * (as snprintf does); buf is always terminated when cap > 0. */
int pol_tr_vformat(pol_lang l, char *buf, size_t cap, const char *fmt, va_list ap);
/* The same with the translation given (tpl; NULL: the catalog's), for tests. */
int pol_tr_vformat_as(pol_lang l, char *buf, size_t cap, const char *fmt, const char *tpl, va_list ap);
int pol_tr_format(pol_lang l, char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* fprintf in the process's language.  Returns what fprintf returns. */
int pol_tr_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An error's two texts from one msgid: fmt formatted in English into en
 * (the machine form: JSON, CSV, API replies) and, when the process's
 * language is not English, in that language into tr (else tr is "").
 * en and tr may not overlap; both are always terminated (cap > 0). */
void pol_tr_vformat2(char *en, size_t encap, char *tr, size_t trcap, const char *fmt, va_list ap);
void pol_tr_format2(char *en, size_t encap, char *tr, size_t trcap, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The embedded catalog, for tests: its number of messages and the i-th
 * (msgid, msgstr) pair, i < pol_catalog_count(); false past the end. */
size_t pol_catalog_count(void);
bool pol_catalog_entry(size_t i, const char **msgid, const char **msgstr);

#endif
