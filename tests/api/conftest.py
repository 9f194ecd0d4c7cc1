import numpy as np
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


@pytest.fixture(scope="session")
def scene():
    """A 96×64 horizontal gradient and a mask of its middle: a photo small enough to age fast."""
    image = np.zeros((64, 96, 3), np.uint8)
    image[:] = np.linspace(200, 90, 96, dtype=np.uint8)[None, :, None]
    mask = np.zeros((64, 96), np.uint8)
    mask[10:54, 16:80] = 255
    return image, mask
