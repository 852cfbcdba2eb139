/*
 * Loading of a validated template definition into struct tmpl. The
 * checks here only keep the structs safe to use (types, bounds, indexes,
 * no cycle); the full rules and their messages are tmpl_validate's.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "schema.h"
#include "tmpl.h"

static const char *const step_type_names[] = {
	"transform", "http", "command", "delay", "map", "workflow", "wait"
};

const char *
tmpl_step_type_name(enum tmpl_step_type type)
{
	if ((size_t)type >= NITEMS(step_type_names))
		return "unknown";
	return step_type_names[type];
}

int
tmpl_step_type_parse(const char *s, enum tmpl_step_type *out)
{
	size_t	 i;

	for (i = 0; i < NITEMS(step_type_names); i++)
		if (strcmp(s, step_type_names[i]) == 0) {
			*out = (enum tmpl_step_type)i;
			return RC_OK;
		}
	return RC_INVALID;
}

int
tmpl_step_index(const struct tmpl *t, const char *id)
{
	int	 i;

	for (i = 0; i < t->nsteps; i++)
		if (strcmp(t->steps[i].id, id) == 0)
			return i;
	return -1;
}

int
tmpl_retry_on(const struct tmpl_step *s, const char *type)
{
	struct json_object	*v;
	size_t			 i, n;

	if (s->retry_on == NULL || type == NULL)
		return 0;
	n = json_object_array_length(s->retry_on);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(s->retry_on, i);
		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), type) == 0)
			return 1;
	}
	return 0;
}

/* Field key of obj, or NULL when absent or JSON null. */
static struct json_object *
field(struct json_object *obj, const char *key)
{
	struct json_object	*v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/*
 * Optional whole number key of obj in lo..hi, def when absent.
 * RC_OK or RC_INVALID.
 */
static int
load_int(struct json_object *obj, const char *key, int64_t def, int64_t lo,
    int64_t hi, int64_t *out)
{
	struct json_object	*v;
	double			 d;

	if (obj == NULL || (v = field(obj, key)) == NULL) {
		*out = def;
		return RC_OK;
	}
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return RC_INVALID;
	d = json_object_get_double(v);
	if (!isfinite(d) || d < (double)lo || d > (double)hi)
		return RC_INVALID;
	*out = (int64_t)d;
	if ((double)*out != d)
		return RC_INVALID;
	return RC_OK;
}

/* Optional number key of obj in lo..hi, def when absent. */
static int
load_num(struct json_object *obj, const char *key, double def, double lo,
    double hi, double *out)
{
	struct json_object	*v;
	double			 d;

	if (obj == NULL || (v = field(obj, key)) == NULL) {
		*out = def;
		return RC_OK;
	}
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return RC_INVALID;
	d = json_object_get_double(v);
	if (!isfinite(d) || d < lo || d > hi)
		return RC_INVALID;
	*out = d;
	return RC_OK;
}

static int	load_body(struct json_object *, struct tmpl_step *, int);

/* A map's items, bounds and inner step. RC_OK or RC_INVALID. */
static int
load_map(struct json_object *obj, struct tmpl_step *s)
{
	struct json_object	*v;
	int64_t			 n;

	if ((v = field(obj, "items")) == NULL ||
	    !json_object_is_type(v, json_type_string))
		return RC_INVALID;
	s->items = json_object_get_string(v);
	if (load_int(obj, "max_concurrency", TMPL_DEF_MAP_CONC, 1,
	    TMPL_MAP_CONC_MAX, &n) != RC_OK)
		return RC_INVALID;
	s->max_concurrency = (int)n;
	if (load_int(obj, "tolerated_failures", 0, 0, TMPL_MAP_ITEMS_MAX,
	    &n) != RC_OK)
		return RC_INVALID;
	s->tolerated_failures = (int)n;
	if (load_num(obj, "tolerated_failure_percent", 100, 0, 100,
	    &s->tolerated_failure_percent) != RC_OK)
		return RC_INVALID;
	if ((v = field(obj, "step")) == NULL)
		return RC_INVALID;
	s->inner = xcalloc(1, sizeof(*s->inner));
	s->inner->id = s->id;
	if (load_body(v, s->inner, 1) != RC_OK ||
	    s->inner->type == TMPL_STEP_MAP)
		return RC_INVALID;
	return RC_OK;
}

/* Id, type and the fields of the step's type. RC_OK or RC_INVALID. */
static int
load_step(struct json_object *obj, struct tmpl_step *s)
{
	struct json_object	*v;

	if (!json_object_is_type(obj, json_type_object))
		return RC_INVALID;
	if ((v = field(obj, "id")) == NULL ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) < 1 ||
	    json_object_get_string_len(v) > TMPL_ID_LEN_MAX)
		return RC_INVALID;
	s->id = json_object_get_string(v);
	return load_body(obj, s, 0);
}

