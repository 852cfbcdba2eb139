#!/usr/bin/python3
"""Load and verdict of the chaos soak (tests/chaos/run.sh).

Sends a steady load of POST /execute and GET /executions/{id} for
--seconds while run.sh injects faults, then waits for every execution
answered 202 to reach a terminal state, reads the runs the handler
recorded (tests/handlers/chaos-step) and the faults run.sh logged, and
prints and writes the figures (JSON) to --out. Exit 0 when every check
holds, 1 when one does not, 2 on a setup error. Python 3 standard library
only (Debian's python3).
"""

import argparse
import datetime
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

TERMINAL = ("completed", "failed", "cancelled", "timed_out")
EXEC_PATH = "/workflow-management/execute"
EXECS_PATH = "/workflow-management/executions"
# A 503 counts as a database restart's when it is answered between the
# stop and this many seconds after MariaDB answers again (the pool
# reconnects on the next request; the read/write timeout is 3 s).
DB_GRACE_S = 10.0
# A request cut off by a worker killed while serving it ends within this
# many seconds of the kill.
WORKER_GRACE_S = 2.0


class Client:
    """One keep-alive HTTP connection to the API (one per thread)."""

    def __init__(self, url, token, timeout):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.base = u.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None):
        """(status, parsed JSON or None); status 0 on a transport error."""
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout)
            self.conn.request(method, self.base + path, data, headers)
            r = self.conn.getresponse()
            raw = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return r.status, doc

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    """The shared record of every request and every accepted execution."""

    def __init__(self):
        self.lock = threading.Lock()
        self.shots = []         # (start, end, kind, status)
        self.accepted = []      # (execution id, time of the 202)
        self.stop = threading.Event()

    def shot(self, t0, t1, kind, status):
        with self.lock:
            self.shots.append((t0, t1, kind, status))

    def some_id(self):
        with self.lock:
            if not self.accepted:
                return None
            # Mostly recent ones: those still change.
            n = len(self.accepted)
            return self.accepted[max(0, n - 1 - int(random.expovariate(
                0.05)))][0]


def paced(load, rps, fn):
    """Call fn() rps times a second until load.stop (fixed schedule)."""
    period = 1.0 / rps
    nxt = time.time()
    while not load.stop.is_set():
        fn()
        nxt += period
        delay = nxt - time.time()
        if delay > 0:
            load.stop.wait(delay)
        elif delay < -5 * period:
            nxt = time.time()   # fell behind (a stall): do not burst


def poster(load, args, tid, k):
    c = Client(args.url, args.token, args.timeout)
    seq = [0]

    def one():
        seq[0] += 1
        name = "chaos-%s-%d-%d" % (args.run, k, seq[0])
        body = {"template_id": tid, "execution_name": name,
                "input_data": {"seconds": round(random.uniform(
                    args.step_min, args.step_max), 3)}}
        t0 = time.time()
        st, doc = c.request("POST", EXEC_PATH, body)
        t1 = time.time()
        load.shot(t0, t1, "POST", st)
        if st == 202 and doc is not None and "execution_id" in doc:
            with load.lock:
                load.accepted.append((doc["execution_id"], t1))

    paced(load, args.exec_rps / args.post_threads, one)
    c.close()


def getter(load, args):
    c = Client(args.url, args.token, args.timeout)

    def one():
        eid = load.some_id()
        if eid is None:
            load.stop.wait(0.05)
            return
        t0 = time.time()
        st, _ = c.request("GET", EXECS_PATH + "/" + eid)
        load.shot(t0, time.time(), "GET", st)

    paced(load, args.get_rps / args.get_threads, one)
    c.close()


def parse_time(s):
    if s is None:
        return None
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def drain(args, accepted):
    """Wait for every accepted execution to end; {id: document or None}."""
    c = Client(args.url, args.token, args.timeout)
    docs = {}
    left = [eid for eid, _ in accepted]
    end = time.time() + args.drain
    while left and time.time() < end:
        still = []
        for eid in left:
            st, doc = c.request("GET", EXECS_PATH + "/" + eid)
            if st == 200 and doc is not None and \
                    doc.get("status") in TERMINAL:
                docs[eid] = doc
            else:
                still.append(eid)
        left = still
        if left:
            time.sleep(1.0)
    for eid in left:
        docs[eid] = None
    c.close()
    return docs


def read_faults(path):
    """[(time, kind, detail)] from run.sh's fault log."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split(None, 2)
                if len(p) >= 2:
                    out.append((float(p[0]), p[1],
                                p[2].strip() if len(p) > 2 else ""))
    except OSError:
        pass
    return out


def db_windows(faults):
    """[(stopped at, answering again at)] of the database restarts."""
    wins, begin = [], None
    for t, kind, _ in faults:
        if kind == "db_stop":
            begin = t
        elif kind == "db_started" and begin is not None:
            wins.append((begin, t))
            begin = None
    if begin is not None:
        wins.append((begin, float("inf")))
    return wins


def read_runs(path):
    """{id: [(kind, attempt, pid, time)]} from the handler's log."""
    runs = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) == 5:
                    runs.setdefault(p[1], []).append(
                        (p[0], p[2], p[3], float(p[4])))
    except OSError:
        pass
    return runs


