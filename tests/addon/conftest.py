"""The add-on's core is imported as a plain package: importing weathering_addon itself would
load bpy, which the core must never need."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "weathering_addon"))
