import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from core.client import BackendClient, BackendError

BUSY: dict[str, int] = {}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/v1/health":
            self._send(200, {"status": "ok", "auth": self.headers.get("Authorization")})
        elif self.path == "/v1/slow":
            threading.Event().wait(2)
            self._send(200, {})
        elif self.path.startswith("/v1/busy"):  # busy twice per key, then answers
            key = self.path
            BUSY[key] = BUSY.get(key, 0) + 1
            if BUSY[key] <= 2:
                self.send_response(429)
                self.send_header("Retry-After", "0.05")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(200, {"after": BUSY[key]})
        elif self.path == "/v1/dies":  # promises 1000 bytes, sends 10, hangs up
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"partial"')
            self.wfile.flush()
            self.connection.shutdown(2)
        elif self.path == "/v1/classes":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not json</html>")
        else:
            self._send(404, {"detail": "Not Found"})

    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v1/weather/npz":  # answers with what it was sent, reversed
            if {self.headers["Content-Type"], self.headers["Accept"]} != {"application/x-npz"}:
                self._send(415, {"detail": "send and accept application/x-npz"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-npz")
            self.end_headers()
            self.wfile.write(data[::-1])
            return
        body = json.loads(data)
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


def test_arrays_travel_as_npz_bytes_both_ways(server_url):
    sent = bytes(range(256)) * 1000
    assert BackendClient(server_url).weather_npz(sent) == sent[::-1]


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


def test_busy_answers_are_retried_after_the_wait_the_server_asks(server_url):
    assert BackendClient(server_url)._request("GET", "/v1/busy/a") == {"after": 3}


def test_a_backend_that_stays_busy_is_reported(server_url, monkeypatch):
    monkeypatch.setattr("core.client.BUSY_RETRIES", 1)
    with pytest.raises(BackendError, match="stayed busy after 1 retries"):
        BackendClient(server_url)._request("GET", "/v1/busy/b")


def test_a_backend_dying_mid_answer_is_reported(server_url):
    with pytest.raises(BackendError, match="stopped answering in the middle of GET /v1/dies"):
        BackendClient(server_url)._request("GET", "/v1/dies")


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
