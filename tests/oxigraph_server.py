"""Real and fake SPARQL servers on 127.0.0.1 for the endpoint tests (the ``server`` and ``stub`` fixtures of conftest.py).

- :func:`oxigraph_binary` — the ``oxigraph`` command shipped by the ``oxigraph`` PyPI package
  (next to this interpreter, or on PATH), or None.
- :class:`OxigraphServer` — ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` on a free
  port, started and waited for until it answers, stopped (by its own process id) at the end.
- :class:`StubServer` — a tiny ``http.server`` that answers by path: ``/down`` is never started,
  ``/error500``, ``/error503``, ``/auth401``, ``/auth403``, ``/slow`` (sleeps), ``/basic``
  (answers only with the right Basic credentials), ``/html`` (a web page, not SPARQL results).
"""

from __future__ import annotations

import base64
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

EMPTY_RESULTS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"ok"}}]}}'


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.exists():
        return str(candidate)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    def __init__(self, location: Path, *extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url = self.base + "/query"
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.wait_until_answering(30, lambda: "oxigraph serve did not start on port "
                                  f"{self.port}: {self.process.stderr.read().decode(errors='replace') if self.process.poll() is not None else ''}")

    def wait_until_answering(self, seconds: float, failure) -> None:
        """Poll ``query_url`` with ``ASK {}`` until it answers; else stop and raise ``failure()``."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2) as response:
                    response.read()
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    message = failure()
                    self.stop()
                    raise RuntimeError(message)
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class _StubHandler(http.server.BaseHTTPRequestHandler):
    slow_seconds = 5.0

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _answer(self):
        path = self.path.split("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if path.startswith("/error"):
            code = int(path[len("/error"):] or 500)
            return self._send(code, b"Internal failure: the store is locked", "text/plain")
        if path == "/auth401":
            return self._send(401, b"Unauthorized", "text/plain", {"WWW-Authenticate": 'Basic realm="sparql"'})
        if path == "/auth403":
            return self._send(403, b"Forbidden", "text/plain")
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return self._send(200, EMPTY_RESULTS, "application/sparql-results+json")
        if path == "/basic":
            expected = "Basic " + base64.b64encode(b"analyst:s3cret").decode()
            if self.headers.get("Authorization") != expected:
                return self._send(401, b"Unauthorized", "text/plain", {"WWW-Authenticate": 'Basic realm="sparql"'})
            return self._send(200, EMPTY_RESULTS, "application/sparql-results+json")
        if path == "/html":
            return self._send(200, b"<html><body>Welcome</body></html>", "text/html")
        return self._send(404, b"Not found", "text/plain")

    def _send(self, code, body, content_type, headers=None):
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class StubServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
