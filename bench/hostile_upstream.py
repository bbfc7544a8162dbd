#!/usr/bin/env python3
"""Hostile MCP upstreams for bench/soak.sh (Streamable HTTP, JSON answers). POST /mcp/<kind>:
initialize and tools/list behave; tools/call misbehaves by kind:
  big  - answers with a 50 MB JSON body
  sse  - answers with an endless text/event-stream of 1 MB events
  hang - never answers
Usage: hostile_upstream.py <port>"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405, "")

    def do_DELETE(self):
        self.reply(204, "")

    def do_POST(self):
        kind = self.path.rstrip("/").split("/")[-1]
        msg = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        method, rid = msg.get("method"), msg.get("id")
        if rid is None:
            self.reply(202, "")
            return
        if method == "initialize":
            self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid, "result": {
                "protocolVersion": msg["params"]["protocolVersion"], "capabilities": {"tools": {}},
                "serverInfo": {"name": "hostile-" + kind, "version": "1"}}}))
        elif method == "tools/list":
            self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid, "result": {"tools": [
                {"name": kind + "_tool", "description": kind, "inputSchema": {"type": "object"}}]}}))
        elif method == "tools/call":
            try:
                getattr(self, "call_" + kind)(rid)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid, "result": {}}))

    def call_big(self, rid):
        head = ('{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"' % json.dumps(rid)).encode()
        tail = b'"}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(head) + 50 * MB + len(tail)))
        self.end_headers()
        self.wfile.write(head)
        chunk = b"x" * MB
        for _ in range(50):
            self.wfile.write(chunk)
        self.wfile.write(tail)

    def call_sse(self, rid):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        event = ('data: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"'
                 + "y" * MB + '"}}\n\n').encode()
        while True:
            self.wfile.write(event)
            time.sleep(0.05)

    def call_hang(self, rid):
        time.sleep(3600)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
