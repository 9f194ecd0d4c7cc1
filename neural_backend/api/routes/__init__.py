"""One router per resource."""

from neural_backend.api.routes import classes, health, textures

ROUTERS = (health.router, classes.router, textures.router)
