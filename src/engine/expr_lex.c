/*
 * Tokenizer of the expression language (engine.md "Expressions").
 * Reads bytes, never past len; every error names a 0-based column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "expr_int.h"

static const char *const op_names[] = {
	[EXPR_T_END] = "end of expression",
	[EXPR_T_INT] = "integer",
	[EXPR_T_DOUBLE] = "number",
	[EXPR_T_STRING] = "string",
	[EXPR_T_IDENT] = "name",
	[EXPR_T_DOT] = ".",
	[EXPR_T_LBRACK] = "[",
	[EXPR_T_RBRACK] = "]",
	[EXPR_T_LPAREN] = "(",
	[EXPR_T_RPAREN] = ")",
	[EXPR_T_EQ] = "==",
	[EXPR_T_NE] = "!=",
	[EXPR_T_LT] = "<",
	[EXPR_T_LE] = "<=",
	[EXPR_T_GT] = ">",
	[EXPR_T_GE] = ">=",
	[EXPR_T_AND] = "&&",
	[EXPR_T_OR] = "||",
	[EXPR_T_NOT] = "!",
	[EXPR_T_PLUS] = "+",
	[EXPR_T_MINUS] = "-",
	[EXPR_T_MUL] = "*",
	[EXPR_T_DIV] = "/",
	[EXPR_T_MOD] = "%"
};

const char *
expr_op_name(enum expr_tok_type t)
{
	if ((size_t)t >= NITEMS(op_names) || op_names[t] == NULL)
		return "?";
	return op_names[t];
}

void
expr_lex_init(struct expr_lex *lx, const char *src, size_t len, size_t base)
{
	lx->src = src;
	lx->len = len;
	lx->off = 0;
	lx->base = base;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_ident(int c)
{
	return is_ident_start(c) || is_digit(c);
}

/* The byte at off, or -1 past the end. */
static int
peek(const struct expr_lex *lx, size_t off)
{
	if (off >= lx->len)
		return -1;
	return (unsigned char)lx->src[off];
}

/*
 * Report an unexpected byte at off: printable ASCII is quoted, anything
 * else shown in hex so that the message stays one clean line.
 */
static int
bad_char(const struct expr_lex *lx, size_t off, struct errmsg *err)
{
	int	 c = peek(lx, off);
	size_t	 col = lx->base + off;

	if (c == '=')
		errmsg_set(err, "unexpected '=' at column %zu "
		    "(comparison is '==')", col);
	else if (c == '&' || c == '|')
		errmsg_set(err, "unexpected '%c' at column %zu "
		    "(did you mean '%c%c'?)", c, col, c, c);
	else if (c > 0x20 && c < 0x7f)
		errmsg_set(err, "unexpected character '%c' at column %zu",
		    c, col);
	else
		errmsg_set(err, "unexpected byte 0x%02x at column %zu",
		    (unsigned)c, col);
	return RC_INVALID;
}

/*
 * A number: digits, then optionally '.' digits and an exponent. Plain
 * digits give EXPR_T_INT (must fit int64), anything else EXPR_T_DOUBLE
 * (must be finite).
 */
static int
lex_number(struct expr_lex *lx, struct expr_tok *t, struct errmsg *err)
{
	size_t	 start = lx->off, i = lx->off;
	int	 isdbl = 0, bad, c;
	int64_t	 v = 0;
	char	*copy, *end;
	double	 d;

	while (is_digit(peek(lx, i)))
		i++;
	if (peek(lx, i) == '.') {
		if (!is_digit(peek(lx, i + 1))) {
			errmsg_set(err, "expected a digit after '.' "
			    "at column %zu", lx->base + i + 1);
			return RC_INVALID;
		}
		isdbl = 1;
		i++;
		while (is_digit(peek(lx, i)))
			i++;
	}
	if ((c = peek(lx, i)) == 'e' || c == 'E') {
		i++;
		if ((c = peek(lx, i)) == '+' || c == '-')
			i++;
		if (!is_digit(peek(lx, i))) {
			errmsg_set(err, "expected a digit in the exponent "
			    "at column %zu", lx->base + i);
			return RC_INVALID;
		}
		isdbl = 1;
		while (is_digit(peek(lx, i)))
			i++;
	}
	if (is_ident(peek(lx, i)) || peek(lx, i) == '.') {
		errmsg_set(err, "invalid number at column %zu",
		    lx->base + start);
		return RC_INVALID;
	}

	t->pos = lx->base + start;
	t->text = lx->src + start;
	t->len = i - start;
	if (!isdbl) {
		for (; start < i; start++) {
			c = lx->src[start] - '0';
			if (v > (INT64_MAX - c) / 10) {
				errmsg_set(err, "integer literal out of "
				    "range at column %zu", t->pos);
				return RC_INVALID;
			}
			v = v * 10 + c;
		}
		t->type = EXPR_T_INT;
		t->ival = v;
	} else {
		copy = xstrndup(t->text, t->len);
		d = strtod(copy, &end);
		bad = *end != '\0' || !isfinite(d);
		free(copy);
		if (bad) {
			errmsg_set(err, "number out of range at column %zu",
			    t->pos);
			return RC_INVALID;
		}
		t->type = EXPR_T_DOUBLE;
		t->dval = d;
	}
	lx->off = i;
	return RC_OK;
}

