"""weathering serve: the HTTP API."""

from __future__ import annotations

import argparse

from neural_backend.config import DEVICES, Settings


def register(commands) -> None:
    parser = commands.add_parser("serve", help="run the HTTP API (docs at /docs)")
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8765)")
    parser.add_argument("--device", choices=DEVICES, default=None, help="compute device")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    import uvicorn

    from neural_backend.api.app import create_app

    settings = Settings.from_env(host=args.host, port=args.port, device=args.device)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
