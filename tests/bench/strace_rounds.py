#!/usr/bin/env python3
"""Where a drain's wall time goes, statement by statement.

    python3 tests/bench/strace_rounds.py VAR/drain.strace [FD]

Reads what `WFM_BENCH_STRACE=1 make bench` (WFM_BENCH_ONLY=drain) recorded
of the supervisor (strace -T -ttt) and prints, per statement the
supervisor sent on its MariaDB socket (FD, default 8; prepared statements
by their statement id, text commands by their first words): how many, the
time waited in poll for the answer (the server's work plus the round
trip) and the time until the next statement (that plus the supervisor's
own work). strace slows the supervisor: compare shares, not rates.
"""
import collections
import re
import sys


def main():
    path = sys.argv[1]
    fd = sys.argv[2] if len(sys.argv) > 2 else "8"
    send = re.compile(r'\d+ +(\d+\.\d+) sendto\(' + fd +
                      r', "((?:[^"\\]|\\.)*)"(?:\.\.\.)?, (\d+)')
    wait = re.compile(r'.* poll\(\[\{fd=' + fd + r',.*<(\d+\.\d+)>')
    stats = collections.defaultdict(lambda: [0, 0.0, 0.0])
    cur, t_cur, first, last = None, None, None, None
    with open(path, encoding="latin1") as f:
        for line in f:
            m = send.match(line)
            if m:
                t = float(m.group(1))
                raw = m.group(2).encode("latin1").decode("unicode_escape")
                b = raw.encode("latin1")
                if len(b) < 6:
                    continue
                if cur is not None:
                    stats[cur][2] += t - t_cur
                if b[4] == 0x17:
                    cur = "execute #%d" % b[5]
                elif b[4] == 0x03:
                    cur = b[5:30].decode("latin1")
                else:
                    cur = "command %d" % b[4]
                stats[cur][0] += 1
                t_cur = t
                first = t if first is None else first
                last = t
                continue
            m = wait.match(line)
            if m and cur is not None:
                stats[cur][1] += float(m.group(1))
    if first is None:
        sys.exit("no statement on fd %s in %s" % (fd, path))
    print("%.3f s from the first statement to the last, %d statements"
          % (last - first, sum(v[0] for v in stats.values())))
    print("%-26s %7s %10s %10s" % ("statement", "count", "wait us",
                                   "gap us"))
    for k, v in sorted(stats.items(), key=lambda kv: -kv[1][2]):
        print("%-26s %7d %10.0f %10.0f" % (k, v[0], v[1] / v[0] * 1e6,
                                           v[2] / v[0] * 1e6))


if __name__ == "__main__":
    main()
