import socket
import threading
import time
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi.testclient import TestClient

from neural_backend.api.app import create_app
from neural_backend.config import Settings


def backend(**settings) -> TestClient:
    """An in-process backend with its own settings (use as a context manager: it loads models)."""
    return TestClient(create_app(Settings.from_env(device="cpu", **settings)))


@pytest.fixture(scope="session")
def client():
    with backend() as test_client:
        yield test_client


@contextmanager
def live_backend(app):
    """The app served by uvicorn on a free loopback port, in a thread: real sockets, real
    disconnects, real concurrency. Yields the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test backend did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
