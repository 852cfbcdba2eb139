/*
 * Signals for wait steps (api.md "Signals, callbacks, pause and resume",
 * engine.md "wait: signals and approvals"): POST
 * .../executions/{id}/signals/{name}, GET /workflow-management/approvals,
 * and who may see an execution because they may signal it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "auth.h"
#include "common.h"
#include "engine.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_exec.h"
#include "store_signal.h"
#include "tmpl.h"

#define SIG_PAYLOAD_MAX		(256 * 1024)	/* bytes, serialized */
#define SIG_KEPT_MAX		100	/* unconsumed per execution */
#define SIG_ID_LEN_MAX		64
#define APPROVALS_READ_MAX	500	/* waiting step rows read per page */

static int
has_role_cb(const void *arg, const char *name)
{
	return auth_has_role_name(arg, name);
}

static void
caller_of(const struct http_req *r, const char *owner,
    struct engine_caller *c)
{
	memset(c, 0, sizeof(*c));
	c->admin = auth_has_role(&r->who, ROLE_ADMIN);
	c->owner = owner != NULL && strcmp(owner, r->who.sub) == 0;
	c->execute = auth_has_role(&r->who, ROLE_EXECUTE);
	c->has_role = has_role_cb;
	c->arg = &r->who;
}

static struct tmpl *
load_def(const char *text)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;

	if (text == NULL || (def = json_tokener_parse(text)) == NULL)
		return NULL;
	if (tmpl_load(def, &t) != RC_OK)
		t = NULL;
	json_object_put(def);
	return t;
}

static int
is_terminal(const char *st)
{
	enum engine_exec	e;

	return engine_exec_parse(st, &e) == RC_OK && engine_exec_terminal(e);
}

int
http_signal_may_view(struct http_req *r, long long pk, const char *owner,
    const char *def_text)
{
	struct store_sig_waiting_list	 rows;
	struct engine_caller		 c;
	struct tmpl			*t;
	size_t				 j;
	int				 i, ok = 0;

	if ((t = load_def(def_text)) == NULL)
		return 0;
	caller_of(r, owner, &c);
	if (store_sig_waiting_steps(r->app->st, pk, &rows) == RC_OK)
		for (j = 0; j < rows.n && !ok; j++) {
			i = rows.v[j].idx;
			ok = i >= 0 && i < t->nsteps &&
			    t->steps[i].type == TMPL_STEP_WAIT &&
			    engine_wait_allowed(&t->steps[i], &c);
		}
	store_sig_waiting_list_free(&rows);
	tmpl_free(t);
	return ok;
}

/* waiting_for of a waiting wait step, as GET shows it. */
struct json_object *
http_signal_waiting_for(struct json_object *step)
{
	struct json_object	*o = json_object_new_object(), *v;

	json_object_object_add(o, "signal",
	    json_object_object_get_ex(step, "signal", &v) ?
	    json_object_get(v) : NULL);
	json_object_object_add(o, "approvers",
	    json_object_object_get_ex(step, "approvers", &v) ?
	    json_object_get(v) : NULL);
	return o;
}

