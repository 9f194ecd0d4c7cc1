"""The FastAPI app. Models and presets load once, in the lifespan, before the first request."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from neural_backend import __version__
from neural_backend.api.guards import LimitBodySize, RequireToken
from neural_backend.api.inference import InferenceQueue
from neural_backend.api.routes import ROUTERS
from neural_backend.config import Settings, resolve_device
from neural_backend.materials import load_materials
from neural_backend.pipeline.asset_decay import AssetDecayMaker
from neural_backend.pipeline.loading import load_weatherer


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.device = resolve_device(settings.device)
        weatherer = app.state.weatherer = load_weatherer(app.state.device, settings)
        app.state.presets, app.state.generators = weatherer.presets, weatherer.generators
        app.state.asset_decay = AssetDecayMaker(
            weatherer.presets, weatherer.generators, weatherer.harmonizer
        )
        app.state.materials = load_materials(settings.materials_dir, weatherer.presets)
        loaded = {"segmentation": weatherer.segmenter, "harmonization": weatherer.harmonizer}
        app.state.models = {name: model for name, model in loaded.items() if model is not None}
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
