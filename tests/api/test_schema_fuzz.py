"""Schemathesis sends requests generated from our own OpenAPI schema, valid and not, over real
HTTP: whatever arrives, the backend must never answer with a server error. Bounded: a few dozen
examples per route, with small limits so a generated 4096² texture is refused, not generated."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from neural_backend.api.app import create_app
from neural_backend.api.server import running_server
from neural_backend.config import Settings

app = create_app(Settings.from_env(device="cpu", max_texture_size=256, max_image_side=256))
schema = schemathesis.openapi.from_dict(app.openapi())


@pytest.fixture(scope="module")
def url():
    with running_server(app) as base_url:
        yield base_url


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, url):
    case.call_and_validate(base_url=url, checks=[not_a_server_error])
