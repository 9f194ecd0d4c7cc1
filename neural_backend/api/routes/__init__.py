"""One router per resource."""

from neural_backend.api.routes import (
    classes,
    decay_maps,
    harmonize,
    health,
    jobs,
    segment,
    textures,
    weather,
)

ROUTERS = (
    health.router,
    classes.router,
    textures.router,
    segment.router,
    harmonize.router,
    weather.router,
    decay_maps.router,
    jobs.router,
)
