/* check_units.c -- the unit algebra, in one place.
 *
 * Types: integer, decimal, rate, money, boolean, date, month, text, and the
 * durations months and days.  Numeric literals are "untyped" (lit) until they
 * meet a typed operand, like Go's constants: `月缴费基数 + 12` is money,
 * `12 * 12` stays a literal and becomes whatever the declaration says.
 *   money ± money = money       money ± rate/decimal/integer = error
 *   money × number = money      money × money = error
 *   money ÷ number = money      money ÷ money = decimal      number ÷ money = error
 *   number ± × ÷ number: integer if both integer (÷ gives decimal), rate if a
 *   rate meets an integer, otherwise decimal.
 *   months ± months = months, days ± days = days, months with days = error
 *   (a month has no fixed number of days); a duration × integer is one.
 * Unit-tested by tests/unit/test_units.c.  Shares check_int.h with the other
 * checker files. */
#include "check_int.h"

/* Type of a ± b, a × b, a ÷ b given both numeric; PT_VOID after reporting. */
pol_type chk_arith_type(chk_ctx *c, int op, ast_expr *a, ast_expr *b, span sp)
{
    pol_type x = (pol_type)a->type, y = (pol_type)b->type;
    bool xl = a->lit, yl = b->lit;
    const char *verb = op == BO_ADD ? FRAG("add") : op == BO_SUB ? FRAG("subtract") : op == BO_MUL ? FRAG("multiply") : FRAG("divide");
    bool xd = x == PT_MONTHS || x == PT_DAYS, yd = y == PT_MONTHS || y == PT_DAYS;
    if ((xd || yd) && x != PT_MONEY && y != PT_MONEY) { /* durations */
        if (xd && yd && x != y) {
            REPORT(sp, DC_UNIT_MISMATCH, "cannot %s %s and %s: a month has no fixed number of days", verb, tname(x), tname(y));
            return PT_VOID;
        }
        pol_type dur = xd ? x : y, other = xd ? y : x;
        if (op == BO_ADD || op == BO_SUB || op == BO_MUL) {
            if (op == BO_MUL && other == dur) {
                REPORT(sp, DC_UNIT_MISMATCH, "cannot multiply %s by %s", tname(x), tname(y));
                return PT_VOID;
            }
            if (other == dur || other == PT_INT)
                return dur;
            REPORT(sp, DC_UNIT_MISMATCH, "cannot %s %s and %s", verb, tname(x), tname(y));
            return PT_VOID;
        }
        return PT_DEC; /* a ratio of durations, or a duration shared out */
    }
    if (op == BO_ADD || op == BO_SUB) {
        if (x == PT_MONEY || y == PT_MONEY) {
            if ((x == PT_MONEY || xl) && (y == PT_MONEY || yl))
                return PT_MONEY;
            REPORT(sp, DC_UNIT_MISMATCH, "cannot %s %s and %s: both sides of %s must be money", verb, tname(x), tname(y),
                op == BO_ADD ? "+" : "-");
            return PT_VOID;
        }
    } else if (op == BO_MUL) {
        if (x == PT_MONEY && y == PT_MONEY) {
            REPORT(sp, DC_UNIT_MISMATCH, "cannot multiply money by money (the result would be yuan squared)");
            return PT_VOID;
        }
        if (x == PT_MONEY || y == PT_MONEY)
            return PT_MONEY;
    } else {
        if (x == PT_MONEY && y == PT_MONEY)
            return PT_DEC;
        if (x == PT_MONEY)
            return PT_MONEY;
        if (y == PT_MONEY) {
            REPORT(sp, DC_UNIT_MISMATCH, "cannot divide %s by money", tname(x));
            return PT_VOID;
        }
    }
    /* both non-money */
    if (op == BO_DIV) {
        if ((x == PT_RATE && y == PT_INT) || (x == PT_RATE && yl))
            return PT_RATE;
        return PT_DEC;
    }
    if (x == PT_INT && y == PT_INT)
        return PT_INT;
    if (x == y)
        return x;
    if ((x == PT_RATE && (y == PT_INT || yl)) || (y == PT_RATE && (x == PT_INT || xl)))
        return PT_RATE;
    if (x == PT_INT && y == PT_INT)
        return PT_INT;
    if (xl && !yl)
        return x == PT_DEC && y == PT_INT ? PT_DEC : y; /* 1.5 * n is a decimal */
    if (yl && !xl)
        return y == PT_DEC && x == PT_INT ? PT_DEC : x;
    return PT_DEC;
}

/* Can a value of type `from` (lit: untyped literal) stand where `to` is
 * expected? */
