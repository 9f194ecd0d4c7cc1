import pytest
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
