/*
 * Schedules: /workflow-management/schedules (api.md "Schedules", engine.md
 * "Schedules" and "Schedules, exactly."). CRUD, pause, resume, trigger
 * now and the past fires. The supervisor fires them (sup_sched.c); here
 * a schedule is validated, stored with its first next_fire_at and shown
 * with its next five fire times.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "cron.h"
#include "http.h"
#include "http_int.h"
#include "jsonx.h"
#include "log.h"
#include "schema.h"
#include "store_exec.h"
#include "store_sched.h"

#define SCHED_NAME_PATTERN	"^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$"
#define SCHED_TZ_PATTERN	"^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$"
#define SCHED_NEXT_SHOWN	5
#define TEMPLATE_ID_MAX		64

/* The zones this worker has loaded, shared by its requests. */
static struct sched_tzset	*zones;

/* A validated POST/PUT body; strings borrowed from r->body. */
struct sched_args {
	const char		*name;
	const char		*template_id;
	const char		*cron;		/* NULL: interval */
	long long		 interval;	/* 0: cron */
	const char		*timezone;
	struct json_object	*input;		/* NULL: {} */
	const char		*overlap;
	const char		*catchup;
	int			 paused;
	struct sched_spec	 spec;
};

static int
name_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i == 0 || (s[i] != '.' && s[i] != '-'))
			return 0;
	}
	return i >= 1 && i <= 64;
}

static void
pattern_error(struct verr *ve, const struct jpath *p, struct json_object *v,
    const char *pattern)
{
	struct json_object	*ctx = json_object_new_object();
	char			 msg[128];

	json_object_object_add(ctx, "pattern",
	    json_object_new_string(pattern));
	snprintf(msg, sizeof(msg), "String should match pattern '%s'",
	    pattern);
	verr_add(ve, "string_pattern_mismatch", p, msg, v, ctx);
}

/* A string member (optional unless required); NULL when absent or bad. */
static const char *
get_str(struct json_object *body, const char *key, int required,
    struct verr *ve, struct json_object **vp)
{
	struct json_object	*v;
	struct jpath		 p;

	jpath_init(&p, "body");
	jpath_key(&p, key);
	*vp = NULL;
	if (!json_object_object_get_ex(body, key, &v)) {
		if (required)
			verr_add(ve, "missing", &p, "Field required", body,
			    NULL);
		return NULL;
	}
	*vp = v;
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(ve, "string_type", &p, "Input should be a valid string",
		    v, NULL);
		return NULL;
	}
	return json_object_get_string(v);
}

/* One of the listed values, or an "enum" error; def when absent. */
static const char *
get_enum(struct json_object *body, const char *key, const char *const *vals,
    const char *expected, struct verr *ve)
{
	struct json_object	*v, *ctx;
	struct jpath		 p;
	const char		*s;
	char			 msg[128];
	int			 i;

	if ((s = get_str(body, key, 0, ve, &v)) == NULL)
		return v == NULL ? vals[0] : NULL;
	for (i = 0; vals[i] != NULL; i++)
		if (strcmp(s, vals[i]) == 0)
			return vals[i];
	jpath_init(&p, "body");
	jpath_key(&p, key);
	ctx = json_object_new_object();
	json_object_object_add(ctx, "expected",
	    json_object_new_string(expected));
	snprintf(msg, sizeof(msg), "Input should be %s", expected);
	verr_add(ve, "enum", &p, msg, v, ctx);
	return NULL;
}

