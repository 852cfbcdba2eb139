#!/usr/bin/python3
"""The webhook receiver of make bench (tests/bench/run.sh, webhook step).

Answers every POST 204 with no body, HTTP/1.1 keep-alive, a thread per
connection, nothing logged: as little work as a receiver can do, so that
the figure is wfm's. Usage: webhook_receiver.py PORT (on 127.0.0.1).
"""
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        while n > 0:
            b = self.rfile.read(min(n, 65536))
            if not b:
                break
            n -= len(b)
        self.send_response_only(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


Server(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
