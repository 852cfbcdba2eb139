#!/usr/bin/env python3
"""The workload of the cluster tests (tests/cluster/*.sh).

Creates a template whose command step is tests/handlers/cluster-step,
posts N executions from a few threads, waits until every accepted one is
terminal, then checks the invariants of docs/../spec cluster.md from the
handler's records (RUNS_DIR/runs) and the faults the shell script
injected (FAULTS: "<epoch time> <kind> <pid>" lines; kind sup_kill names
a supervisor that died, so that its unfinished steps may run again):

  every 202 reached a terminal state (and completed);
  no step ran twice at the same time;
  a step ran again only where a supervisor died in the middle of it.

Prints "ok - ..." / "not ok - ..." lines and the figures; exits 1 when a
check failed. Standard library only.
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

TERMINAL = {"completed", "failed", "cancelled", "timed_out"}


class Client:
    def __init__(self, url, token, timeout=20.0):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.base = u.hostname, u.port or 80, \
            u.path.rstrip("/")
        self.token, self.timeout, self.conn = token, timeout, None

    def request(self, method, path, body=None):
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
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        print("%s - %s" % ("ok" if ok else "not ok", what), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def post_all(args, tid):
    """Post args.n executions; [(id, time)] of the 202s, other statuses."""
    accepted, others, lock = [], {}, threading.Lock()
    nxt = [0]
    gap = 1.0 / args.rate if args.rate > 0 else 0.0
    t0 = time.time()

    def worker():
        c = Client(args.url, args.token)
        while True:
            with lock:
                k = nxt[0]
                if k >= args.n:
                    break
                nxt[0] += 1
            delay = t0 + k * gap - time.time()
            if delay > 0:
                time.sleep(delay)
            body = {"template_id": tid, "execution_name": "c%s-%d" %
                    (args.run, k), "input_data": {}}
            for _ in range(20):     # a 503 or a cut connection: again
                st, doc = c.request("POST", "/workflow-management/execute",
                                    body)
                if st in (200, 202) and doc:
                    with lock:
                        accepted.append((doc["execution_id"], time.time()))
                    break
                with lock:
                    others[st] = others.get(st, 0) + 1
                time.sleep(0.2)
        c.close()

    ts = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return accepted, others


def drain(args, ids):
    """Poll until every id is terminal or args.drain seconds pass."""
    c = Client(args.url, args.token)
    left, status, done_at = set(ids), {}, {}
    deadline = time.time() + args.drain
    while left and time.time() < deadline:
        for i in list(left):
            st, doc = c.request("GET", "/workflow-management/executions/" + i)
            if st == 200 and doc and doc.get("status") in TERMINAL:
                status[i] = doc["status"]
                done_at[i] = time.time()
                left.discard(i)
        if left:
            time.sleep(0.3)
    c.close()
    return status, left


def read_runs(path):
    runs, overlaps = {}, 0
    try:
        f = open(path)
    except OSError:
        return runs, overlaps
    with f:
        for line in f:
            p = line.split()
            if len(p) != 7:
                continue
            kind, ex, step, att, pid, sup, t = p
            if kind == "overlap":
                overlaps += 1
                continue
            r = runs.setdefault((ex, step), {}).setdefault(
                pid, {"sup": sup, "attempt": att, "start": None, "end": None})
            r[kind] = float(t)
    return runs, overlaps


def read_faults(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 3:
                    out.append((float(p[0]), p[1], p[2]))
    except OSError:
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rate", type=float, default=40.0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--step-seconds", type=float, default=0.4)
    ap.add_argument("--runs-dir", required=True)
    ap.add_argument("--faults", required=True)
    ap.add_argument("--drain", type=float, default=120.0)
    ap.add_argument("--record-window", type=float, default=2.0)
    ap.add_argument("--run", default=str(int(time.time())))
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    chk = Checks()

    c = Client(args.url, args.token)
    tmpl = {"name": "cluster-" + args.run,
            "steps": [{"id": "work", "type": "command",
                       "handler": "cluster-step",
                       "input": {"dir": args.runs_dir,
                                 "seconds": str(args.step_seconds)},
                       "timeout_seconds": 60}]}
    st, doc = c.request("POST", "/workflow-management/templates", tmpl)
    c.close()
    if st != 201 or not doc:
        print("not ok - template create answered %s %s" % (st, doc))
        print("0 passed, 1 failed")
        return 1
    t0 = time.time()
    accepted, others = post_all(args, doc["template_id"])
    t_posted = time.time()
    ids = [i for i, _ in accepted]
    status, left = drain(args, ids)
    t_end = time.time()
    runs, overlap_marks = read_runs(args.runs_dir + "/runs")
    faults = read_faults(args.faults)
    kills = {pid: t for t, kind, pid in faults if kind == "sup_kill"}

    chk.check(len(ids) == args.n, "%d of %d executes answered 202 (others: "
              "%s)" % (len(ids), args.n, others or "none"))
    chk.check(not left, "every 202 reached a terminal state (%d not)" %
              len(left))
    done = sum(1 for s in status.values() if s == "completed")
    chk.check(done == len(ids), "%d of %d completed (%s)" % (
        done, len(ids), {s: list(status.values()).count(s)
                         for s in set(status.values())}))
    ended = sum(1 for i in ids if any(r["end"] is not None for r in
                                      runs.get((i, "work"), {}).values()))
    chk.check(ended == len(ids), "every execution's step ran to its end "
              "once at least (%d of %d)" % (ended, len(ids)))

    # Overlaps: the lock marks, and any two runs of one step whose
    # intervals meet; a run cut off by a kill ends at that kill.
    timed = 0
    for key, byp in runs.items():
        iv = []
        for pid, r in byp.items():
            if r["start"] is None:
                continue
            end = r["end"]
            if end is None:
                end = kills.get(r["sup"], float("inf"))
            iv.append((r["start"], end))
        iv.sort()
        for a, b in zip(iv, iv[1:]):
            if b[0] < a[1]:
                timed += 1
    chk.check(overlap_marks == 0 and timed == 0, "no step ran twice at the "
              "same time (lock refusals %d, overlapping intervals %d)" %
              (overlap_marks, timed))

    # Re-runs: every run but the last of a step must have been cut off
    # by the death of its supervisor.
    reruns, bad, recover = 0, [], []
    for key, byp in runs.items():
        if len(byp) < 2:
            continue
        rs = sorted(byp.values(), key=lambda r: r["start"] or 0)
        reruns += len(rs) - 1
        for r, nxt in zip(rs, rs[1:]):
            # Mid-step: the supervisor died before it recorded the run's
            # result: the handler had not ended, or ended less than
            # --record-window seconds before the kill (its end written,
            # its result not yet committed).
            k = kills.get(r["sup"])
            if k is None or (r["end"] is not None and
                             r["end"] < k - args.record_window):
                bad.append(key)
            elif nxt["start"] is not None:
                recover.append(nxt["start"] - k)
    cut = sum(1 for byp in runs.values() for r in byp.values()
              if r["end"] is None)
    chk.check(not bad, "re-runs only where a supervisor died mid-step (%d "
              "re-runs, %d unexplained%s)" % (reruns, len(bad),
                                            ": %s" % bad[:3] if bad else ""))
    span = (max(t for t in [t_end] if t) - t0)
    print("figures: executions %d, posted in %.1f s, all terminal after "
          "%.1f s: throughput %.1f executions/s" % (
              len(ids), t_posted - t0, span, len(ids) / span if span else 0))
    print("figures: supervisor kills %d, steps cut off %d, re-runs %d, "
          "recovery (kill to re-run start) max %.2f s, mean %.2f s" % (
              len(kills), cut, reruns, max(recover) if recover else 0.0,
              sum(recover) / len(recover) if recover else 0.0))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"n": len(ids), "seconds": span, "reruns": reruns,
                       "cut": cut, "recovery": recover,
                       "passed": chk.passed, "failed": chk.failed}, f)
    print("load: %d passed, %d failed" % (chk.passed, chk.failed))
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