/*
 * Everything but the id (a map's inner step has none: inner set).
 * RC_OK or RC_INVALID.
 */
static int
load_body(struct json_object *obj, struct tmpl_step *s, int inner)
{
	struct json_object	*v, *retry;
	int64_t			 n;

	s->obj = obj;
	if (!json_object_is_type(obj, json_type_object))
		return RC_INVALID;
	if (inner && field(obj, "depends_on") != NULL)
		return RC_INVALID;
	if ((v = field(obj, "type")) == NULL ||
	    !json_object_is_type(v, json_type_string) ||
	    tmpl_step_type_parse(json_object_get_string(v), &s->type) != RC_OK)
		return RC_INVALID;
	if ((v = field(obj, "when")) != NULL) {
		if (!json_object_is_type(v, json_type_string))
			return RC_INVALID;
		s->when = json_object_get_string(v);
	}
	retry = field(obj, "retry");
	if (retry != NULL && !json_object_is_type(retry, json_type_object))
		return RC_INVALID;
	if (load_int(retry, "max_attempts", TMPL_DEF_ATTEMPTS, 1, 20, &n) !=
	    RC_OK)
		return RC_INVALID;
	s->max_attempts = (int)n;
	if (load_int(retry, "initial_interval_ms", TMPL_DEF_INITIAL_MS, 1,
	    3600000, &s->initial_interval_ms) != RC_OK ||
	    load_num(retry, "backoff_coefficient", TMPL_DEF_COEFF, 1, 100,
	    &s->backoff_coefficient) != RC_OK ||
	    load_int(retry, "max_interval_ms", TMPL_DEF_MAX_MS, 1, 86400000,
	    &s->max_interval_ms) != RC_OK)
		return RC_INVALID;
	if (load_int(obj, "timeout_seconds", s->type == TMPL_STEP_WAIT ?
	    TMPL_DEF_WAIT_TIMEOUT : TMPL_DEF_STEP_TIMEOUT, 1,
	    s->type == TMPL_STEP_WAIT ? TMPL_CB_TIMEOUT_MAX : 86400, &n) !=
	    RC_OK)
		return RC_INVALID;
	s->timeout_seconds = (int)n;
	s->retry_on = field(retry, "on");
	if (s->retry_on != NULL &&
	    !json_object_is_type(s->retry_on, json_type_array))
		return RC_INVALID;
	if ((s->type == TMPL_STEP_HTTP || s->type == TMPL_STEP_COMMAND) &&
	    (v = field(obj, "callback")) != NULL) {
		if (!json_object_is_type(v, json_type_boolean))
			return RC_INVALID;
		s->callback = json_object_get_boolean(v);
	}
	if (load_int(obj, "callback_timeout_seconds", TMPL_DEF_CB_TIMEOUT, 1,
	    TMPL_CB_TIMEOUT_MAX, &n) != RC_OK)
		return RC_INVALID;
	s->callback_timeout = (int)n;
	switch (s->type) {
	case TMPL_STEP_TRANSFORM:
		if (!json_object_object_get_ex(obj, "output", &s->output))
			return RC_INVALID;
		break;
	case TMPL_STEP_HTTP:
		s->request = field(obj, "request");
		if (!json_object_is_type(s->request, json_type_object))
			return RC_INVALID;
		break;
	case TMPL_STEP_COMMAND:
		if ((v = field(obj, "handler")) == NULL ||
		    !json_object_is_type(v, json_type_string))
			return RC_INVALID;
		s->handler = json_object_get_string(v);
		s->input = field(obj, "input");
		break;
	case TMPL_STEP_DELAY:
		if (field(obj, "seconds") == NULL ||
		    load_num(obj, "seconds", 0, 0, 86400, &s->delay_seconds) !=
		    RC_OK)
			return RC_INVALID;
		break;
	case TMPL_STEP_MAP:
		if (inner || load_map(obj, s) != RC_OK)
			return RC_INVALID;
		break;
	case TMPL_STEP_WORKFLOW:
		if ((v = field(obj, "template_id")) == NULL ||
		    !json_object_is_type(v, json_type_string))
			return RC_INVALID;
		s->wf_template = json_object_get_string(v);
		if (load_int(obj, "version", 0, 1, INT32_MAX, &n) != RC_OK)
			return RC_INVALID;
		s->wf_version = (int)n;
		s->wf_input = field(obj, "input");
		s->wf_wait = (v = field(obj, "wait")) == NULL ||
		    json_object_get_boolean(v);
		break;
	case TMPL_STEP_WAIT:
		if ((v = field(obj, "signal")) == NULL ||
		    !json_object_is_type(v, json_type_string) ||
		    !tmpl_signal_name_ok(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)))
			return RC_INVALID;
		s->signal = json_object_get_string(v);
		if ((v = field(obj, "approvers")) != NULL) {
			if (!json_object_is_type(v, json_type_object))
				return RC_INVALID;
			s->approver_roles = field(v, "roles");
			if (s->approver_roles != NULL &&
			    !json_object_is_type(s->approver_roles,
			    json_type_array))
				return RC_INVALID;
			s->exclude_owner = field(v, "exclude_owner") != NULL &&
			    json_object_get_boolean(field(v,
			    "exclude_owner"));
		}
		break;
	}
	return RC_OK;
}