/* The cron or interval_seconds of the body into a->spec. */
static void
check_when(struct http_req *r, struct sched_args *a, struct verr *ve)
{
	struct json_object	*cv = NULL, *iv = NULL, *ctx;
	struct jpath		 p;
	struct errmsg		 err;
	char			 msg[ERRMSG_MAX + 64];

	if (json_object_object_get_ex(r->body, "cron", &cv) &&
	    json_object_is_type(cv, json_type_null))
		cv = NULL;
	if (json_object_object_get_ex(r->body, "interval_seconds", &iv) &&
	    json_object_is_type(iv, json_type_null))
		iv = NULL;
	if (cv == NULL && iv == NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "cron");
		verr_add(ve, "missing", &p, "Field required", r->body, NULL);
		return;
	}
	if (cv != NULL && iv != NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "interval_seconds");
		verr_add(ve, "value_error", &p, "Value error, give either cron "
		    "or interval_seconds, not both", iv, NULL);
		return;
	}
	if (cv != NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "cron");
		if (!json_object_is_type(cv, json_type_string)) {
			verr_add(ve, "string_type", &p, "Input should be a "
			    "valid string", cv, NULL);
			return;
		}
		if (http_check_str(ve, &p, cv, 1, SCHED_CRON_LEN_MAX) != 0)
			return;
		a->cron = json_object_get_string(cv);
		if (sched_cron_parse(a->cron, &a->spec.cron, &err) != RC_OK) {
			snprintf(msg, sizeof(msg), "Value error, %s", err.text);
			verr_add(ve, "value_error", &p, msg, cv, NULL);
			a->cron = NULL;
		} else if (sched_cron_never(&a->spec.cron)) {
			verr_add(ve, "value_error", &p, "Value error, the "
			    "expression never fires", cv, NULL);
			a->cron = NULL;
		}
		return;
	}
	jpath_init(&p, "body");
	jpath_key(&p, "interval_seconds");
	if (!json_object_is_type(iv, json_type_int)) {
		verr_add(ve, "int_type", &p, "Input should be a valid integer",
		    iv, NULL);
		return;
	}
	a->interval = json_object_get_int64(iv);
	if (a->interval < SCHED_INTERVAL_MIN) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "ge",
		    json_object_new_int(SCHED_INTERVAL_MIN));
		verr_add(ve, "greater_than_equal", &p, "Input should be "
		    "greater than or equal to 10", iv, ctx);
		a->interval = 0;
	} else if (a->interval > SCHED_INTERVAL_MAX) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "le",
		    json_object_new_int(SCHED_INTERVAL_MAX));
		verr_add(ve, "less_than_equal", &p, "Input should be "
		    "less than or equal to 31536000", iv, ctx);
		a->interval = 0;
	}
	a->spec.interval = a->interval;
}

/* The zone of a->timezone into a->spec.tz. */
static void
check_tz(struct http_req *r, struct sched_args *a, struct verr *ve)
{
	struct json_object	*v;
	struct jpath		 p;
	struct errmsg		 err;
	char			 msg[ERRMSG_MAX + 64];
	int			 rc;

	a->timezone = get_str(r->body, "timezone", 0, ve, &v);
	if (a->timezone == NULL) {
		if (v == NULL)
			a->timezone = "UTC";
		return;
	}
	jpath_init(&p, "body");
	jpath_key(&p, "timezone");
	if (!sched_tz_name_valid(a->timezone)) {
		pattern_error(ve, &p, v, SCHED_TZ_PATTERN);
		a->timezone = NULL;
		return;
	}
	if (zones == NULL)
		zones = sched_tzset_new(NULL);
	rc = sched_tzset_get(zones, a->timezone, &a->spec.tz, &err);
	if (rc == RC_ERR) {
		errmsg_set(&err, "the zone cannot be read");
		rc = RC_INVALID;
	}
	if (rc != RC_OK) {
		snprintf(msg, sizeof(msg), "Value error, unknown time zone: "
		    "%s", err.text);
		verr_add(ve, "value_error", &p, msg, v, NULL);
		a->timezone = NULL;
	}
}

