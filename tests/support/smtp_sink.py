#!/usr/bin/python3
"""An SMTP sink for notify's tests (Debian python3-aiosmtpd), reading each message back as a mail
client would.

Usage: /usr/bin/python3 smtp_sink.py [--reject-rcpt ADDRESS]... [--dir DIR] [--smtp-port N] [--http-port N]
       [--delay-ms N]

Listens for SMTP on 127.0.0.1 and for HTTP on 127.0.0.1, both on ports chosen by the system, and
prints the SMTP port on the first line of stdout and the HTTP port on the second. (/usr/bin/python3:
a pyenv python3 on PATH lacks Debian's aiosmtpd.)

Every message accepted is parsed with the standard library's email package (policy.default, which
decodes RFC 2047 encoded-words and RFC 2231 file names) and kept as
  {"mail_from", "rcpt_tos", "peer_port", "received_at", "size", "subject", "from", "to",
   "message_id", "text", "attachments": [{"filename", "content_type", "size", "sha256"}],
   "defects": [what the parser found wrong, per part]}
  GET  /_messages  the list, oldest first
  POST /_reset     forgets them
With --dir each message's bytes are also written there as 0001.eml, 0002.eml, … (open them in a
mail client). A RCPT TO naming a --reject-rcpt address is answered 550 5.1.1.
"""

import argparse
import asyncio
import email
import email.policy
import hashlib
import json
import logging
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.smtp import SMTP


class Mailbox:
    def __init__(self, reject, directory):
        self.lock = threading.Lock()
        self.messages = []
        self.reject = {a.lower() for a in reject}
        self.directory = directory
        self.written = 0


def read_back(content):
    """What a mail client shows of the message's bytes."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    defects = [f"message: {d!r}" for d in message.defects]
    for name in ("subject", "from", "to"):
        header = message[name]
        if header is not None:
            defects += [f"{name}: {d!r}" for d in header.defects]
    body = message.get_body(preferencelist=("plain",))
    attachments = []
    for part in message.walk():
        defects += [f"{part.get_content_type()}: {d!r}" for d in part.defects]
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        })
    return {
        "subject": str(message["subject"]) if message["subject"] is not None else None,
        "from": str(message["from"]),
        "to": str(message["to"]),
        "message_id": str(message["message-id"]) if message["message-id"] is not None else None,
        "text": body.get_content() if body is not None else None,
        "attachments": attachments,
        "defects": defects,
    }


class Handler:
    def __init__(self, mailbox, delay=0.0):
        self.mailbox = mailbox
        self.delay = delay  # seconds before each DATA is answered (a slow relay: a kill lands mid-delivery)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.mailbox.reject:
            return f"550 5.1.1 <{address}>: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.content  # bytes (decode_data=False), already un-dot-stuffed
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer_port": session.peer[1],
            "received_at": time.time(),
            "size": len(content),
        }
        try:
            record.update(read_back(content))
        except Exception as e:  # noqa: BLE001 — what a client could not read is the finding
            record["defects"] = [f"unreadable: {e!r}"]
        mailbox = self.mailbox
        with mailbox.lock:
            mailbox.messages.append(record)
            if mailbox.directory:
                mailbox.written += 1
                with open(os.path.join(mailbox.directory, f"{mailbox.written:04d}.eml"), "wb") as f:
                    f.write(content)
        return "250 2.0.0 Message accepted for delivery"


def http_handler(mailbox):
    class Control(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # noqa: A002
            pass

        def answer(self, status, value):
            body = json.dumps(value, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != "/_messages":
                self.answer(404, {"error": "GET serves /_messages only"})
                return
            with mailbox.lock:
                self.answer(200, list(mailbox.messages))

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/_reset":
                self.answer(404, {"error": "POST serves /_reset only"})
                return
            with mailbox.lock:
                mailbox.messages.clear()
            self.answer(200, {"messages": 0})

    return Control


async def serve(mailbox, smtp_port, http_port, delay):
    loop = asyncio.get_running_loop()
    handler = Handler(mailbox, delay)
    server = await loop.create_server(lambda: SMTP(handler, hostname="smtp-sink.test"),
                                      host="127.0.0.1", port=smtp_port)
    control = ThreadingHTTPServer(("127.0.0.1", http_port), http_handler(mailbox))
    control.daemon_threads = True
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(server.sockets[0].getsockname()[1], flush=True)
    print(control.server_address[1], flush=True)
    await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reject-rcpt", action="append", default=[])
    parser.add_argument("--dir")
    # Fixed ports (the local stack's sink, deploy/local/services.sh); 0: chosen by the system.
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0, help="wait before answering each DATA")
    args = parser.parse_args()
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    try:
        asyncio.run(serve(Mailbox(args.reject_rcpt, args.dir), args.smtp_port, args.http_port, args.delay_ms / 1000.0))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
