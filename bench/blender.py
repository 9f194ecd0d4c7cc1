"""The extension in real Blender, timed in its own process (bench/blender_session.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT, Row

OBJECTS = 200


def run(extension_zip: Path) -> list[Row]:
    finished = subprocess.run(
        [
            sys.executable,
            ROOT / "bench" / "blender_session.py",
            "--extension",
            extension_zip,
            "--objects",
            str(OBJECTS),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("RESULTS ")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(f"the Blender session failed:\n{finished.stdout}\n{finished.stderr}")
    result = json.loads(lines[-1].removeprefix("RESULTS "))
    layer_ms = result["layer_objects_ms"]
    render_ms, weather_ms = result["render_1080p_ms"], result["weather_render_1080p_ms"]
    return [
        Row(
            "blender",
            f"weathering layer on {OBJECTS} objects",
            layer_ms,
            target="≤ 3 s",
            met=layer_ms <= 3000,
            note=f"one material each, 1024² textures included; again (update): "
            f"{result['layer_objects_again_ms']:.0f} ms",
        ),
        Row(
            "blender",
            "Weather Render 1080p",
            weather_ms,
            "plain render",
            render_ms / weather_ms,
            note=f"Cycles CPU, 4 samples; a plain render takes {render_ms:.0f} ms; "
            "includes its capture render, the backend and the compositor set-up",
        ),
    ]