def overlaps_by_time(entries):
    """Pairs of runs of one step whose [start, end] intervals overlap."""
    starts, ends = {}, {}
    for kind, _, pid, t in entries:
        if kind == "start":
            starts[pid] = t
        elif kind == "end":
            ends[pid] = t
    iv = sorted((s, ends.get(pid)) for pid, s in starts.items())
    n = 0
    for i in range(1, len(iv)):
        prev_end = iv[i - 1][1]
        # A run without an end was killed with its supervisor: its
        # handler died then, which the lock already accounts for.
        if prev_end is not None and iv[i][0] < prev_end:
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--runs-dir", required=True)
    ap.add_argument("--faults", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--run", default=str(int(time.time())))
    ap.add_argument("--exec-rps", type=float, default=8.0)
    ap.add_argument("--get-rps", type=float, default=40.0)
    ap.add_argument("--post-threads", type=int, default=2)
    ap.add_argument("--get-threads", type=int, default=2)
    ap.add_argument("--step-min", type=float, default=0.05)
    ap.add_argument("--step-max", type=float, default=0.8)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--drain", type=float, default=240.0)
    args = ap.parse_args()

    c = Client(args.url, args.token, args.timeout)
    tmpl = {"name": "chaos-" + args.run,
            "steps": [
                {"id": "work", "type": "command", "handler": "chaos-step",
                 "input": {"dir": args.runs_dir,
                           "seconds": "{{ input.seconds }}"},
                 "timeout_seconds": 60},
                {"id": "sum", "type": "transform", "depends_on": ["work"],
                 "output": {"slept": "{{ steps.work.output.slept }}"}}]}
    st, doc = c.request("POST", "/workflow-management/templates", tmpl)
    c.close()
    if st != 201 or doc is None:
        print("chaos: template create answered %s %s" % (st, doc),
              file=sys.stderr)
        return 2
    tid = doc["template_id"]

    load = Load()
    threads = [threading.Thread(target=poster, args=(load, args, tid, k))
               for k in range(args.post_threads)]
    threads += [threading.Thread(target=getter, args=(load, args))
                for _ in range(args.get_threads)]
    t_start = time.time()
    for t in threads:
        t.start()
    load.stop.wait(args.seconds)
    load.stop.set()
    for t in threads:
        t.join()
    t_load = time.time() - t_start

    faults = read_faults(args.faults)
    docs = drain(args, load.accepted)
    faults = read_faults(args.faults)   # complete now
    wins = db_windows(faults)
    kills = [t for t, kind, _ in faults if kind == "worker_kill"]

    by_status, bad, cut, db503 = {}, [], 0, 0
    for t0, t1, kind, st in load.shots:
        by_status[str(st)] = by_status.get(str(st), 0) + 1
        if st == 503 and any(b <= t1 and t0 <= e + DB_GRACE_S
                             for b, e in wins):
            db503 += 1
        elif st == 0 or st >= 500:
            # The request a killed worker was serving (nginx: 502).
            if any(t0 <= k <= t1 + WORKER_GRACE_S for k in kills) and \
                    st in (0, 502):
                cut += 1
            else:
                bad.append({"at": round(t0 - t_start, 3), "kind": kind,
                            "status": st,
                            "seconds": round(t1 - t0, 3)})

    nonterminal = [eid for eid, d in docs.items() if d is None]
    ends, ttt = {}, []
    for eid, d in docs.items():
        if d is None:
            continue
        ends[d["status"]] = ends.get(d["status"], 0) + 1
        a, b = parse_time(d.get("created_at")), parse_time(
            d.get("completed_at"))
        if a is not None and b is not None:
            ttt.append((b - a).total_seconds())
    ttt.sort()

    runs = read_runs(args.runs_dir + "/runs")
    accepted_ids = set(docs)
    reruns = sum(max(0, sum(1 for e in v if e[0] == "start") - 1)
                 for k, v in runs.items() if k in accepted_ids)
    overlap_lock = sum(1 for v in runs.values() for e in v
                       if e[0] == "overlap")
    overlap_time = sum(overlaps_by_time(v) for v in runs.values())
    never_ran = sum(1 for eid in accepted_ids if eid not in runs)

    fault_counts = {}
    for _, kind, _ in faults:
        if kind in ("sup_kill", "worker_kill", "db_stop"):
            key = {"db_stop": "db_restart"}.get(kind, kind)
            fault_counts[key] = fault_counts.get(key, 0) + 1

    sent = len(load.shots)
    res = {
        "seconds": round(t_load, 1),
        "requests_sent": sent,
        "requests_by_status": dict(sorted(by_status.items())),
        "executes_sent": sum(1 for s in load.shots if s[2] == "POST"),
        "accepted_202": len(load.accepted),
        "load_req_per_s": round(sent / t_load, 1),
        "accepted_per_s": round(len(load.accepted) / t_load, 2),
        "faults": fault_counts,
        "db_restart_503": db503,
        "cut_by_worker_kill": cut,
        "unexpected_5xx": len(bad),
        "unexpected_5xx_first": bad[:20],
        "terminal_by_status": dict(sorted(ends.items())),
        "not_terminal": len(nonterminal),
        "not_terminal_first": nonterminal[:20],
        "step_reruns": reruns,
        "steps_never_ran": never_ran,
        "overlapping_runs": overlap_lock + overlap_time,
        "max_time_to_terminal_s": round(ttt[-1], 3) if ttt else None,
        "p50_time_to_terminal_s": round(ttt[len(ttt) // 2], 3)
        if ttt else None,
        "p99_time_to_terminal_s": round(ttt[int(len(ttt) * 0.99)], 3)
        if ttt else None,
    }
    checks = {
        "every_202_terminal": not nonterminal,
        "no_overlapping_runs": res["overlapping_runs"] == 0,
        "no_5xx_but_db_restart_503": not bad and
        cut <= fault_counts.get("worker_kill", 0),
        "load_held": len(load.accepted) > 0,
    }
    res["checks"] = checks
    res["pass"] = all(checks.values())
    with open(args.out, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    print(json.dumps(res, indent=2))
    return 0 if res["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