/* The body of POST and PUT; RC_INVALID with the 422 set. */
static int
validate(struct http_req *r, struct sched_args *a)
{
	static const char *const known[] = { "name", "template_id", "cron",
	    "interval_seconds", "timezone", "input_data", "overlap",
	    "catchup", "paused" };
	static const char *const overlaps[] = { "skip", "allow",
	    "buffer_one", NULL };
	static const char *const catchups[] = { "none", "last", "all", NULL };
	struct verr		*ve = verr_new();
	struct json_object	*v;
	struct jpath		 p;
	int			 rc = RC_OK;

	memset(a, 0, sizeof(*a));
	if (!http_check_object(r, ve))
		goto out;
	http_check_extra(r->body, known, NITEMS(known), ve);
	if ((a->name = get_str(r->body, "name", 1, ve, &v)) != NULL &&
	    !name_valid(a->name)) {
		jpath_init(&p, "body");
		jpath_key(&p, "name");
		pattern_error(ve, &p, v, SCHED_NAME_PATTERN);
	}
	if ((a->template_id = get_str(r->body, "template_id", 1, ve, &v)) !=
	    NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "template_id");
		(void)http_check_str(ve, &p, v, 1, TEMPLATE_ID_MAX);
	}
	check_when(r, a, ve);
	check_tz(r, a, ve);
	if (json_object_object_get_ex(r->body, "input_data", &v)) {
		jpath_init(&p, "body");
		jpath_key(&p, "input_data");
		if (!json_object_is_type(v, json_type_object))
			verr_add(ve, "dict_type", &p, "Input should be a valid "
			    "dictionary", v, NULL);
		else
			a->input = v;
	}
	a->overlap = get_enum(r->body, "overlap", overlaps,
	    "'skip', 'allow' or 'buffer_one'", ve);
	a->catchup = get_enum(r->body, "catchup", catchups,
	    "'none', 'last' or 'all'", ve);
	if (json_object_object_get_ex(r->body, "paused", &v)) {
		jpath_init(&p, "body");
		jpath_key(&p, "paused");
		if (!json_object_is_type(v, json_type_boolean))
			verr_add(ve, "bool_type", &p, "Input should be a valid "
			    "boolean", v, NULL);
		else
			a->paused = json_object_get_boolean(v);
	}
out:
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

/* The spec of a stored row; RC_OK, or RC_ERR when the row is unusable. */
static int
row_spec(const struct store_sched *s, struct sched_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	if (zones == NULL)
		zones = sched_tzset_new(NULL);
	if (sched_tzset_get(zones, s->timezone, &spec->tz, NULL) != RC_OK)
		return RC_ERR;
	if (s->cron == NULL) {
		spec->interval = s->interval;
		return spec->interval > 0 ? RC_OK : RC_ERR;
	}
	return sched_cron_parse(s->cron, &spec->cron, NULL);
}

/* The next fire after now, or -1 (SQL NULL) when it never fires again. */
static long long
next_fire(const struct sched_spec *spec)
{
	int64_t	t;

	if (sched_next(spec, (int64_t)time(NULL), &t) != RC_OK)
		return -1;
	return (long long)t;
}

/* A time in epoch ms, null for STORE_NO_MS. */
static void
add_time(struct json_object *o, const char *key, long long ms)
{
	char	ts[UTIL_TIME_LEN];

	if (ms == STORE_NO_MS) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(ms, ts);
	json_object_object_add(o, key, json_object_new_string(ts));
}

static void
add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v != NULL ?
	    json_object_new_string(v) : NULL);
}

/* The stored input_data of s into *in (owned). */
static int
parse_input(const struct store_sched *s, struct json_object **in)
{
	const char	*msg;
	size_t		 pos;

	*in = NULL;
	if (s->input == NULL)
		return RC_ERR;
	return jsonx_parse(s->input, s->input_len, in, &pos, &msg);
}

/* A fire row as the API shows it. */
static struct json_object *
fire_json(const struct store_sched_fire *f)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "fire_id", json_object_new_int64(f->pk));
	add_time(o, "scheduled_time", f->fire_ms);
	add_time(o, "actual_time", f->fired_ms);
	json_object_object_add(o, "manual",
	    json_object_new_boolean(f->manual));
	add_str(o, "execution_id", f->execution_id);
	add_str(o, "reason", f->reason);
	return o;
}

/*
 * The document of schedule s: its definition, the next five fire times
 * (none while paused) and, with last, its last fire.
 */