/*
 * A single-quoted string with the escapes \' \\ \n \t. The decoded text
 * is never longer than the source, so one allocation of the source length
 * bounds it.
 */
static int
lex_string(struct expr_lex *lx, struct expr_tok *t, struct errmsg *err)
{
	size_t	 start = lx->off, i = lx->off + 1, n = 0;
	char	*buf;
	int	 c;

	buf = xmalloc(lx->len - start);
	for (;;) {
		if ((c = peek(lx, i)) == -1) {
			errmsg_set(err, "unterminated string at column %zu",
			    lx->base + start);
			goto fail;
		}
		if (c == '\'')
			break;
		if (c == '\0') {
			errmsg_set(err, "NUL byte in string at column %zu",
			    lx->base + i);
			goto fail;
		}
		if (c == '\\') {
			switch (peek(lx, i + 1)) {
			case '\'':
				c = '\'';
				break;
			case '\\':
				c = '\\';
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case -1:
				errmsg_set(err, "unterminated string at "
				    "column %zu", lx->base + start);
				goto fail;
			default:
				errmsg_set(err, "unknown escape in string "
				    "at column %zu (use \\' \\\\ \\n \\t)",
				    lx->base + i);
				goto fail;
			}
			i++;
		}
		buf[n++] = (char)c;
		i++;
	}
	buf[n] = '\0';
	t->type = EXPR_T_STRING;
	t->pos = lx->base + start;
	t->text = lx->src + start;
	t->len = i + 1 - start;
	t->str = buf;
	t->slen = n;
	lx->off = i + 1;
	return RC_OK;
fail:
	free(buf);
	return RC_INVALID;
}

int
expr_lex_next(struct expr_lex *lx, struct expr_tok *t, struct errmsg *err)
{
	size_t			 i;
	int			 c, c2;
	enum expr_tok_type	 type;

	memset(t, 0, sizeof(*t));
	while ((c = peek(lx, lx->off)) == ' ' || c == '\t' || c == '\n' ||
	    c == '\r')
		lx->off++;
	t->pos = lx->base + lx->off;
	t->text = lx->src + lx->off;
	if (c == -1) {
		t->type = EXPR_T_END;
		return RC_OK;
	}
	if (is_digit(c))
		return lex_number(lx, t, err);
	if (c == '\'')
		return lex_string(lx, t, err);
	if (is_ident_start(c)) {
		i = lx->off;
		while (is_ident(peek(lx, i)))
			i++;
		t->type = EXPR_T_IDENT;
		t->len = i - lx->off;
		lx->off = i;
		return RC_OK;
	}

	c2 = peek(lx, lx->off + 1);
	t->len = 1;
	switch (c) {
	case '.':
		type = EXPR_T_DOT;
		break;
	case '[':
		type = EXPR_T_LBRACK;
		break;
	case ']':
		type = EXPR_T_RBRACK;
		break;
	case '(':
		type = EXPR_T_LPAREN;
		break;
	case ')':
		type = EXPR_T_RPAREN;
		break;
	case '+':
		type = EXPR_T_PLUS;
		break;
	case '-':
		type = EXPR_T_MINUS;
		break;
	case '*':
		type = EXPR_T_MUL;
		break;
	case '/':
		type = EXPR_T_DIV;
		break;
	case '%':
		type = EXPR_T_MOD;
		break;
	case '=':
		if (c2 != '=')
			return bad_char(lx, lx->off, err);
		type = EXPR_T_EQ;
		t->len = 2;
		break;
	case '!':
		type = c2 == '=' ? EXPR_T_NE : EXPR_T_NOT;
		t->len = c2 == '=' ? 2 : 1;
		break;
	case '<':
		type = c2 == '=' ? EXPR_T_LE : EXPR_T_LT;
		t->len = c2 == '=' ? 2 : 1;
		break;
	case '>':
		type = c2 == '=' ? EXPR_T_GE : EXPR_T_GT;
		t->len = c2 == '=' ? 2 : 1;
		break;
	case '&':
		if (c2 != '&')
			return bad_char(lx, lx->off, err);
		type = EXPR_T_AND;
		t->len = 2;
		break;
	case '|':
		if (c2 != '|')
			return bad_char(lx, lx->off, err);
		type = EXPR_T_OR;
		t->len = 2;
		break;
	default:
		return bad_char(lx, lx->off, err);
	}
	t->type = type;
	lx->off += t->len;
	return RC_OK;
}
