"""weathering serve: the HTTP API."""

from __future__ import annotations

import argparse
import sys

from neural_backend.config import DEVICES, Settings

LIMIT_FLAGS = {  # flag → (type, help); each also reads WEATHERING_<NAME>
    "max_body_mb": (float, "largest request body in MiB (default 256) → 413"),
    "max_image_side": (int, "largest image side in pixels (default 8192) → 422"),
    "max_texture_size": (int, "largest texture side (default 4096) → 422"),
    "max_targets": (int, "most segmentation targets per request (default 32) → 422"),
    "workers": (int, "inference threads (default 1)"),
    "queue_size": (int, "requests that may wait for a worker (default 8); more get 429"),
}


def register(commands) -> None:
    parser = commands.add_parser("serve", help="run the HTTP API (docs at /docs)")
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8765)")
    parser.add_argument("--device", choices=DEVICES, default=None, help="compute device")
    parser.add_argument(
        "--token",
        default=None,
        help="bearer token every request must send; required to bind a non-loopback address "
        "(or set WEATHERING_TOKEN, which keeps it out of the process list)",
    )
    for name, (kind, text) in LIMIT_FLAGS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=None, help=text)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    import uvicorn

    from neural_backend.api.app import create_app

    options = {name: getattr(args, name) for name in ("host", "port", "device", "token")}
    options.update({name: getattr(args, name) for name in LIMIT_FLAGS})
    try:
        settings = Settings.from_env(**options)
    except ValueError as error:
        sys.exit(f"weathering serve: {error}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