static struct json_object *
sched_json(struct http_req *r, const struct store_sched *s, int last)
{
	struct json_object	*o = json_object_new_object(), *a, *in;
	struct store_sched_fire	 f;
	struct sched_spec	 spec;
	int64_t			 t[SCHED_NEXT_SHOWN];
	char			 ts[UTIL_TIME_LEN];
	int			 n, i;

	add_str(o, "schedule_id", s->id);
	add_str(o, "name", s->name);
	add_str(o, "owner_id", s->owner);
	add_str(o, "template_id", s->template_id);
	add_str(o, "cron", s->cron);
	json_object_object_add(o, "interval_seconds", s->cron != NULL ? NULL :
	    json_object_new_int64(s->interval));
	add_str(o, "timezone", s->timezone);
	if (parse_input(s, &in) != RC_OK)
		in = json_object_new_object();
	json_object_object_add(o, "input_data", in);
	add_str(o, "overlap", s->overlap);
	add_str(o, "catchup", s->catchup);
	json_object_object_add(o, "paused",
	    json_object_new_boolean(s->paused));
	add_time(o, "created_at", s->created_ms);
	add_time(o, "updated_at", s->updated_ms);
	a = json_object_new_array();
	if (!s->paused && row_spec(s, &spec) == RC_OK) {
		n = sched_next_n(&spec, (int64_t)time(NULL), t,
		    SCHED_NEXT_SHOWN);
		for (i = 0; i < n; i++) {
			util_time_fmt((int64_t)t[i] * 1000, ts);
			json_object_array_add(a, json_object_new_string(ts));
		}
	}
	json_object_object_add(o, "next_fire_times", a);
	add_str(o, "last_execution_id", s->last_exec);
	add_str(o, "last_execution_status", s->last_status);
	if (!last)
		return o;
	if (store_sched_last_fire(r->app->st, s->pk, &f) == RC_OK)
		json_object_object_add(o, "last_fire", fire_json(&f));
	else
		json_object_object_add(o, "last_fire", NULL);
	store_sched_fire_free(&f);
	return o;
}

/*
 * The schedule id into *s, for its owner or an admin. On failure the
 * answer (404, 403, 503) is set and *s is empty.
 */
static int
load(struct http_req *r, const char *id, struct store_sched *s)
{
	int	rc;

	rc = store_sched_get(r->app->st, id, s);
	if (rc == RC_OK && strcmp(s->owner, r->who.sub) != 0 &&
	    !auth_has_role(&r->who, ROLE_ADMIN))
		rc = RC_DENIED;
	if (rc != RC_OK) {
		store_sched_free(s);
		http_resp_rc(r, rc, "Schedule not found");
	}
	return rc;
}

/* Answer status with the document of schedule id (read again). */
static void
answer_doc(struct http_req *r, const char *id, int status)
{
	struct store_sched	s;

	if (load(r, id, &s) != RC_OK)
		return;
	if (status == 201)
		http_resp_header(r, "Location: %s/workflow-management/"
		    "schedules/%s", r->app->cfg->http.base_path, id);
	http_resp_json(r, status, sched_json(r, &s, 1));
	store_sched_free(&s);
}

/*
 * The one way a schedule's template is loaded (POST, PUT, trigger):
 * template tid into *e, found (404) and usable by who (403). On failure
 * the answer is set.
 */
static int
sched_template(struct http_req *r, const char *tid,
    const struct principal *who, const struct tcache_ent **e)
{
	int	rc;

	if ((rc = http_tcache_get(r, tid, 1, e)) != RC_OK) {
		http_resp_rc(r, rc, "Template not found");
		return rc;
	}
	if (!http_tcache_may_use(*e, who)) {
		http_resp_detail(r, 403, "Access denied");
		return RC_DENIED;
	}
	return RC_OK;
}

/*
 * The number of errors of input against e's input_schema (0 without
 * one), each added to ve at p.
 */
static int
input_errors(const struct tcache_ent *e, struct json_object *input,
    struct jpath *p, struct verr *ve)
{
	if (e->schema == NULL)
		return 0;
	return schema_validate(e->schema, input, p, ve);
}

/*
 * The template of a POST/PUT: found (404), usable by the caller (403),
 * input_data valid against its input_schema now (422).
 */
