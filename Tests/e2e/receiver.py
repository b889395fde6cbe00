"""A local HTTP function that receives CloudWatch Logs subscription deliveries (and alarm actions) the way a
Lambda would, checks their signature, and decodes them: base64, gzip, JSON."""

import base64
import gzip
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, port, secret=None, delay=0.0):
        self.port = port
        self.secret = secret
        self.delay = delay
        self.lock = threading.Lock()
        self.messages = []       # decoded payloads, in arrival order
        self.deliveries = []     # X-Cairn-Delivery ids, one per accepted request
        self.bad_signatures = 0
        self.redirect_to = None  # when set, every delivery is answered 307 to this URL
        self.redirected = 0
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/invoke"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.redirect_to:
                    with receiver.lock:
                        receiver.redirected += 1
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if receiver.delay:
                    time.sleep(receiver.delay)
                timestamp = self.headers.get("X-Cairn-Timestamp", "")
                signature = self.headers.get("X-Cairn-Signature", "")
                if receiver.secret is not None:
                    expected = "sha256=" + hmac.new(
                        bytes.fromhex(receiver.secret), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                    if not hmac.compare_digest(expected, signature):
                        with receiver.lock:
                            receiver.bad_signatures += 1
                        self.send_response(401)
                        self.end_headers()
                        return
                document = json.loads(body)
                # A subscription's delivery is gzipped and base64-encoded; other invocations (alarm actions) are JSON.
                payload = json.loads(gzip.decompress(base64.b64decode(document["awslogs"]["data"]))) \
                    if "awslogs" in document else document
                with receiver.lock:
                    receiver.messages.append(payload)
                    receiver.deliveries.append(self.headers.get("X-Cairn-Delivery"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def data_events(self):
        with self.lock:
            return [e for m in self.messages if m["messageType"] == "DATA_MESSAGE" for e in m["logEvents"]]

    def control_messages(self):
        with self.lock:
            return [m for m in self.messages if m["messageType"] == "CONTROL_MESSAGE"]

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()
