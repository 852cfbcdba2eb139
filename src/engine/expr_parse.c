/*
 * Recursive-descent parser of the expression language into a small AST.
 *
 *	or	= and { "||" and }
 *	and	= eq { "&&" eq }
 *	eq	= cmp { ( "==" | "!=" ) cmp }
 *	cmp	= add { ( "<" | "<=" | ">" | ">=" ) add }
 *	add	= mul { ( "+" | "-" ) mul }
 *	mul	= unary { ( "*" | "/" | "%" ) unary }
 *	unary	= ( "!" | "-" ) unary | primary
 *	primary	= INT | DOUBLE | STRING | "true" | "false" | "null"
 *		| "(" or ")" | path
 *	path	= ROOT { "." NAME | "[" INT "]" }
 *	ROOT	= "input" | "steps" | "execution" | "secrets" | "callback"
 *		| "item" | "index"
 *
 * Recursion is bounded: parentheses and unary operators count against
 * EXPR_DEPTH_MAX before recursing, and every node's depth is checked
 * when it is made, so the evaluator's recursion is bounded too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "expr_int.h"

struct parser {
	struct expr_lex	 lx;
	struct expr_tok	 tok;		/* the current token */
	int		 nest;		/* open parentheses and unary ops */
	struct errmsg	*err;
};

static const char *const root_names[] = {
	[EXPR_ROOT_INPUT] = "input",
	[EXPR_ROOT_STEPS] = "steps",
	[EXPR_ROOT_EXECUTION] = "execution",
	[EXPR_ROOT_SECRETS] = "secrets",
	[EXPR_ROOT_CALLBACK] = "callback",
	[EXPR_ROOT_ITEM] = "item",
	[EXPR_ROOT_INDEX] = "index"
};

static struct expr_node	*parse_or(struct parser *);

const char *
expr_root_name(enum expr_root r)
{
	if ((size_t)r >= NITEMS(root_names))
		return "?";
	return root_names[r];
}

static void
node_free(struct expr_node *n)
{
	int	 i;

	if (n == NULL)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->s);
	for (i = 0; i < n->nseg; i++)
		free(n->seg[i].key);
	free(n->seg);
	free(n);
}

void
expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	node_free(e->root);
	free(e);
}

static struct expr_node *
node_new(enum expr_kind kind, size_t pos)
{
	struct expr_node	*n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->pos = pos;
	n->depth = 1;
	return n;
}

/* Move to the next token, dropping the current one. */
static int
advance(struct parser *p)
{
	free(p->tok.str);
	p->tok.str = NULL;
	return expr_lex_next(&p->lx, &p->tok, p->err);
}

static int
tok_is(const struct expr_tok *t, const char *word)
{
	return t->type == EXPR_T_IDENT && t->len == strlen(word) &&
	    memcmp(t->text, word, t->len) == 0;
}

/* Report the current token as unexpected. Returns NULL for the caller. */
static struct expr_node *
unexpected(struct parser *p, const char *hint)
{
	const struct expr_tok	*t = &p->tok;
	int			 n;

	switch (t->type) {
	case EXPR_T_END:
		errmsg_set(p->err, "unexpected end of expression at "
		    "column %zu%s", t->pos, hint);
		break;
	case EXPR_T_STRING:
		errmsg_set(p->err, "unexpected string at column %zu%s",
		    t->pos, hint);
		break;
	case EXPR_T_IDENT:
	case EXPR_T_INT:
	case EXPR_T_DOUBLE:
		n = (int)MIN(t->len, EXPR_NAME_SHOW);
		errmsg_set(p->err, "unexpected '%.*s' at column %zu%s",
		    n, t->text, t->pos, hint);
		break;
	default:
		errmsg_set(p->err, "unexpected '%s' at column %zu%s",
		    expr_op_name(t->type), t->pos, hint);
		break;
	}
	return NULL;
}

static struct expr_node *
too_deep(struct parser *p, size_t pos)
{
	errmsg_set(p->err, "expression nested too deeply at column "
	    "%zu (max %d)", pos, EXPR_DEPTH_MAX);
	return NULL;
}

/*
 * Join l and r (both taken) under a binary operator. NULL if the result
 * would be deeper than EXPR_DEPTH_MAX; both operands are then freed.
 */
static struct expr_node *
binary(struct parser *p, enum expr_tok_type op, size_t pos,
    struct expr_node *l, struct expr_node *r)
{
	struct expr_node	*n = node_new(EXPR_N_BINARY, pos);

