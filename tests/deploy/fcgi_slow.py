#!/usr/bin/env python3
"""A FastCGI client that connects, waits, then sends one GET.

Usage: fcgi_slow.py SOCKET REQUEST_URI DELAY_SECONDS

Connects to the application's unix socket, sleeps DELAY_SECONDS (the
worker that accepted the connection is now reading the request), sends a
GET for REQUEST_URI and prints the response's status code (the number of
its Status header, 200 without one), or "none" when the connection closed
without a response. graceful.sh sends SIGHUP during the sleep.
"""
import socket
import struct
import sys
import time

FCGI_BEGIN, FCGI_END, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6


def record(rtype, content, rid=1):
    return struct.pack("!BBHHBB", 1, rtype, rid, len(content), 0, 0) + content


def pair(name, value):
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + bytes([len(v)]) + n + v


def main():
    path, uri, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    time.sleep(delay)
    params = b"".join(pair(k, v) for k, v in (
        ("REQUEST_METHOD", "GET"), ("REQUEST_URI", uri),
        ("QUERY_STRING", ""), ("REMOTE_ADDR", "127.0.0.1")))
    try:
        s.sendall(record(FCGI_BEGIN, struct.pack("!HB5x", 1, 0))
                  + record(FCGI_PARAMS, params) + record(FCGI_PARAMS, b"")
                  + record(FCGI_STDIN, b""))
    except OSError:
        print("none")
        return
    out, buf = b"", b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == FCGI_STDOUT:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == FCGI_END:
                head = out.split(b"\r\n\r\n", 1)[0].decode("latin-1")
                for line in head.split("\r\n"):
                    if line.lower().startswith("status:"):
                        print(line.split()[1])
                        return
                print(200)
                return
    print("none")


if __name__ == "__main__":
    main()
