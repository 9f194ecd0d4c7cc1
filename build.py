#!/usr/bin/env python3
"""One entry point for Weathering: set-up, demo, tests, extension zip, benchmarks.

    python3 build.py demo        weather a built-in scene, write out/demo/*.png
    python3 build.py test        run every test suite
    python3 build.py extension   build and validate dist/weathering-<version>.zip
    python3 build.py bench       benchmarks against baselines → bench/results.json (minutes)

Each command first creates or reuses .venv/ with the pinned dependencies of pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".weathering-installed"
DIST = ROOT / "dist"
# torch is installed on its own, first and pinned, so nothing later can pull a CUDA build.
TORCH_PIN = "torch==2.13.0"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(*command: str | Path, **kwargs) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def find_python311() -> str:
    """Blender 5.0's bpy module needs exactly Python 3.11."""
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        sys.exit("Weathering needs Python 3.11 (Blender 5.0's bpy module); python3.11 not found.")
    return found


def ensure_venv() -> Path:
    """Create or reuse .venv; reinstall only when pyproject.toml changed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return VENV_PYTHON
    if not VENV_PYTHON.exists():
        log("creating .venv")
        run(find_python311(), "-m", "venv", VENV)
    pip = (VENV_PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
    log(f"installing {TORCH_PIN} (CPU build where the machine has one)")
    run(*pip, TORCH_PIN)
    log("installing the backend and its pinned dependencies")
    run(*pip, "-e", f"{ROOT}[dev]")
    STAMP.write_text(wanted)
    return VENV_PYTHON


def manifest_version() -> str:
    return tomllib.loads((ROOT / "blender_manifest.toml").read_text())["version"]


def blender_ext_tool(python: Path) -> Path:
    """Blender's own extension tool, shipped inside the bpy module."""
    code = "import bpy; print(bpy.utils.system_resource('SCRIPTS'))"
    scripts = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True)
    return Path(scripts.stdout.strip().splitlines()[-1]) / "addons_core/bl_pkg/cli/blender_ext.py"


def build_extension(python: Path) -> Path:
    """Stage the add-on beside the manifest, then build and validate with Blender's tool."""
    stage = DIST / "stage" / "weathering"
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(
        ROOT / "weathering_addon", stage, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.copy2(ROOT / "blender_manifest.toml", stage / "blender_manifest.toml")
    zip_path = DIST / f"weathering-{manifest_version()}.zip"
    zip_path.unlink(missing_ok=True)
    tool = blender_ext_tool(python)
    run(python, tool, "build", "--source-dir", stage, "--output-filepath", zip_path)
    run(python, tool, "validate", zip_path)
    shutil.rmtree(stage.parent)
    log(f"extension: {zip_path.relative_to(ROOT)}")
    return zip_path


def command_extension() -> None:
    build_extension(ensure_venv())


def command_test(pytest_args: list[str]) -> None:
    """Backend and pure-core tests, then real-Blender tests in their own process.

    Blender's process never imports torch (as in production, where they meet over HTTP), so the
    bpy suite runs separately.
    """
    python = ensure_venv()
    zip_path = build_extension(python)
    env = dict(os.environ, WEATHERING_EXTENSION_ZIP=str(zip_path))
    suites = [["tests/addon", "tests/backend", "tests/api"], ["tests/blender"]]
    failed = False
    for paths in suites:
        log(f"pytest {' '.join(paths)}")
        result = subprocess.run([python, "-m", "pytest", *paths, *pytest_args], cwd=ROOT, env=env)
        failed |= result.returncode != 0
    sys.exit(1 if failed else 0)


def command_demo() -> None:
    python = ensure_venv()
    zip_path = build_extension(python)
    run(
        python,
        ROOT / "demo" / "run_demo.py",
        "--extension",
        zip_path,
        "--out",
        ROOT / "out" / "demo",
    )


def command_bench(bench_args: list[str]) -> None:
    """Benchmarks against baselines (minutes; not part of the tests): bench/results.json."""
    python = ensure_venv()
    zip_path = build_extension(python)
    run(python, "-m", "bench.run", "--extension", zip_path, *bench_args, cwd=ROOT)


COMMANDS = {"demo", "test", "extension", "bench"}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in COMMANDS:
        sys.exit(__doc__)
    if argv[0] == "test":
        command_test(argv[1:])
    elif argv[0] == "demo":
        command_demo()
    elif argv[0] == "bench":
        command_bench(argv[1:])
    else:
        command_extension()


if __name__ == "__main__":
    main(sys.argv[1:])
