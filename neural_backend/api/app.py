"""The FastAPI app. Models and presets load once, in the lifespan, before the first request."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from neural_backend import __version__
from neural_backend.api.guards import LimitBodySize, RequireToken
from neural_backend.api.inference import InferenceQueue
from neural_backend.api.routes import ROUTERS
from neural_backend.config import Settings, resolve_device
from neural_backend.generators import available_generators
from neural_backend.pipeline.loading import load_available
from neural_backend.pipeline.weather_image import ImageWeatherer
from neural_backend.presets import load_presets


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.presets = load_presets(settings.presets_dir)
        app.state.device = resolve_device(settings.device)
        app.state.generators = available_generators(app.state.device, settings.weights_dir)
        app.state.models = load_available(app.state.device, settings.weights_dir)
        app.state.weatherer = ImageWeatherer(
            app.state.presets,
            app.state.generators,
            app.state.models.get("segmentation"),
            app.state.models.get("harmonization"),
        )
        app.state.queue = InferenceQueue(settings.workers, settings.queue_size)
        yield
        app.state.queue.shutdown()

    app = FastAPI(
        title="Weathering backend",
        version=__version__,
        description="Tileable weathering textures, decay maps and aged images for Blender.",
        lifespan=lifespan,
    )
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(LimitBodySize, max_bytes=settings.max_body_bytes)
    if settings.token:  # added last, so it runs first: no body is read for a stranger
        app.add_middleware(RequireToken, token=settings.token)
    return app
