import pytest
from fastapi.testclient import TestClient

from neural_backend.api.app import create_app
from neural_backend.config import Settings


@pytest.fixture(scope="session")
def client():
    with TestClient(create_app(Settings.from_env(device="cpu"))) as test_client:
        yield test_client
