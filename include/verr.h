/*
 * Validation errors in the Pydantic v2 shape FastAPI clients parse:
 * {"type": ..., "loc": [...], "msg": ..., "input": ...}. A struct verr
 * collects every error of a request; a struct jpath is the location being
 * visited while validating (a stack of object keys and array indexes).
 */
#ifndef WFM_VERR_H
#define WFM_VERR_H

#include <stddef.h>
#include <json-c/json.h>

#define JPATH_MAX	48

struct jpath {
	int		 n;
	struct {
		const char	*key;	/* borrowed; NULL means use idx */
		int		 idx;
	}		 seg[JPATH_MAX];
};

/* Start a path with the given first key (e.g. "body"). */
void	jpath_init(struct jpath *, const char *first);
/* Push a key (borrowed: must outlive its use) or an index; pop one. */
void	jpath_key(struct jpath *, const char *key);
void	jpath_idx(struct jpath *, int idx);
void	jpath_pop(struct jpath *);
/* A new json array for the path; caller owns it. */
struct json_object *jpath_json(const struct jpath *);

struct verr;

/* New empty list; caller owns it and frees it with verr_free. */
struct verr	*verr_new(void);
void		 verr_free(struct verr *);
/*
 * Append an error. "input" is borrowed (a reference is taken; NULL means
 * JSON null). "msg" is copied. "ctx" (may be NULL) is taken.
 */
void		 verr_add(struct verr *, const char *type,
		    const struct jpath *loc, const char *msg,
		    struct json_object *input, struct json_object *ctx);
/* Same with a loc already built as a json array (taken). */
void		 verr_add_loc(struct verr *, const char *type,
		    struct json_object *loc, const char *msg,
		    struct json_object *input, struct json_object *ctx);
size_t		 verr_count(const struct verr *);
/* The array of error objects; borrowed, lives as long as the verr. */
struct json_object *verr_list(const struct verr *);

#endif
