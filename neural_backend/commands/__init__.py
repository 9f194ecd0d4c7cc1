"""One module per `weathering` sub-command: register(subparsers) adds it, run(args) runs it."""

from neural_backend.commands import (
    batch,
    evaluate,
    harmonize,
    segment,
    serve,
    textures,
    train,
    weather_image,
)

COMMANDS = (serve, textures, segment, harmonize, weather_image, train, evaluate, batch)
