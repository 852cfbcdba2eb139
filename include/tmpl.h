/*
 * Workflow templates (engine.md "Template definition"): validation of a
 * POST/PUT template body into Pydantic-v2-shaped 422 errors, and loading
 * of an already validated definition into plain structs for the engine.
 */
#ifndef WFM_TMPL_H
#define WFM_TMPL_H

#include <stdint.h>
#include <json-c/json.h>
#include "verr.h"

#define TMPL_STEPS_MAX		100	/* steps per template */
#define TMPL_ID_LEN_MAX		63	/* ^[a-z][a-z0-9_]{0,62}$ */
#define TMPL_NAME_LEN_MAX	128	/* characters */
#define TMPL_DESC_LEN_MAX	1024	/* characters */
#define TMPL_SHARED_MAX		100	/* entries of shared_with */
#define TMPL_USER_LEN_MAX	255	/* characters of a user id */
/*
 * Bytes of a command step's handler name, ^[a-z0-9][a-z0-9_-]*$: checked
 * when a template is validated and again by the supervisor before it
 * runs one (src/supervisor/sup_cmd.c), with this one constant.
 */
#define TMPL_HANDLER_LEN_MAX	128
#define TMPL_WF_ID_LEN_MAX	36	/* a workflow step's template_id */

/* Defaults applied by tmpl_load (engine.md). */
#define TMPL_DEF_TIMEOUT	3600	/* execution, seconds */
#define TMPL_DEF_PARALLEL	4
#define TMPL_DEF_STEP_TIMEOUT	60	/* per attempt, seconds */
#define TMPL_DEF_ATTEMPTS	1
#define TMPL_DEF_INITIAL_MS	1000
#define TMPL_DEF_COEFF		2.0
#define TMPL_DEF_MAX_MS		60000
/* Callbacks (engine.md "Callbacks from other systems"). */
#define TMPL_DEF_CB_TIMEOUT	86400		/* seconds, from the wait */
#define TMPL_CB_TIMEOUT_MAX	31536000	/* also the global timeout's
						   bound when a step waits */
#define TMPL_TIMEOUT_MAX	604800		/* global, without waits */
#define TMPL_RETRY_ON_MAX	20		/* entries of retry.on */
#define TMPL_ERR_TYPE_MAX	64		/* bytes of an error type */
#define TMPL_DEF_WAIT_TIMEOUT	86400	/* wait step, seconds */
#define TMPL_SIGNAL_LEN_MAX	64	/* ^[A-Za-z0-9_.-]{1,64}$ */
#define TMPL_ROLES_MAX		32	/* approvers.roles entries */
#define TMPL_ROLE_LEN_MAX	64	/* characters of a role name */

enum tmpl_step_type {
	TMPL_STEP_TRANSFORM,
	TMPL_STEP_HTTP,
	TMPL_STEP_COMMAND,
	TMPL_STEP_DELAY,
	TMPL_STEP_MAP,		/* one inner step per item */
	TMPL_STEP_WORKFLOW,	/* a child execution (engine.md "workflow") */
	TMPL_STEP_WAIT		/* waits for a signal (engine.md "wait") */
};

/* Map steps (engine.md "map"). */
#define TMPL_MAP_ITEMS_MAX	10000	/* items of one map */
#define TMPL_MAP_CONC_MAX	1000	/* max_concurrency */
#define TMPL_DEF_MAP_CONC	10

