"""A local HTTP server standing in for Slack's incoming webhooks: it answers as Slack does
(200 "ok", or the status and error text it is told to) and keeps each post's JSON by path."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlackStandIn:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []  # (path, payload)
        self.answer = (200, "ok")
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, text = stand_in.answer
                if status == 200:
                    stand_in.posts.append((self.path, json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.prefix = f"http://127.0.0.1:{self.server.server_port}/services/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"{self.prefix}T000/B000/{name}"

    def to(self, name: str) -> list[dict]:
        return [payload for path, payload in self.posts if path.endswith(f"/{name}")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
