#!/usr/bin/env python3
"""A webhook receiver for the end-to-end tests, independent of the server's code: it checks each
delivery's Standard Webhooks signature with Python's hmac, answers, and appends what it got to a
log, one JSON line per request. Prints its port, then serves until killed.

usage: webhook_receiver.py SECRET LOG [--refuse N] [--hold K]
  --refuse N  answer the first N requests 500
  --hold K    never answer the K-th request (it waits until the sender goes away)
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("secret")
parser.add_argument("log")
parser.add_argument("--refuse", type=int, default=0)
parser.add_argument("--hold", type=int, default=0)
args = parser.parse_args()
key = base64.b64decode(args.secret[len("whsec_"):])
lock = threading.Lock()
count = 0


def record(entry):
    with lock, open(args.log, "a") as log:
        log.write(json.dumps(entry) + "\n")


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the sender asks

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            count += 1
            n = count
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(mac).decode()
        given = self.headers.get("webhook-signature", "").split(" ")
        signature_ok = any(hmac.compare_digest(expected, g) for g in given)
        events = json.loads(body)
        if isinstance(events, dict):
            events = [events]
        entry = {"n": n, "webhook_id": msg_id, "content_type": self.headers["Content-Type"],
                 "ids": [int(e["id"]) for e in events], "signature_ok": signature_ok}
        if n == args.hold:
            record(dict(entry, status="held"))
            while self.rfile.read(1):  # until the sender's connection ends
                pass
            return
        status = 500 if n <= args.refuse else (204 if signature_ok else 400)
        record(dict(entry, status=status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