/* The body: {"payload": any, "signal_id": "..."}; answer set if not. */
static int
check_body(struct http_req *r, struct json_object **payload,
    const char **signal_id)
{
	static const char *const known[] = { "payload", "signal_id" };
	struct json_object	*v;
	struct verr		*ve;
	struct jpath		 p;
	const char		*s;
	size_t			 len, k;
	int			 rc = RC_OK;

	*payload = NULL;
	*signal_id = NULL;
	if (http_req_body(r, 1) != RC_OK)
		return RC_INVALID;
	if (r->body == NULL && r->rawlen == 0)
		return RC_OK;		/* no body: a null payload */
	ve = verr_new();
	if (http_check_object(r, ve)) {
		http_check_extra(r->body, known, NITEMS(known), ve);
		if (json_object_object_get_ex(r->body, "payload", &v))
			*payload = v;
		if (json_object_object_get_ex(r->body, "signal_id", &v) &&
		    v != NULL) {
			jpath_init(&p, "body");
			jpath_key(&p, "signal_id");
			if (!json_object_is_type(v, json_type_string))
				verr_add(ve, "string_type", &p, "Input should "
				    "be a valid string", v, NULL);
			else if (http_check_str(ve, &p, v, 1,
			    SIG_ID_LEN_MAX) == 0) {
				s = json_object_get_string(v);
				len = (size_t)json_object_get_string_len(v);
				for (k = 0; k < len; k++)
					if (!((s[k] >= 'a' && s[k] <= 'z') ||
					    (s[k] >= 'A' && s[k] <= 'Z') ||
					    (s[k] >= '0' && s[k] <= '9') ||
					    strchr("_.:-", s[k]) != NULL))
						break;
				if (k < len)
					verr_add(ve, "string_pattern_mismatch",
					    &p, "String should match pattern "
					    "'^[A-Za-z0-9_.:-]{1,64}$'", v,
					    NULL);
				else
					*signal_id = s;
			}
		}
	}
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

struct sig_args {
	struct http_req		*r;
	const struct tmpl	*t;
	long long		 pk;
	const char		*name;
	const char		*payload;	/* serialized */
	size_t			 plen;
	const char		*signal_id;
	/* Results. */
	int			 outcome;	/* 0 new, 1 repeat, 2 terminal,
						   3 too many kept */
	/* The execution's status. */
	char			 status[STORE_SIG_STATUS_LEN];
	char			 taker[TMPL_ID_LEN_MAX + 1];	/* "" kept */
	int			 woken;
};

static int
sig_body(struct store *st, void *arg)
{
	struct sig_args			*a = arg;
	struct store_sig_waiting_list	 w;
	struct store_sig_given		 g;
	struct store_sig_new		 s;
	struct json_object		*d;
	long long			 kept;
	size_t				 j;
	int				 i, rc;

	a->outcome = 0;
	a->taker[0] = '\0';
	a->woken = 0;
	if ((rc = store_sig_lock(st, a->pk, a->status)) != RC_OK)
		return rc;
	if (is_terminal(a->status)) {
		a->outcome = 2;
		return RC_OK;
	}
	if (a->signal_id != NULL) {
		rc = store_sig_by_id(st, a->pk, a->signal_id, &g);
		if (rc == RC_OK) {
			a->outcome = 1;
			if (g.consumed_by != NULL)
				snprintf(a->taker, sizeof(a->taker), "%s",
				    g.consumed_by);
		}
		store_sig_given_free(&g);
		if (rc != RC_NOTFOUND)
			return rc;
	}
	/*
	 * The earliest waiting step of that name that has no signal given
	 * yet (the rows come earliest first, ties in template order).
	 */
	if ((rc = store_sig_waiting_steps(st, a->pk, &w)) != RC_OK)
		return rc;
	for (j = 0; j < w.n; j++) {
		i = w.v[j].idx;
		if (i >= 0 && i < a->t->nsteps &&
		    a->t->steps[i].type == TMPL_STEP_WAIT &&
		    strcmp(a->t->steps[i].signal, a->name) == 0 &&
		    w.v[j].given == 0) {
			snprintf(a->taker, sizeof(a->taker), "%s",
			    a->t->steps[i].id);
			break;
		}
	}
	store_sig_waiting_list_free(&w);
	if (a->taker[0] == '\0') {
		if ((rc = store_sig_count_kept(st, a->pk, &kept)) != RC_OK)
			return rc;
		if (kept >= SIG_KEPT_MAX) {
			a->outcome = 3;
			return RC_OK;
		}
	}
	memset(&s, 0, sizeof(s));
	s.pk = a->pk;
	s.name = a->name;
	s.payload = a->payload;
	s.plen = a->plen;
	s.signal_id = a->signal_id;
	s.signalled_by = a->r->who.sub;
	s.consumed_by = a->taker[0] != '\0' ? a->taker : NULL;
	if ((rc = store_sig_insert(st, &s)) != RC_OK)
		return rc;	/* a concurrent repeat: RC_CONFLICT */
	/* A parked waiting execution becomes claimable at once. */
	if (a->taker[0] != '\0' && strcmp(a->status, "waiting") == 0 &&
	    (rc = store_exec_wake(st, a->pk, &a->woken)) != RC_OK)
		return rc;
	d = json_object_new_object();
	json_object_object_add(d, "signal", json_object_new_string(a->name));
	json_object_object_add(d, "consumed_by", a->taker[0] != '\0' ?
	    json_object_new_string(a->taker) : NULL);
	json_object_object_add(d, "signal_id", a->signal_id != NULL ?
	    json_object_new_string(a->signal_id) : NULL);
	rc = http_audit(a->r, "execution.signal", "execution", a->r->id, d);
	json_object_put(d);
	return rc;
}

static void
answer(struct http_req *r, int status, const char *name, const char *taker)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "execution_id",
	    json_object_new_string(r->id));
	json_object_object_add(o, "signal", json_object_new_string(name));
	json_object_object_add(o, "consumed_by", taker != NULL &&
	    taker[0] != '\0' ? json_object_new_string(taker) : NULL);
	http_resp_json(r, status, o);
}

