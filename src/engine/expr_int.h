/*
 * Internals shared by the expression files: the tokenizer (expr_lex.c),
 * the parser and its AST (expr_parse.c), the evaluator (expr_eval.c) and
 * the "{{ }}" scanner (expr_tmpl.c). Nothing here is for other modules.
 *
 * Every err below is a struct errmsg (common.h) that may be NULL when
 * the caller does not need the reason.
 */
#ifndef WFM_EXPR_INT_H
#define WFM_EXPR_INT_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "expr.h"

#define EXPR_PATH_MAX		32	/* segments after the root */
#define EXPR_VALUE_DEPTH_MAX	64	/* JSON nesting walked or compared */
#define EXPR_NAME_SHOW		32	/* bytes of a name quoted in errors */

enum expr_tok_type {
	EXPR_T_END,
	EXPR_T_INT,
	EXPR_T_DOUBLE,
	EXPR_T_STRING,
	EXPR_T_IDENT,
	EXPR_T_DOT,
	EXPR_T_LBRACK,
	EXPR_T_RBRACK,
	EXPR_T_LPAREN,
	EXPR_T_RPAREN,
	EXPR_T_EQ,
	EXPR_T_NE,
	EXPR_T_LT,
	EXPR_T_LE,
	EXPR_T_GT,
	EXPR_T_GE,
	EXPR_T_AND,
	EXPR_T_OR,
	EXPR_T_NOT,
	EXPR_T_PLUS,
	EXPR_T_MINUS,
	EXPR_T_MUL,
	EXPR_T_DIV,
	EXPR_T_MOD
};

/*
 * One token. "str" (EXPR_T_STRING only) is the decoded literal, NUL
 * terminated, owned by whoever holds the token; the parser moves it into
 * the AST or frees it.
 */
struct expr_tok {
	enum expr_tok_type	 type;
	size_t			 pos;	/* column: base + offset in src */
	const char		*text;	/* token bytes in src (borrowed) */
	size_t			 len;	/* ... and their count */
	int64_t			 ival;	/* EXPR_T_INT */
	double			 dval;	/* EXPR_T_DOUBLE */
	char			*str;	/* EXPR_T_STRING */
	size_t			 slen;
};

/* Tokenizer state over src[0..len); columns are reported as base + off. */
struct expr_lex {
	const char	*src;
	size_t		 len;
	size_t		 off;
	size_t		 base;
};

/* Start tokenizing src[0..len) (borrowed for the lexer's lifetime). */
void		 expr_lex_init(struct expr_lex *, const char *src, size_t len,
		    size_t base);
/*
 * Read the next token into *t (EXPR_T_END at the end of input). RC_OK, or
 * RC_INVALID with a message and column in err; *t then holds nothing to
 * free.
 */
int		 expr_lex_next(struct expr_lex *, struct expr_tok *,
		    struct errmsg *err);
/* The operator's spelling ("+", "&&", ...); static storage. */
const char	*expr_op_name(enum expr_tok_type);

enum expr_kind {
	EXPR_N_NULL,
	EXPR_N_BOOL,
	EXPR_N_INT,
	EXPR_N_DOUBLE,
	EXPR_N_STRING,
	EXPR_N_PATH,
	EXPR_N_UNARY,
	EXPR_N_BINARY
};

enum expr_root {
	EXPR_ROOT_INPUT,
	EXPR_ROOT_STEPS,
	EXPR_ROOT_EXECUTION,
	EXPR_ROOT_SECRETS,
	EXPR_ROOT_CALLBACK,	/* url and token of a callback step */
	EXPR_ROOT_ITEM,		/* a map iteration's item */
	EXPR_ROOT_INDEX,	/* and its 0-based index */
	EXPR_NROOTS
};

/* One path segment: ".key" when key != NULL, else "[idx]". */
struct expr_seg {
	char		*key;	/* owned, NUL terminated */
	int64_t		 idx;
};

struct expr_node {
	enum expr_kind		 kind;
	enum expr_tok_type	 op;	/* EXPR_N_UNARY, EXPR_N_BINARY */
	size_t			 pos;	/* column of the token that made it */
	int			 depth;	/* 1 for a leaf */
	int			 b;	/* EXPR_N_BOOL */
	int64_t			 i;	/* EXPR_N_INT */
	double			 d;	/* EXPR_N_DOUBLE */
	char			*s;	/* EXPR_N_STRING: owned */
	size_t			 slen;
	enum expr_root		 root;	/* EXPR_N_PATH */
	int			 nseg;
	struct expr_seg		*seg;	/* owned array of nseg */
	struct expr_node	*l;	/* owned operands */
	struct expr_node	*r;
};

struct expr {
	struct expr_node	*root;
};

/* The root's name ("input", ...); static storage. */
const char	*expr_root_name(enum expr_root);

/*
 * expr_parse with every column in err shifted by base (the offset of src
 * inside a larger string). Same ownership and return codes.
 */
int		 expr_parse_at(const char *src, size_t len, size_t base,
		    struct expr **out, struct errmsg *err);

/*
 * An evaluated value. Strings, objects and arrays are borrowed (from the
 * AST or the context) unless "own" is set: then s == own, owned.
 */
enum expr_vtype {
	EXPR_V_NULL,
	EXPR_V_BOOL,
	EXPR_V_INT,
	EXPR_V_DOUBLE,
	EXPR_V_STRING,
	EXPR_V_JSON		/* an object or array (borrowed) */
};

struct expr_val {
	enum expr_vtype		 t;
	int			 b;
	int64_t			 i;
	double			 d;
	const char		*s;
	size_t			 slen;
	char			*own;	/* s when allocated for this value */
	struct json_object	*j;
};

/*
 * Evaluate e against ctx (borrowed; must outlive *out). RC_OK: *out holds
 * the value, released with expr_val_free. RC_INVALID: a type error in err
 * and *out holds nothing.
 */
int		 expr_eval_val(const struct expr *, struct json_object *ctx,
		    struct expr_val *out, struct errmsg *err);
void		 expr_val_free(struct expr_val *);
/* A new reference for v (NULL for null); objects and arrays are shared. */
struct json_object *expr_val_json(const struct expr_val *);
/* "null", "boolean", "integer", "float", "string", "object", "array". */
const char	*expr_val_type(const struct expr_val *);

/* A byte buffer that refuses to grow past EXPR_STRING_MAX. */
struct expr_buf {
	char		*p;	/* owned; NUL terminated when non-NULL */
	size_t		 len;
	size_t		 cap;
};

/* Append n bytes; RC_OK or RC_INVALID (too long, message in err). */
int		 expr_buf_add(struct expr_buf *, const void *, size_t,
		    struct errmsg *err);
void		 expr_buf_free(struct expr_buf *);
/*
 * Append v as interpolated text: integers plainly, floats in shortest
 * round-trip form, booleans as true/false, null as nothing, strings as
 * they are, objects and arrays as compact JSON. RC_OK or RC_INVALID.
 */
int		 expr_val_fmt(const struct expr_val *, struct expr_buf *,
		    struct errmsg *err);

/* Die on a NULL from a json-c constructor (allocation failure). */
struct json_object *expr_jcheck(struct json_object *);

#endif