static int
check_template(struct http_req *r, const struct sched_args *a,
    const struct tcache_ent **e)
{
	struct json_object	*empty = NULL;
	struct verr		*ve;
	struct jpath		 p;
	int			 rc;

	if ((rc = sched_template(r, a->template_id, &r->who, e)) != RC_OK)
		return rc;
	if ((*e)->schema == NULL)
		return RC_OK;
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	if (input_errors(*e, a->input != NULL ? a->input :
	    (empty = json_object_new_object()), &p, ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	json_object_put(empty);
	return rc;
}

/* The row of a POST/PUT into *x (id, owner and owner_slot left alone). */
static void
row_new(struct http_req *r, const struct sched_args *a,
    const struct tcache_ent *e, const char *input, struct store_sched_new *x)
{
	long long	next = a->paused ? -1 : next_fire(&a->spec);

	x->name = a->name;
	x->template_pk = e->pk;
	x->template_id = e->tid;
	x->cron = a->cron;
	x->interval = a->interval;
	x->timezone = a->timezone;
	x->input = input;
	x->overlap = a->overlap;
	x->catchup = a->catchup;
	x->paused = a->paused;
	x->admin_access = auth_has_role(&r->who, ROLE_ADMIN);
	x->next_fire_s = next >= 0 ? next : STORE_NO_MS;
}

/* The audit detail of a change: name and template. */
static struct json_object *
detail_of(const char *name, const char *tid)
{
	struct json_object	*d = json_object_new_object();

	json_object_object_add(d, "name", json_object_new_string(name));
	if (tid != NULL)
		json_object_object_add(d, "template_id",
		    json_object_new_string(tid));
	return d;
}

/* A change of a schedule, written with its audit row (write_audited). */
enum sched_op { OP_CREATE, OP_UPDATE, OP_DELETE, OP_PAUSE, OP_RESUME };
static const char *const op_action[] = { "schedule.create",
    "schedule.update", "schedule.delete", "schedule.pause",
    "schedule.resume" };

struct sched_write {
	enum sched_op			 op;
	long long			 pk;	/* all but OP_CREATE */
	const struct store_sched_new	*x;	/* OP_CREATE, OP_UPDATE */
	long long			 next_s; /* OP_RESUME, or -1 */
	int				 deleted; /* OP_DELETE: the result */
};

/* write_audited's inputs (a store_tx body). */
struct audited_args {
	struct http_req		*r;
	struct sched_write	*w;
	const char		*sid;
	struct json_object	*detail;
};

static int
audited_body(struct store *st, void *arg)
{
	struct audited_args	*a = arg;
	struct sched_write	*w = a->w;
	int			 rc;

	w->deleted = 0;
	switch (w->op) {
	case OP_CREATE:
		rc = store_sched_insert(st, w->x);
		break;
	case OP_UPDATE:
		rc = store_sched_update(st, w->pk, w->x);
		break;
	case OP_DELETE:
		rc = store_sched_delete(st, w->pk, &w->deleted);
		break;
	case OP_PAUSE:
		rc = store_sched_pause(st, w->pk);
		break;
	case OP_RESUME:
		rc = store_sched_resume(st, w->pk, w->next_s);
		break;
	default:
		rc = RC_ERR;
		break;
	}
	if (rc == RC_OK)
		rc = http_audit(a->r, op_action[w->op], "schedule", a->sid,
		    a->detail);
	return rc;
}

/*
 * Write w then the audit row of schedule sid in one transaction
 * (store_tx). detail is consumed.
 */
static int
write_audited(struct http_req *r, struct sched_write *w, const char *sid,
    struct json_object *detail)
{
	struct audited_args	a;
	int			rc;

	a.r = r;
	a.w = w;
	a.sid = sid;
	a.detail = detail;
	rc = store_tx(r->app->st, 0, audited_body, &a);
	json_object_put(detail);
	return rc;
}

/*
 * The limit is exact under concurrent creates (sql/020): each schedule
 * holds an owner slot below max_schedules_per_user, the lowest free one,
 * and a slot taken by a concurrent create is a duplicate key; then the
 * count and the free slot are read again (each read its own statement,
 * so it sees the other create's commit) and the insert is tried again.
 * All racers want the same lowest slot, so one wins per round: every
 * lost round is a slot another create took, and lim + 1 rounds always
 * end (created, or 429 once the slots are full), where a fixed number
 * of tries answered 503 to some of 20 parallel creates.
 */
void
http_h_sched_create(struct http_req *r)
{
	const struct tcache_ent	*e;
	struct store_sched_new	 x;
	struct sched_write	 w;
	struct sched_args	 a;
	char			 sid[UTIL_UUID_LEN], *input = NULL;
	long long		 cnt, slot;
	long long		 lim = r->app->cfg->http.max_schedules_per_user;
	int			 rc = RC_OK, tries, taken;

	if (http_req_body(r, 0) != RC_OK || validate(r, &a) != RC_OK ||
	    check_template(r, &a, &e) != RC_OK)
		return;
	util_uuid(sid);
	if (a.input != NULL)
		input = jsonx_canon(a.input);
	for (tries = 0; tries <= lim; tries++) {
		if ((rc = store_sched_count_owner(r->app->st, r->who.sub,
		    &cnt)) != RC_OK ||
		    (rc = store_sched_free_slot(r->app->st, r->who.sub,
		    &slot)) != RC_OK)
			break;
		if (cnt >= lim || slot >= lim) {
			free(input);
			http_resp_detail(r, 429, "Too many schedules");
			http_resp_header(r, "Retry-After: %d",
			    HTTP_RETRY_SCHED_QUOTA);
			return;
		}
		memset(&x, 0, sizeof(x));
		x.id = sid;
		x.owner = r->who.sub;
		row_new(r, &a, e, input != NULL ? input : "{}", &x);
		x.owner_slot = slot;
		memset(&w, 0, sizeof(w));
		w.op = OP_CREATE;
		w.x = &x;
		rc = write_audited(r, &w, sid, detail_of(a.name, e->tid));
		if (rc != RC_CONFLICT)
			break;
		/* The name, or the slot a concurrent create took. */
		if ((rc = store_sched_name_taken(r->app->st, r->who.sub,
		    a.name, &taken)) != RC_OK)
			break;
		if (taken) {
			rc = RC_CONFLICT;
			break;
		}
		rc = RC_AGAIN;
	}
	free(input);
	if (rc == RC_CONFLICT) {
		http_resp_detail(r, 409, "A schedule with this name exists");
		return;
	}
	if (rc != RC_OK) {
		if (rc == RC_AGAIN)
			log_warnx("schedule create of %s: no owner slot after "
			    "%d tries", r->who.sub, tries);
		http_resp_rc(r, rc, NULL);
		return;
	}
	answer_doc(r, sid, 201);
}

void
http_h_sched_get(struct http_req *r)
{
	answer_doc(r, r->id, 200);
}

void
http_h_sched_list(struct http_req *r)
{
	struct json_object	*items;
	struct store_sched_list	 l;
	long long		 limit, before;
	size_t			 i;
	int			 rc;

	if (http_page_args(r, &limit, &before) != RC_OK)
		return;
	rc = store_sched_list(r->app->st, auth_has_role(&r->who, ROLE_ADMIN) ?
	    NULL : r->who.sub, before, limit + 1, &l);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < l.n && i < (size_t)limit; i++)
		json_object_array_add(items, sched_json(r, &l.v[i], 0));
	http_page_send(r, items, l.n, limit, i > 0 ? l.v[i - 1].pk : 0);
	store_sched_list_free(&l);
}

void
http_h_sched_put(struct http_req *r)
{
	const struct tcache_ent	*e;
	struct store_sched_new	 x;
	struct sched_write	 w;
	struct sched_args	 a;
	struct store_sched	 s;
	char			*input = NULL;
	int			 rc;

	/* The body first, as PUT of a template does. */
	if (http_req_body(r, 0) != RC_OK || validate(r, &a) != RC_OK)
		return;
	if (load(r, r->id, &s) != RC_OK)
		return;
	if (check_template(r, &a, &e) != RC_OK)
		goto out;
	if (a.input != NULL)
		input = jsonx_canon(a.input);
	memset(&x, 0, sizeof(x));
	row_new(r, &a, e, input != NULL ? input : "{}", &x);
	memset(&w, 0, sizeof(w));
	w.op = OP_UPDATE;
	w.pk = s.pk;
	w.x = &x;
	rc = write_audited(r, &w, r->id, detail_of(a.name, e->tid));
	if (rc == RC_CONFLICT)
		http_resp_detail(r, 409, "A schedule with this name exists");
	else if (rc != RC_OK)
		http_resp_rc(r, rc, NULL);
	else
		answer_doc(r, r->id, 200);
out:
	free(input);
	store_sched_free(&s);
}

void
http_h_sched_delete(struct http_req *r)
{
	struct sched_write	w;
	struct store_sched	s;
	int			rc;

	if (load(r, r->id, &s) != RC_OK)
		return;
	memset(&w, 0, sizeof(w));
	w.op = OP_DELETE;
	w.pk = s.pk;
	rc = write_audited(r, &w, r->id, detail_of(s.name, NULL));
	if (rc == RC_OK && !w.deleted)
		rc = RC_NOTFOUND;
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Schedule not found");
	else
		r->status = 204;
	store_sched_free(&s);
}

/* Pause (resume 0) or resume (1); 200 with the document. */
static void
pause_resume(struct http_req *r, int resume)
{
	struct sched_spec	spec;
	struct sched_write	w;
	struct store_sched	s;
	int			rc;

	if (load(r, r->id, &s) != RC_OK)
		return;
	memset(&w, 0, sizeof(w));
	w.pk = s.pk;
	if (!resume) {
		w.op = OP_PAUSE;
		rc = write_audited(r, &w, r->id, detail_of(s.name, NULL));
	} else if (row_spec(&s, &spec) != RC_OK) {
		log_warnx("schedule %s: stored definition unusable", r->id);
		rc = RC_ERR;
	} else {
		/* Resumed: the next fire after now, no catch-up. */
		w.op = OP_RESUME;
		w.next_s = next_fire(&spec);
		rc = write_audited(r, &w, r->id, detail_of(s.name, NULL));
	}
	store_sched_free(&s);
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Schedule not found");
	else
		answer_doc(r, r->id, 200);
}

void
http_h_sched_pause(struct http_req *r)
{
	pause_resume(r, 0);
}

void
http_h_sched_resume(struct http_req *r)
{
	pause_resume(r, 1);
}

/* trigger_write's inputs (a store_tx body). */
struct trigger_args {
	struct http_req			*r;
	const struct store_sched	*s;
	const struct store_exec_new	*x;
	long long			 fire_ms;
};

static int
trigger_body(struct store *st, void *arg)
{
	const struct trigger_args	*a = arg;
	const struct store_exec_new	*x = a->x;
	struct store_sched_fire_new	 f;
	struct json_object		*d;
	int				 rc;

	rc = store_exec_insert(st, x, NULL, NULL);
	if (rc == RC_OK) {
		f.schedule_pk = a->s->pk;
		f.fire_ms = a->fire_ms;
		f.manual = 1;
		f.execution_id = x->id;
		f.reason = NULL;
		rc = store_sched_fire_insert(st, &f, NULL);
	}
	if (rc == RC_OK)
		rc = store_sched_set_last(st, a->s->pk, a->fire_ms, x->id);
	if (rc == RC_OK) {
		d = detail_of(a->s->name, x->template_id);
		json_object_object_add(d, "execution_id",
		    json_object_new_string(x->id));
		rc = http_audit(a->r, "schedule.trigger", "schedule",
		    a->r->id, d);
		json_object_put(d);
	}
	return rc;
}

/*
 * The execution of a trigger, its fire row and the audit: one
 * transaction (store_tx).
 */
static int
trigger_write(struct http_req *r, const struct store_sched *s,
    const struct store_exec_new *x, long long fire_ms)
{
	struct trigger_args	a;

	a.r = r;
	a.s = s;
	a.x = x;
	a.fire_ms = fire_ms;
	return store_tx(r->app->st, 0, trigger_body, &a);
}

/*
 * POST .../{id}/trigger: one run now, named sched.<name>.manual.<time>,
 * as the schedule's owner, whatever its overlap policy and also while
 * paused. The template is checked as at a fire: 404 once deleted, 403
 * when the owner may no longer use it, 409 when the stored input no
 * longer passes its input_schema, 429 at the quota.
 */
void
http_h_sched_trigger(struct http_req *r)
{
	const struct tcache_ent	*e;
	struct store_exec_new	 x;
	struct store_sched	 s;
	struct json_object	*in = NULL, *o;
	struct principal	 owner;
	struct verr		*ve;
	struct jpath		 jp;
	char			 id[UTIL_UUID_LEN], hash[65], fn[SCHED_FIRE_NAME_LEN];
	char			*name = NULL, *canon = NULL, ts[UTIL_TIME_LEN];
	int64_t			 now_ms = util_now_ms();
	int			 rc;

	if (load(r, r->id, &s) != RC_OK)
		return;
	/* Access as the owner (an admin's schedule keeps its admin_access). */
	memset(&owner, 0, sizeof(owner));
	snprintf(owner.sub, sizeof(owner.sub), "%s", s.owner);
	owner.roles = s.admin_access ? ROLE_ADMIN : 0;
	if (sched_template(r, s.template_id, &owner, &e) != RC_OK)
		goto out;
	if (parse_input(&s, &in) != RC_OK) {
		http_resp_rc(r, RC_ERR, NULL);
		goto out;
	}
	ve = verr_new();
	jpath_init(&jp, "input_data");
	rc = input_errors(e, in, &jp, ve);
	verr_free(ve);
	if (rc > 0) {
		http_resp_detail(r, 409, "The schedule's input_data no longer "
		    "matches the template's input_schema");
		goto out;
	}
	sched_fire_name(now_ms / 1000, fn);
	name = xasprintf("sched.%s.manual.%s", s.name, fn);
	canon = jsonx_canon(in);
	jsonx_canon_hash(in, hash);
	util_uuid(id);
	memset(&x, 0, sizeof(x));
	x.id = id;
	x.user = owner.sub;
	x.name = name;
	x.template_id = e->tid;
	x.version = e->version;
	x.input = canon;
	x.hash = hash;
	x.reqid = r->reqid;
	x.client = r->remote_addr;
	x.created_ms = now_ms;
	x.admin_access = s.admin_access;
	x.slots = r->app->cfg->http.max_active_executions_per_user;
	x.schedule_pk = s.pk;
	rc = trigger_write(r, &s, &x, now_ms / 1000 * 1000);
	if (rc == RC_CONFLICT) {
		http_resp_detail(r, 409, "Triggered already in this second");
		goto out;
	}
	if (rc == RC_DENIED) {
		http_resp_detail(r, 429, "Too many active executions");
		http_resp_header(r, "Retry-After: %d",
		    HTTP_RETRY_ACTIVE_QUOTA);
		goto out;
	}
	if (rc != RC_OK) {
		/* The template changed meanwhile: the caller may retry. */
		http_resp_rc(r, rc == RC_NOTFOUND || rc == RC_CHANGED ?
		    RC_AGAIN : rc, NULL);
		goto out;
	}
	log_set_exec(id);
	http_nudge(r);
	o = json_object_new_object();
	add_str(o, "schedule_id", r->id);
	add_str(o, "execution_id", id);
	add_str(o, "execution_name", name);
	add_str(o, "template_id", e->tid);
	json_object_object_add(o, "template_version",
	    json_object_new_int64(e->version));
	add_str(o, "status", "pending");
	util_time_fmt(now_ms, ts);
	add_str(o, "created_at", ts);
	http_resp_header(r, "Location: %s/workflow-management/executions/%s",
	    r->app->cfg->http.base_path, id);
	http_resp_json(r, 202, o);
out:
	json_object_put(in);
	free(name);
	free(canon);
	store_sched_free(&s);
}

void
http_h_sched_fires(struct http_req *r)
{
	struct json_object		*items;
	struct store_sched_fire_list	 l;
	struct store_sched		 s;
	long long			 limit, before, pk;
	size_t				 i;
	int				 rc;

	if (http_page_args(r, &limit, &before) != RC_OK ||
	    load(r, r->id, &s) != RC_OK)
		return;
	pk = s.pk;
	store_sched_free(&s);
	if ((rc = store_sched_fires(r->app->st, pk, before, limit + 1, &l)) !=
	    RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < l.n && i < (size_t)limit; i++)
		json_object_array_add(items, fire_json(&l.v[i]));
	http_page_send(r, items, l.n, limit, i > 0 ? l.v[i - 1].pk : 0);
	store_sched_fire_list_free(&l);
}