bool chk_assignable(pol_type to, pol_type from, bool lit)
{
    if (to == from)
        return true; /* enums: callers compare trefs too (assignable_e) */
    /* durations are counts: an integer may stand for one and they for an integer */
    if ((to == PT_MONTHS || to == PT_DAYS) && from == PT_INT)
        return true;
    if ((to == PT_MONTHS || to == PT_DAYS) && lit)
        return false; /* a duration is a whole count: 1.5 is not one (an integer literal is, above) */
    if (to == PT_INT && (from == PT_MONTHS || from == PT_DAYS))
        return true;
    if (numeric(to) && lit && numeric(from))
        return to != PT_INT || from == PT_INT;
    if ((to == PT_DEC && (from == PT_RATE || from == PT_INT)) || (to == PT_RATE && from == PT_DEC))
        return true;
    return false;
}

/* A list e may stand where a list of to_tref is declared: the same records
 * or values, [], or a list written out of bare numbers ([1, 2.5]) where a
 * list of numbers that admits them is declared. */
bool chk_list_fits(uint32_t to_tref, const ast_expr *e)
{
    if (e->tref == UINT32_MAX || e->tref == to_tref)
        return true;
    return e->lit && pol_list_values(e->tref) && pol_list_values(to_tref) &&
           numeric(pol_list_elem(to_tref)) && chk_assignable(pol_list_elem(to_tref), pol_list_elem(e->tref), true);
}

/* chk_assignable() for an expression, including which enumeration it belongs to. */
bool chk_assignable_e(pol_type to, uint32_t to_tref, const ast_expr *e)
{
    if (to == PT_LIST && e->type == PT_LIST)
        return chk_list_fits(to_tref, e);
    if (!chk_assignable(to, (pol_type)e->type, e->lit))
        return false;
    return (to != PT_ENUM && to != PT_RECORD && to != PT_LIST) || e->tref == to_tref;
}

/* Join of two branch types (if/else, min/max); PT_VOID if incompatible. */
pol_type chk_join(ast_expr *a, ast_expr *b, bool *lit)
{
    pol_type x = (pol_type)a->type, y = (pol_type)b->type;
    *lit = a->lit && b->lit;
    if (x == y) {
        if (x == PT_LIST && (a->tref == UINT32_MAX || b->tref == UINT32_MAX))
            return x; /* [] joins any list (the caller takes the known tref) */
        return (x == PT_ENUM || x == PT_RECORD || x == PT_LIST) && a->tref != b->tref ? PT_VOID : x;
    }
    if ((x == PT_MONTHS && y == PT_DAYS) || (x == PT_DAYS && y == PT_MONTHS))
        return PT_VOID; /* a month has no fixed number of days */
    if (numeric(x) && numeric(y)) {
        if (a->lit && !b->lit)
            return y;
        if (b->lit && !a->lit)
            return x;
        if (x == PT_MONEY || y == PT_MONEY)
            return *lit ? PT_MONEY : PT_VOID;
        return (x == PT_INT && y == PT_INT) ? PT_INT : PT_DEC;
    }
    return PT_VOID;
}


/* The first bare number literal in e's arithmetic (through + - * /, a
 * negation and round's first argument); with `divisor`, only one that
 * divides (4272元 / 53400): where e gives the wrong unit, the literal that
 * may lack its 元. */
static const ast_expr *bare_number(const ast_expr *e, bool divisor)
{
    if (!e)
        return NULL;
    if (e->kind == EX_NUM)
        return !divisor && e->op != PT_MONTHS && e->op != PT_DAYS ? e : NULL;
    if (e->kind == EX_UNARY || (e->kind == EX_CALL && e->nargs > 0 && !e->named))
        return bare_number(e->kind == EX_UNARY ? e->a : e->args[0], divisor);
    if (e->kind != EX_BINARY || e->op > BO_DIV)
        return NULL;
    if (divisor && e->op == BO_DIV && e->b->kind == EX_NUM && e->b->op != PT_MONTHS && e->b->op != PT_DAYS)
        return e->b;
    const ast_expr *x = bare_number(e->a, divisor);
    return x ? x : bare_number(e->b, divisor);
}

const char *chk_yuan_hint(const ast_expr *e, pol_type want, pol_type got, char *buf, size_t cap)
{
    const ast_expr *x = NULL;
    if (want == PT_MONEY && (got == PT_RATE || got == PT_DEC || got == PT_INT))
        x = bare_number(e, false); /* 53400 * 费率 */
    else if ((want == PT_RATE || want == PT_DEC) && got == PT_MONEY)
        x = bare_number(e, true); /* 4272元 / 53400 */
    if (!x)
        return "";
    snprintf(buf, cap, " (%s is a bare number; if it is an amount, write %s元)", x->text, x->text);
    return buf;
}