void
http_h_exec_signal(struct http_req *r)
{
	struct store_sig_exec	 e;
	struct engine_caller	 c;
	struct json_object	*payload;
	struct sig_args		 a;
	struct tmpl		*t = NULL;
	const char		*name = r->sub, *sid, *text;
	char			 msg[192];
	size_t			 len = 0;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if (!tmpl_signal_name_ok(name, strlen(name))) {
		http_resp_detail(r, 404, "Unknown signal name");
		return;
	}
	if (check_body(r, &payload, &sid) != RC_OK)
		return;
	text = json_object_to_json_string_length(payload,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (payload == NULL) {
		text = "null";
		len = 4;
	}
	if (len > SIG_PAYLOAD_MAX) {
		snprintf(msg, sizeof(msg), "payload is %zu bytes serialized, "
		    "over the limit of %d", len, SIG_PAYLOAD_MAX);
		http_resp_detail(r, 413, msg);
		return;
	}
	rc = store_sig_exec(r->app->st, r->id, &e);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, "Execution not found");
		goto out;
	}
	log_set_exec(r->id);
	if ((t = load_def(e.def)) == NULL) {
		http_resp_rc(r, RC_ERR, NULL);
		goto out;
	}
	caller_of(r, e.user, &c);
	rc = engine_wait_may_signal(t, name, &c);
	if (rc == RC_NOTFOUND) {
		snprintf(msg, sizeof(msg), "No wait step of this execution "
		    "waits for signal %s", name);
		http_resp_detail(r, 404, msg);
		goto out;
	}
	if (rc != RC_OK) {
		http_resp_detail(r, 403, "Not an approver of this signal");
		goto out;
	}
	memset(&a, 0, sizeof(a));
	a.r = r;
	a.t = t;
	a.pk = e.pk;
	a.name = name;
	a.payload = text;
	a.plen = len;
	a.signal_id = sid;
	rc = store_tx(r->app->st, 0, sig_body, &a);
	if (rc == RC_CONFLICT && sid != NULL) {
		/* A concurrent repeat of the same signal_id won: a repeat. */
		rc = store_tx(r->app->st, 0, sig_body, &a);
	}
	if (rc != RC_OK) {
		http_resp_rc(r, rc, "Execution not found");
		goto out;
	}
	switch (a.outcome) {
	case 1:
		answer(r, 200, name, a.taker);
		break;
	case 2:
		snprintf(msg, sizeof(msg), "Execution is %s; it takes no "
		    "more signals", a.status);
		http_resp_detail(r, 409, msg);
		break;
	case 3:
		snprintf(msg, sizeof(msg), "Execution already keeps %d "
		    "signals that no step took", SIG_KEPT_MAX);
		http_resp_detail(r, 409, msg);
		break;
	default:
		metrics_signal(a.taker[0] == '\0');
		/* Its supervisor (running) or a claim (woken) looks now. */
		if (a.woken || strcmp(a.status, "running") == 0)
			http_nudge(r);
		answer(r, 202, name, a.taker);
		break;
	}
