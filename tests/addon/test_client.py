import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from core.client import BackendClient, BackendError


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/v1/health":
            self._send(200, {"status": "ok", "auth": self.headers.get("Authorization")})
        elif self.path == "/v1/slow":
            threading.Event().wait(2)
            self._send(200, {})
        elif self.path == "/v1/classes":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not json</html>")
        else:
            self._send(404, {"detail": "Not Found"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        detail = [{"loc": ["body", "size"], "msg": f"must be <= 4096, got {body['size']}"}]
        self._send(422, {"detail": detail})

    def _send(self, code, payload):
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_sends_the_token_as_bearer(server_url):
    assert BackendClient(server_url, token="s3cret").health()["auth"] == "Bearer s3cret"
    assert BackendClient(server_url).health()["auth"] is None


def test_validation_errors_name_the_field_and_the_reason(server_url):
    with pytest.raises(BackendError, match=r"\(422\): size: must be <= 4096, got 9000"):
        BackendClient(server_url).textures({"size": 9000})


def test_unreachable_backend_names_the_url():
    with socket_closed_port() as url:
        with pytest.raises(BackendError, match=f"Cannot reach the Weathering backend at {url}"):
            BackendClient(url, timeout=2).health()


def test_timeout_is_reported_in_seconds(server_url):
    with pytest.raises(BackendError, match="did not answer within 0.3 s"):
        BackendClient(server_url, timeout=0.3)._request("GET", "/v1/slow")


def test_a_server_that_is_not_a_backend_is_named(server_url):
    with pytest.raises(BackendError, match="not as a Weathering backend"):
        BackendClient(server_url).classes()


class socket_closed_port:
    """A loopback URL on which nothing listens."""

    def __enter__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc):
        return False
