/*
 * Inside the JSON Schema validator (include/schema.h): the compiled form
 * of a document, shared by tmpl_schema.c (compiling), tmpl_schema_eval.c
 * (validating), tmpl_schema_fmt.c (formats) and tmpl_schema_re.c (ECMA-262
 * patterns on PCRE2). PCRE2 is included by this folder only.
 */
#ifndef WFM_TMPL_SCHEMA_INT_H
#define WFM_TMPL_SCHEMA_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <json-c/json.h>

#include "schema.h"

/* Cost bounds of one pattern match (see SECURITY.md). */
#define SRE_MATCH_LIMIT		100000
#define SRE_DEPTH_LIMIT		1000
#define SRE_HEAP_LIMIT		4096	/* KiB */

/* Type bits. */
#define ST_NULL		0x01
#define ST_BOOL		0x02
#define ST_OBJECT	0x04
#define ST_ARRAY	0x08
#define ST_NUMBER	0x10
#define ST_STRING	0x20
#define ST_INTEGER	0x40

enum sfmt {
	SF_NONE = 0, SF_DATE_TIME, SF_DATE, SF_TIME, SF_DURATION, SF_EMAIL,
	SF_HOSTNAME, SF_IPV4, SF_IPV6, SF_URI, SF_URI_REF, SF_UUID, SF_REGEX
};

struct snode;

struct sprop {
	const char	*name;		/* borrowed from the document */
	struct snode	*sub;
	int		 required;	/* named in "required" too */
};

struct spat {
	pcre2_code	*re;		/* owned */
	const char	*src;		/* borrowed */
	struct snode	*sub;
};

struct sdepreq {
	const char	*name;
	struct json_object *names;	/* borrowed array of strings */
};

struct sanchor {
	char		*name;		/* owned */
	struct snode	*node;
	int		 dynamic;
	struct sanchor	*next;
};

/* A schema resource: the document root or a subschema with "$id". */
struct schema_res {
	char		*uri;		/* owned, absolute, no fragment */
	struct json_object *root;	/* borrowed */
	struct sanchor	*anchors;
	struct schema_res	*next;
};

struct snode {
	struct json_object *obj;	/* borrowed: the schema itself */
	int		 boolean;	/* 1 true, 0 false, -1 object */
	int		 built;
	struct schema_res	*res;
	unsigned	 types;		/* 0: no "type" */
	struct json_object *type_kw;
	struct json_object *constv;	/* valid only when has_const */
	int		 has_const;
	struct json_object *enumv;
	struct json_object *minimum, *maximum, *exmin, *exmax, *multiple;
	long long	 minlen, maxlen, minitems, maxitems;
	long long	 minprops, maxprops, mincontains, maxcontains;
	int		 unique;
	pcre2_code	*pattern;
	const char	*pattern_src;
	enum sfmt	 format;
	const char	*format_name;
	int		 nprops, npats, nprefix, nall, nany, none;
	struct sprop	*props;		/* in schema order */
	struct sprop	*sprops;	/* the same sorted by name */
	struct spat	*pats;
	struct snode	**prefix, **all, **any, **one;
	struct snode	*addl, *pnames, *items, *contains, *not_;
	struct snode	*if_, *then_, *else_, *uprops, *uitems;
	struct snode	*ref, *dynref;
	const char	*dynref_name;	/* dynamic when set */
	const char	*dynanchor;
	struct json_object *required;	/* borrowed array of strings */
	int		 ndepreq, ndepsch;
	struct sdepreq	*depreq;
	struct sprop	*depsch;
	struct snode	*next;		/* every node of the schema */
};

/* A json_object pointer to node map (open addressing). */
struct smap {
	size_t		 cap, n;
	const void	**keys;
	struct snode	**vals;
};

struct schema {
	struct json_object *doc;	/* our reference */
	struct snode	*root;
	struct snode	*nodes;		/* list of all */
	size_t		 nnodes;
	struct smap	 map;
	struct schema_res	*res;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

/* tmpl_schema_re.c */
/*
 * Compile an ECMA-262 pattern. On success returns the code (caller frees
 * with pcre2_code_free); otherwise NULL and err (NULL allowed) says why.
 */
pcre2_code	*sre_compile(const char *src, struct errmsg *err);
/* 1 match, 0 no match, -1 the match limits were hit. */
int		 sre_match(struct schema *, const pcre2_code *, const char *,
		    size_t);

/* tmpl_schema_fmt.c */
enum sfmt	 sfmt_parse(const char *name);
/* 1 when s (n bytes) is a valid value of format f. */
int		 sfmt_check(enum sfmt f, const char *s, size_t n);
/* The name of format f ("date-time"...). */
const char	*sfmt_name(enum sfmt f);

/* tmpl_schema_ref.c */
/* The absolute URI of reference ref against base. Caller frees. */
char		*suri_resolve(const char *base, const char *ref);
/* Split u at '#': u keeps the part before, *frag the rest (may be ""). */
void		 suri_split(char *u, const char **frag);
/* Percent-decode s into a new string; NULL when malformed. */
char		*spct_decode(const char *s);
/* The value at JSON pointer ptr inside root; *found 0 when none. */
struct json_object *spointer_get(struct json_object *root, const char *ptr,
		    int *found);

/* tmpl_schema.c */
struct snode	*smap_get(const struct smap *, const void *);
/* The node of anchor name in resource r, or NULL. */
struct snode	*schema_res_anchor(const struct schema_res *r, const char *name,
		    int dynamic_only);

#endif