out:
	tmpl_free(t);
	store_sig_exec_free(&e);
}

static void
add_ms(struct json_object *o, const char *key, long long ms)
{
	char	buf[UTIL_TIME_LEN];

	if (ms == STORE_NO_MS) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(ms, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/*
 * GET /workflow-management/approvals?limit=&cursor=: the waiting wait
 * steps of unfinished executions that the caller may signal, newest
 * execution first, a page of at most limit (default 20). Any
 * authenticated caller: each step's approvers decide. One page reads at
 * most APPROVALS_READ_MAX step rows: when they hold fewer than limit the
 * caller may signal, the page is short and next_cursor continues after
 * the last row read.
 */
void
http_h_approvals(struct http_req *r)
{
	struct store_sig_approval_list	 l;
	const struct store_sig_approval	*a;
	struct engine_caller		 c;
	struct json_object		*items, *it, *o;
	struct tmpl			*t = NULL;
	const char			*lastdef = NULL;
	char				*cur;
	long long			 limit, before, last = 0;
	size_t				 j, n = 0;
	int				 i, rc, more = 0;

	if (http_page_args(r, &limit, &before) != RC_OK)
		return;
	if ((rc = store_sig_approvals(r->app->st, before, APPROVALS_READ_MAX,
	    &l)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (j = 0; j < l.n; j++) {
		a = &l.v[j];
		if (lastdef == NULL || a->def == NULL ||
		    strcmp(a->def, lastdef) != 0) {
			tmpl_free(t);
			t = load_def(a->def);
			lastdef = a->def;
		}
		i = a->idx;
		if (t == NULL || i < 0 || i >= t->nsteps ||
		    t->steps[i].type != TMPL_STEP_WAIT)
			continue;
		caller_of(r, a->user, &c);
		if (!engine_wait_allowed(&t->steps[i], &c))
			continue;
		if (n == (size_t)limit) {
			more = 1;	/* one more: the page ends before it */
			break;
		}
		it = json_object_new_object();
		json_object_object_add(it, "execution_id",
		    json_object_new_string(a->eid));
		json_object_object_add(it, "template_id",
		    json_object_new_string(a->tid));
		json_object_object_add(it, "user_id",
		    json_object_new_string(a->user));
		json_object_object_add(it, "execution_status",
		    json_object_new_string(a->status));
		json_object_object_add(it, "step_id",
		    json_object_new_string(a->step_id));
		json_object_object_add(it, "waiting_for",
		    http_signal_waiting_for(t->steps[i].obj));
		add_ms(it, "waiting_since", a->since_ms);
		add_ms(it, "wait_deadline", a->deadline_ms);
		json_object_array_add(items, it);
		last = a->key;
		n++;
	}
	/* Rows left unread: the next page starts after the last one read. */
	if (!more && l.n == APPROVALS_READ_MAX) {
		more = 1;
		last = l.v[l.n - 1].key;
	}
	tmpl_free(t);
	store_sig_approval_list_free(&l);
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	if (more) {
		cur = http_cursor_make(last);
		json_object_object_add(o, "next_cursor",
		    json_object_new_string(cur));
		free(cur);
	} else
		json_object_object_add(o, "next_cursor", NULL);
	http_resp_json(r, 200, o);
}
