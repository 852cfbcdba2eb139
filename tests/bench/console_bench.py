#!/usr/bin/python3
"""The console figures of `make bench` (issue 18, console.md "Speed").

Run by tests/bench/run.sh against the bench stack (nginx serving
console/ and the API), as a user with 10,000 executions that run.sh
seeded in SQL. In the headless chromium of tests/console/test_console.py
(whose browser set-up and 100-step graph timing it imports):

  list_first_ms   first visit (empty cache, signed in by #token=): from
                  navigation start to the mark 'wfm:executions-rendered'
                  that console/js/executions.js sets once its table holds
                  the first page
  list_warm_ms    the same for a new document with the cache warm
                  (median of --warm loads)
  graph_ms        dag.js drawing a 100-step graph, layout included
                  (median of --graph runs; graph_max_ms the largest)
  first_visit_bytes  transferSize of the first visit's navigation and
                  every resource it loaded until that mark (compressed
                  bytes on the wire, headers included)
  first_dcl_ms, first_list_api_ms  where the cold time went: the first
                  visit's DOMContentLoaded (modules loaded and run), and
                  the duration of its GET of the executions list

Prints one line 'BENCH key=value ...' on success (run.sh parses it) and
exits 0; a line on stderr and exit 1 otherwise.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'console'))

import test_console as tc  # noqa: E402  (path set just above)

MARK = 'wfm:executions-rendered'


def wait_mark(c, timeout=30):
    """startTime (ms since navigation start) of MARK in this document."""
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        v = c.js("var m = performance.getEntriesByName(arguments[0], 'mark');"
                 " return m.length ? m[0].startTime : null;", MARK)
        if v is not None:
            return v
        time.sleep(0.02)
    raise tc.Failure('no %s mark after %s s (%s)' %
                     (MARK, timeout, c.d.current_url))


def first_page_ok(c, rows):
    """The first page shows 20 of the user's rows and offers the next."""
    n = len(c.csss('#exec-rows tr[data-id]'))
    tc.check(n == min(rows, 20), 'first page has %d rows, not %d' %
             (n, min(rows, 20)))
    if rows > 20:
        c.wait(lambda: c.css('#page-next').is_enabled(), 'the next page')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--url', required=True)
    ap.add_argument('--base', default='/api/v1')
    ap.add_argument('--conf', required=True)
    ap.add_argument('--bin', required=True)
    ap.add_argument('--user', required=True,
                    help='the token subject whose executions were seeded')
    ap.add_argument('--rows', type=int, required=True,
                    help='how many executions that user has')
    ap.add_argument('--warm', type=int, default=5)
    ap.add_argument('--graph', type=int, default=5)
    args = ap.parse_args()
    if args.warm < 1 or args.graph < 1:
        ap.error('--warm and --graph must be at least 1')
    args.shots = tempfile.mkdtemp(prefix='wfm-console-bench-')
    c = tc.Ctx(args)
    try:
        c.token = c.mint(args.user, 'workflow:execute,workflow:read,'
                         'template:write')
        base = c.url + '/console/'
        # First visit: a fresh profile, nothing cached.
        c.d.get(base + '#token=' + c.token)
        first = wait_mark(c)
        first_page_ok(c, args.rows)
        size, nres, dcl, api = c.js(
            "var n = performance.getEntriesByType('navigation')[0];"
            "var r = performance.getEntriesByType('resource');"
            "var t = n ? n.transferSize : 0, api = -1;"
            "r.forEach(function (e) { t += e.transferSize;"
            " if (api < 0 && /\\/executions\\?/.test(e.name))"
            "  api = e.responseEnd - e.startTime; });"
            "return [t, r.length + 1, n ? n.domContentLoadedEventEnd : -1,"
            " api];")
        warm = []
        for _ in range(args.warm):
            c.d.get('about:blank')
            c.d.get(base + '#/executions')
            warm.append(wait_mark(c))
            first_page_ok(c, args.rows)
        tc.open_graph_100(c)
        graph = [c.d.execute_async_script(tc.GRAPH_100_JS)
                 for _ in range(args.graph)]
        tc.check(all(g >= 0 for g in graph), 'graph script error')
        c.harvest()
        tc.check(not c.problems, 'browser problems: %s' % c.problems)
    except Exception as e:  # one line for run.sh, whatever it was
        print('console_bench: %s' % e, file=sys.stderr)
        return 1
    finally:
        c.d.quit()
        for d in (c.profile, args.shots):
            shutil.rmtree(d, ignore_errors=True)
    print('BENCH list_first_ms=%.1f list_warm_ms=%.1f graph_ms=%.1f '
          'graph_max_ms=%.1f first_visit_bytes=%d first_visit_resources=%d '
          'first_dcl_ms=%.1f first_list_api_ms=%.1f'
          % (first, statistics.median(warm), statistics.median(graph),
             max(graph), size, nres, dcl, api))
    return 0


if __name__ == '__main__':
    sys.exit(main())
