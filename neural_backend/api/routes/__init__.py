"""One router per resource."""

from neural_backend.api.routes import classes, harmonize, health, segment, textures

ROUTERS = (health.router, classes.router, textures.router, segment.router, harmonize.router)
