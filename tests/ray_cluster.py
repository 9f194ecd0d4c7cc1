"""A real Ray cluster on loopback for tests: a head and more nodes, each a separate raylet with
one CPU, started with the `ray` command as a user would, stopped afterwards."""

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

RAY = Path(sys.executable).parent / "ray"


def _ray(*arguments: str) -> None:
    environment = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    subprocess.run(
        [str(RAY), *arguments], check=True, env=environment, capture_output=True, timeout=180
    )


@contextmanager
def ray_cluster(nodes: int = 2):
    """Yields the head's address (HOST:PORT) for `weathering batch --ray`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"127.0.0.1:{port}"
    common = ["--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats"]
    try:
        _ray("start", "--head", f"--port={port}", "--include-dashboard=false", *common)
        for _ in range(nodes - 1):
            _ray("start", f"--address={address}", *common)
        yield address
    finally:
        _ray("stop", "--force")