int
tmpl_signal_name_ok(const char *s, size_t len)
{
	size_t	i;

	if (len < 1 || len > TMPL_SIGNAL_LEN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

int
tmpl_role_name_ok(const char *s, size_t len)
{
	size_t	i;

	if (len < 1 || len > TMPL_ROLE_LEN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '.' || s[i] == '-' || s[i] == ':'))
			return 0;
	return 1;
}

/* Resolve depends_on into indexes. RC_OK or RC_INVALID. */
static int
load_deps(struct tmpl *t, int i)
{
	struct tmpl_step	*s = &t->steps[i];
	struct json_object	*deps, *v;
	size_t			 k, n;
	int			 j, m;

	if ((deps = field(s->obj, "depends_on")) == NULL)
		return RC_OK;
	if (!json_object_is_type(deps, json_type_array) ||
	    (n = json_object_array_length(deps)) > TMPL_STEPS_MAX)
		return RC_INVALID;
	s->deps = xcalloc(n > 0 ? n : 1, sizeof(*s->deps));
	for (k = 0; k < n; k++) {
		v = json_object_array_get_idx(deps, k);
		if (!json_object_is_type(v, json_type_string) ||
		    (j = tmpl_step_index(t, json_object_get_string(v))) < 0 ||
		    j == i)
			return RC_INVALID;
		for (m = 0; m < s->ndeps; m++)
			if (s->deps[m] == j)
				return RC_INVALID;
		s->deps[s->ndeps++] = j;
	}
	return RC_OK;
}

/* Kahn's algorithm: RC_OK when every step can be ordered. */
static int
load_acyclic(const struct tmpl *t)
{
	int	 indeg[TMPL_STEPS_MAX], queue[TMPL_STEPS_MAX];
	int	 head = 0, tail = 0, i, j, k;

	/* Edge dep -> step: indeg counts a step's dependencies. */
	for (i = 0; i < t->nsteps; i++) {
		indeg[i] = t->steps[i].ndeps;
		if (indeg[i] == 0)
			queue[tail++] = i;
	}
	while (head < tail) {
		j = queue[head++];
		for (i = 0; i < t->nsteps; i++)
			for (k = 0; k < t->steps[i].ndeps; k++)
				if (t->steps[i].deps[k] == j &&
				    --indeg[i] == 0)
					queue[tail++] = i;
	}
	return tail == t->nsteps ? RC_OK : RC_INVALID;
}

/* Compile a stored output_schema once per loaded template. */
static int
load_schema(struct json_object *doc, struct schema **out)
{
	struct verr	*ve;
	struct jpath	 p;
	int		 rc = RC_OK;

	if (!json_object_is_type(doc, json_type_object))
		return RC_INVALID;
	ve = verr_new();
	jpath_init(&p, "output_schema");
	if (schema_compile(doc, &p, ve, out) != 0) {
		log_warnx("template: output_schema does not compile: %s",
		    json_object_to_json_string(verr_list(ve)));
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

int
tmpl_load(struct json_object *def, struct tmpl **out)
{
	struct tmpl		*t = NULL;
	struct json_object	*v, *gc, *steps;
	int64_t			 n;
	size_t			 nsteps;
	int			 i, j;

	if (!json_object_is_type(def, json_type_object)) {
		log_warnx("template: definition is not an object");
		return RC_INVALID;
	}
	t = xcalloc(1, sizeof(*t));
	t->def = json_object_get(def);
	if ((v = field(def, "name")) == NULL ||
	    !json_object_is_type(v, json_type_string)) {
		log_warnx("template: no name");
		goto bad;
	}
	t->name = json_object_get_string(v);
	gc = field(def, "global_config");
	if (gc != NULL && !json_object_is_type(gc, json_type_object))
		goto invalid;
	if (load_int(gc, "timeout_seconds", TMPL_DEF_TIMEOUT, 1,
	    TMPL_CB_TIMEOUT_MAX, &n) !=
	    RC_OK)
		goto invalid;
	t->timeout_seconds = (int)n;
	if (load_int(gc, "max_parallel", TMPL_DEF_PARALLEL, 1, 64, &n) != RC_OK)
		goto invalid;
	t->max_parallel = (int)n;
	if (load_int(gc, "max_concurrent_executions", 0, 1, 100000, &n) !=
	    RC_OK)
		goto invalid;
	t->max_concurrent = (int)n;
	t->output = field(def, "output");
	t->input_schema = field(def, "input_schema");
	if (t->input_schema != NULL &&
	    !json_object_is_type(t->input_schema, json_type_object))
		goto invalid;
	if ((v = field(def, "output_schema")) != NULL &&
	    load_schema(v, &t->output_schema) != RC_OK)
		goto invalid;
	steps = field(def, "steps");
	if (!json_object_is_type(steps, json_type_array) ||
	    (nsteps = json_object_array_length(steps)) < 1 ||
	    nsteps > TMPL_STEPS_MAX)
		goto invalid;
	t->steps = xcalloc(nsteps, sizeof(*t->steps));
	t->nsteps = (int)nsteps;
	for (i = 0; i < t->nsteps; i++) {
		if (load_step(json_object_array_get_idx(steps, (size_t)i),
		    &t->steps[i]) != RC_OK)
			goto invalid;
		for (j = 0; j < i; j++)
			if (strcmp(t->steps[j].id, t->steps[i].id) == 0)
				goto invalid;	/* duplicate id */
		/*
		 * A wait without its own timeout waits at most as long as
		 * the execution may run (an explicit one above it is
		 * refused by tmpl_validate).
		 */
		if (t->steps[i].type == TMPL_STEP_WAIT &&
		    t->steps[i].timeout_seconds > t->timeout_seconds)
			t->steps[i].timeout_seconds = t->timeout_seconds;
	}
	for (i = 0; i < t->nsteps; i++)
		if (load_deps(t, i) != RC_OK)
			goto invalid;
	if (load_acyclic(t) != RC_OK)
		goto invalid;
	*out = t;
	return RC_OK;
invalid:
	log_warnx("template %s: definition does not validate", t->name);
bad:
	tmpl_free(t);
	return RC_INVALID;
}

void
tmpl_free(struct tmpl *t)
{
	int	 i;

	if (t == NULL)
		return;
	if (t->steps != NULL)
		for (i = 0; i < t->nsteps; i++) {
			free(t->steps[i].deps);
			free(t->steps[i].inner);
		}
	free(t->steps);
	schema_free(t->output_schema);
	json_object_put(t->def);
	free(t);
}
