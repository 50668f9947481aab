#!/usr/bin/python3
"""A webhook sink for notify's tests: it can succeed, fail, stall, throttle or redirect, and counts.

Usage: notify_sink.py [--secret S]... [--tolerance SECONDS] [--tls-cert PEM --tls-key PEM] [--port N]

Listens on 127.0.0.1, on --port or a port chosen by the system; prints the port alone on the first line of stdout.
Python 3 standard library only.

Every POST outside /_* is a delivery: recorded (path, headers, body, receive time, client port,
Idempotency-Key, signature verdict, the status answered) and answered by the current mode:
  ok        200 {"ok":true}
  fail500   500 with the mode's body (default {"error":"sink told to fail"})
  429       429 with Retry-After: <retry_after> (seconds; default 1)
  stall     holds the connection for stall_seconds (default 30), then closes it with no answer
  redirect  302 to /_elsewhere (a sender must not follow it)
Control (never recorded, never signed):
  POST /_mode  {"mode": …, "retry_after": N, "count": K, "body": "…", "stall_seconds": S}
               with "count" the mode serves the next K deliveries, then the sink is back to ok;
               without it the mode stays until changed
  POST /_reset  forgets every delivery and returns to ok
  GET  /_stats  {"total", "by_key": {key: requests}, "acked_by_key": {key: 2xx answers},
                 "duplicates", "received": [...]}
"duplicates" counts what matters for effectively-once delivery: 2xx answers beyond the first for
the same Idempotency-Key (a sink that acknowledged a key and was sent it again). Requests that were
refused, failed or stalled and then retried are in by_key but are not duplicates.

With --secret, each delivery's X-Yingshang-Signature is verified as a receiver would
(services/notify/signatures.h): t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>[,v1=…],
t within --tolerance of now (default 300 s); a delivery failing it is answered 401 whatever the mode.
"""

import argparse
import hashlib
import hmac
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("ok", "fail500", "429", "stall", "redirect")


class State:
    def __init__(self, secrets, tolerance):
        self.lock = threading.Lock()
        self.secrets = [s.encode() for s in secrets]
        self.tolerance = tolerance
        self.reset()

    def reset(self):
        self.mode = {"mode": "ok"}
        self.remaining = None  # deliveries left in the mode; None: until changed
        self.received = []
        self.by_key = {}
        self.acked_by_key = {}

    def take_mode(self):
        """The mode for one delivery, counting it down."""
        with self.lock:
            mode = dict(self.mode)
            if self.remaining is not None:
                self.remaining -= 1
                if self.remaining <= 0:
                    self.mode, self.remaining = {"mode": "ok"}, None
            return mode

    def verify(self, header, body):
        if not self.secrets:
            return "unchecked"
        if header is None:
            return "missing"
        t, v1s = None, []
        for item in header.split(","):
            key, _, value = item.strip().partition("=")
            if key == "t":
                t = value
            elif key == "v1":
                v1s.append(value)
        if t is None or not t.isdigit() or not v1s:
            return "malformed"
        if abs(time.time() - int(t)) > self.tolerance:
            return "stale"
        for secret in self.secrets:
            expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
            if any(hmac.compare_digest(expected, v1) for v1 in v1s):
                return "valid"
        return "invalid"

    def stats(self):
        with self.lock:
            return {
                "total": len(self.received),
                "by_key": dict(self.by_key),
                "acked_by_key": dict(self.acked_by_key),
                "duplicates": sum(n - 1 for n in self.acked_by_key.values() if n > 1),
                "received": list(self.received),
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a sender's connection reuse can be seen
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms stall
    state: State = None

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # the test reads /_stats, not a log

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer_json(self, status, value):
        self.answer(status, json.dumps(value, ensure_ascii=False).encode(),
                    [("Content-Type", "application/json; charset=utf-8")])

    def read_body(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            return None
        return self.rfile.read(int(length))

    def do_GET(self):
        if self.path == "/_stats":
            self.answer_json(200, self.state.stats())
        else:
            self.answer_json(404, {"error": "GET serves /_stats only"})

    def do_POST(self):
        body = self.read_body()
        if body is None:
            self.answer_json(411, {"error": "Content-Length required"})
            return
        if self.path == "/_mode":
            self.set_mode(body)
        elif self.path == "/_reset":
            with self.state.lock:
                self.state.reset()
            self.answer_json(200, {"mode": "ok"})
        else:
            self.deliver(body)

    def set_mode(self, body):
        try:
            request = json.loads(body)
            mode = request["mode"]
            if mode not in MODES:
                raise ValueError(f"mode: {mode!r} is not one of {MODES}")
            count = request.get("count")
            if count is not None and (not isinstance(count, int) or count < 1):
                raise ValueError("count: a positive integer")
        except (ValueError, KeyError, TypeError) as e:
            self.answer_json(400, {"error": str(e)})
            return
        with self.state.lock:
            self.state.mode, self.state.remaining = dict(request), count
        self.answer_json(200, request)

    def deliver(self, body):
        state = self.state
        key = self.headers.get("Idempotency-Key")
        verdict = state.verify(self.headers.get("X-Yingshang-Signature"), body)
        record = {
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "received_at": time.time(),
            "client_port": self.client_address[1],
            "idempotency_key": key,
            "signature": verdict,
        }
        with state.lock:
            state.received.append(record)
            if key is not None:
                state.by_key[key] = state.by_key.get(key, 0) + 1
        if verdict not in ("valid", "unchecked"):
            record["status"] = 401
            self.answer_json(401, {"error": f"signature {verdict}"})
            return
        mode = state.take_mode()
        name = mode["mode"]
        if name == "stall":
            record["status"] = None
            time.sleep(float(mode.get("stall_seconds", 30)))
            self.close_connection = True
            return
        if name == "ok":
            status, payload, headers = 200, b'{"ok":true}', []
        elif name == "fail500":
            status, headers = 500, []
            payload = mode.get("body", '{"error":"sink told to fail"}').encode()
        elif name == "429":
            status, headers = 429, [("Retry-After", str(mode.get("retry_after", 1)))]
            payload = mode.get("body", '{"error":"slow down"}').encode()
        else:  # redirect
            status, payload, headers = 302, b"", [("Location", "/_elsewhere")]
        record["status"] = status
        if 200 <= status < 300 and key is not None:
            with state.lock:
                state.acked_by_key[key] = state.acked_by_key.get(key, 0) + 1
        self.answer(status, payload, [("Content-Type", "application/json")] + headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that refused our certificate or hung up (a sender's timeout) is what some tests
        # do on purpose: no traceback for those.
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", action="append", default=[])
    parser.add_argument("--tolerance", type=float, default=300.0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--port", type=int, default=0, help="0: chosen by the system")
    args = parser.parse_args()

    Handler.state = State(args.secret, args.tolerance)
    server = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake runs in the handler's thread, so a client refusing our certificate does not
        # hold up accept().
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