	n->op = op;
	n->l = l;
	n->r = r;
	n->depth = 1 + MAX(l->depth, r->depth);
	if (n->depth > EXPR_DEPTH_MAX) {
		node_free(n);
		return too_deep(p, pos);
	}
	return n;
}

/*
 * After the root name: ".name" and "[index]" segments, at most
 * EXPR_PATH_MAX of them.
 */
static struct expr_node *
parse_path(struct parser *p)
{
	struct expr_node	*n = NULL;
	struct expr_seg		*s;
	size_t			 i;
	int			 len;

	for (i = 0; i < NITEMS(root_names); i++)
		if (tok_is(&p->tok, root_names[i]))
			break;
	if (i == NITEMS(root_names)) {
		len = (int)MIN(p->tok.len, EXPR_NAME_SHOW);
		errmsg_set(p->err, "unknown root '%.*s' at column %zu "
		    "(expected input, steps, execution, secrets, item or index)", len,
		    p->tok.text, p->tok.pos);
		return NULL;
	}
	n = node_new(EXPR_N_PATH, p->tok.pos);
	n->root = (enum expr_root)i;
	if (advance(p) != RC_OK)
		goto fail;
	while (p->tok.type == EXPR_T_DOT || p->tok.type == EXPR_T_LBRACK) {
		if (n->nseg == EXPR_PATH_MAX) {
			errmsg_set(p->err, "path longer than %d "
			    "segments at column %zu", EXPR_PATH_MAX, p->tok.pos);
			goto fail;
		}
		if (n->seg == NULL)
			n->seg = xcalloc(EXPR_PATH_MAX, sizeof(*n->seg));
		s = &n->seg[n->nseg];
		if (p->tok.type == EXPR_T_DOT) {
			if (advance(p) != RC_OK)
				goto fail;
			if (p->tok.type != EXPR_T_IDENT) {
				unexpected(p, " (expected a name after '.')");
				goto fail;
			}
			s->key = xstrndup(p->tok.text, p->tok.len);
			n->nseg++;
		} else {
			if (advance(p) != RC_OK)
				goto fail;
			if (p->tok.type != EXPR_T_INT) {
				unexpected(p, " (expected a non-negative "
				    "integer index)");
				goto fail;
			}
			s->idx = p->tok.ival;
			n->nseg++;
			if (advance(p) != RC_OK)
				goto fail;
			if (p->tok.type != EXPR_T_RBRACK) {
				unexpected(p, " (expected ']')");
				goto fail;
			}
		}
		if (advance(p) != RC_OK)
			goto fail;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

static struct expr_node *
parse_primary(struct parser *p)
{
	struct expr_node	*n = NULL;
	size_t			 open;

	switch (p->tok.type) {
	case EXPR_T_INT:
		n = node_new(EXPR_N_INT, p->tok.pos);
		n->i = p->tok.ival;
		break;
	case EXPR_T_DOUBLE:
		n = node_new(EXPR_N_DOUBLE, p->tok.pos);
		n->d = p->tok.dval;
		break;
	case EXPR_T_STRING:
		n = node_new(EXPR_N_STRING, p->tok.pos);
		n->s = p->tok.str;
		n->slen = p->tok.slen;
		p->tok.str = NULL;
		break;
	case EXPR_T_IDENT:
		if (tok_is(&p->tok, "true") || tok_is(&p->tok, "false")) {
			n = node_new(EXPR_N_BOOL, p->tok.pos);
			n->b = tok_is(&p->tok, "true");
		} else if (tok_is(&p->tok, "null"))
			n = node_new(EXPR_N_NULL, p->tok.pos);
		else
			return parse_path(p);
		break;
	case EXPR_T_LPAREN:
		open = p->tok.pos;
		if (++p->nest > EXPR_DEPTH_MAX)
			return too_deep(p, open);
		if (advance(p) != RC_OK)
			return NULL;
		if ((n = parse_or(p)) == NULL)
			return NULL;
		if (p->tok.type != EXPR_T_RPAREN) {
			node_free(n);
			errmsg_set(p->err, "expected ')' at column %zu "
			    "to close '(' at column %zu", p->tok.pos, open);
			return NULL;
		}
		p->nest--;
		break;
	default:
		return unexpected(p, "");
	}
	if (advance(p) != RC_OK) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct expr_node *
parse_unary(struct parser *p)
{
	struct expr_node	*n, *c;
	enum expr_tok_type	 op = p->tok.type;
	size_t			 pos = p->tok.pos;

	if (op != EXPR_T_NOT && op != EXPR_T_MINUS)
		return parse_primary(p);
	if (++p->nest > EXPR_DEPTH_MAX)
		return too_deep(p, pos);
	if (advance(p) != RC_OK)
		return NULL;
	if ((c = parse_unary(p)) == NULL)
		return NULL;
	p->nest--;
	n = node_new(EXPR_N_UNARY, pos);
	n->op = op;
	n->l = c;
	n->depth = 1 + c->depth;
	if (n->depth > EXPR_DEPTH_MAX) {
		node_free(n);
		return too_deep(p, pos);
	}
	return n;
}

/*
 * One level of left-associative binary operators: operands come from
 * "next", operators are the token types in ops (terminated by
 * EXPR_T_END).
 */
static struct expr_node *
parse_level(struct parser *p, struct expr_node *(*next)(struct parser *),
    const enum expr_tok_type *ops)
{
	struct expr_node	*l, *r;
	enum expr_tok_type	 op;
	size_t			 pos, i;

	if ((l = next(p)) == NULL)
		return NULL;
	for (;;) {
		for (i = 0; ops[i] != EXPR_T_END; i++)
			if (p->tok.type == ops[i])
				break;
		if (ops[i] == EXPR_T_END)
			return l;
		op = p->tok.type;
		pos = p->tok.pos;
		if (advance(p) != RC_OK || (r = next(p)) == NULL) {
			node_free(l);
			return NULL;
		}
		if ((l = binary(p, op, pos, l, r)) == NULL)
			return NULL;
	}
}

static struct expr_node *
parse_mul(struct parser *p)
{
	static const enum expr_tok_type ops[] = {
		EXPR_T_MUL, EXPR_T_DIV, EXPR_T_MOD, EXPR_T_END
	};

	return parse_level(p, parse_unary, ops);
}

static struct expr_node *
parse_add(struct parser *p)
{
	static const enum expr_tok_type ops[] = {
		EXPR_T_PLUS, EXPR_T_MINUS, EXPR_T_END
	};

	return parse_level(p, parse_mul, ops);
}

static struct expr_node *
parse_cmp(struct parser *p)
{
	static const enum expr_tok_type ops[] = {
		EXPR_T_LT, EXPR_T_LE, EXPR_T_GT, EXPR_T_GE, EXPR_T_END
	};

	return parse_level(p, parse_add, ops);
}

static struct expr_node *
parse_eq(struct parser *p)
{
	static const enum expr_tok_type ops[] = {
		EXPR_T_EQ, EXPR_T_NE, EXPR_T_END
	};

	return parse_level(p, parse_cmp, ops);
}

static struct expr_node *
parse_and(struct parser *p)
{
	static const enum expr_tok_type ops[] = { EXPR_T_AND, EXPR_T_END };

	return parse_level(p, parse_eq, ops);
}

static struct expr_node *
parse_or(struct parser *p)
{
	static const enum expr_tok_type ops[] = { EXPR_T_OR, EXPR_T_END };

	return parse_level(p, parse_and, ops);
}

int
expr_parse_at(const char *src, size_t len, size_t base, struct expr **out,
    struct errmsg *err)
{
	struct parser		 p;
	struct expr_node	*n = NULL;
	struct expr		*e;
	int			 rc = RC_INVALID;

	memset(&p, 0, sizeof(p));
	p.err = err;
	if (len > EXPR_LEN_MAX) {
		errmsg_set(err, "expression too long at column %zu "
		    "(%zu bytes, max %d)", base + EXPR_LEN_MAX, len,
		    EXPR_LEN_MAX);
		return RC_INVALID;
	}
	expr_lex_init(&p.lx, src, len, base);
	if (advance(&p) != RC_OK)
		goto out;
	if (p.tok.type == EXPR_T_END) {
		errmsg_set(err, "empty expression at column %zu",
		    p.tok.pos);
		goto out;
	}
	if ((n = parse_or(&p)) == NULL)
		goto out;
	if (p.tok.type == EXPR_T_RPAREN) {
		errmsg_set(err, "unbalanced ')' at column %zu",
		    p.tok.pos);
		goto out;
	}
	if (p.tok.type != EXPR_T_END) {
		unexpected(&p, "");
		goto out;
	}
	e = xcalloc(1, sizeof(*e));
	e->root = n;
	n = NULL;
	*out = e;
	rc = RC_OK;
out:
	node_free(n);
	free(p.tok.str);
	return rc;
}

int
expr_parse(const char *src, size_t len, struct expr **out, struct errmsg *err)
{
	return expr_parse_at(src, len, 0, out, err);
}