struct tmpl_step {
	const char		*id;		/* borrowed from the definition */
	enum tmpl_step_type	 type;
	int			 ndeps;
	int			*deps;		/* indexes into tmpl.steps, owned */
	const char		*when;		/* borrowed, NULL when absent */
	int			 max_attempts;	/* 1..20 */
	int64_t			 initial_interval_ms;
	double			 backoff_coefficient;
	int64_t			 max_interval_ms;
	int			 timeout_seconds;	/* per attempt */
	struct json_object	*obj;		/* the step object, borrowed */
	/* Per type, borrowed from obj; NULL (or 0) when not that type. */
	struct json_object	*output;	/* transform; may be JSON null */
	struct json_object	*request;	/* http */
	const char		*handler;	/* command */
	struct json_object	*input;		/* command; NULL when absent */
	double			 delay_seconds;	/* delay */
	/*
	 * http and command: 1 when the step waits for POST
	 * /callbacks/{token} after its request or handler succeeded.
	 */
	int			 callback;
	int			 callback_timeout;	/* seconds */
	/* retry.on: error types also retried, borrowed array, or NULL. */
	struct json_object	*retry_on;
	/*
	 * map: the items expression (borrowed), the bounds, and the inner
	 * step (owned; its id is the map's, its ndeps 0, never a map).
	 */
	const char		*items;
	int			 max_concurrency;	/* 1..1000 */
	int			 tolerated_failures;	/* 0..10000 */
	double			 tolerated_failure_percent; /* 0..100 */
	struct tmpl_step	*inner;
	const char		*wf_template;	/* workflow: template_id */
	int			 wf_version;	/* workflow: 0 = latest */
	struct json_object	*wf_input;	/* workflow; NULL when absent */
	int			 wf_wait;	/* workflow: default 1 */
	/*
	 * wait: the signal name, approvers.roles (an array, NULL when there
	 * are no approvers) and approvers.exclude_owner. Its timeout_seconds
	 * is the wait's (default TMPL_DEF_WAIT_TIMEOUT, at most the
	 * execution's timeout).
	 */
	const char		*signal;
	struct json_object	*approver_roles;
	int			 exclude_owner;
};

struct schema;

struct tmpl {
	struct json_object	*def;		/* our reference of the definition */
	const char		*name;		/* borrowed from def */
	int			 nsteps;
	struct tmpl_step	*steps;		/* owned, nsteps entries */
	int			 timeout_seconds;	/* whole execution */
	int			 max_parallel;
	int			 max_concurrent;	/* 0 = unlimited */
	struct json_object	*output;	/* borrowed, NULL when absent */
	struct json_object	*input_schema;	/* borrowed, NULL when absent */
	struct schema		*output_schema;	/* compiled, owned, or NULL */
};

/*
 * Validate a POST/PUT template body (a definition plus "is_public" and
 * "shared_with"): every error found is added to ve in the Pydantic v2
 * shape, located from ["body", ...]. A dependency cycle is one
 * value_error at ["body", "steps"] naming the cycle in depends_on
 * direction ("a -> b" means a depends on b), starting at the step that
 * comes first in the template. body is borrowed (NULL is JSON null).
 * Returns RC_OK when no error was added, else RC_INVALID.
 */
int	 tmpl_validate(struct json_object *body, struct verr *ve);

#define TMPL_NOTIFY_URL_MAX	2048	/* characters of a webhook url */
struct jpath;
/*
 * Validate a notify object ({"url", "events"}) located at p (restored on
 * return): errors go to ve in the Pydantic shape. RC_OK or RC_INVALID.
 * tmpl_notify.c.
 */
int	 tmpl_notify_check(struct json_object *v, struct jpath *p,
	    struct verr *ve);

/*
 * Turn a definition that passed tmpl_validate into a struct tmpl with
 * defaults applied. Takes its own reference of def; every borrowed
 * pointer of the result lives until tmpl_free. RC_OK: *out is owned by
 * the caller. RC_INVALID (logged): def is not a valid definition
 * (including a dependency cycle); *out is left alone.
 */
int	 tmpl_load(struct json_object *def, struct tmpl **out);
/* Free t and drop its reference of the definition; NULL-safe. */
void	 tmpl_free(struct tmpl *t);

/* 1 when error type "type" is listed in s's retry.on. */
int	 tmpl_retry_on(const struct tmpl_step *s, const char *type);

/* The index of step "id" in t->steps, or -1 if there is none. */
int	 tmpl_step_index(const struct tmpl *t, const char *id);

/* 1 if s (len bytes) is a signal name, ^[A-Za-z0-9_.-]{1,64}$. */
int	 tmpl_signal_name_ok(const char *s, size_t len);
/*
 * 1 if s (len bytes) is an error type, ^[a-z][a-z0-9_]*$ of at most
 * TMPL_ERR_TYPE_MAX bytes (retry.on, a callback's error.type).
 */
int	 tmpl_error_type_ok(const char *s, size_t len);
/* 1 if s (len bytes) is a role name, ^[A-Za-z0-9_.:-]{1,64}$. */
int	 tmpl_role_name_ok(const char *s, size_t len);

/*
 * "transform", "http", "command", "delay", "map", "workflow", "wait"
 * (static strings).
 */
const char	*tmpl_step_type_name(enum tmpl_step_type);
/* Parse a step type name: RC_OK and *out set, or RC_INVALID. */
int	 tmpl_step_type_parse(const char *s, enum tmpl_step_type *out);

#endif
