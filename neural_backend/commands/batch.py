"""weathering batch: age many scenes (ages × frames) or many backplates, resumably."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neural_backend.config import DEVICES


def register(commands) -> None:
    parser = commands.add_parser(
        "batch",
        help="age scenes × ages × frames, or many images; re-run to resume",
        description="Scenes: every weathering layer takes each age in turn, frames are rendered "
        "to OUT/<scene>/age_<a>/frame_<nnnn>.png. Images: OUT/<name>_<class>_<age>.png. "
        "Finished outputs are skipped, so a killed batch resumes when run again.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--scenes", nargs="+", help=".blend files with weathering layers")
    source.add_argument("--images", help="a glob of photos or plates, quoted: 'plates/*.png'")
    parser.add_argument("--ages", nargs="+", type=float, default=None, help="ages 0..1")
    parser.add_argument("--age", type=float, default=None, help="one age (same as --ages A)")
    parser.add_argument("--frames", default="1", help="scenes: a frame or a range, e.g. 1-48")
    parser.add_argument("--class", dest="weathering_class", help="images: the weathering class")
    parser.add_argument(
        "--preset",
        default="",
        help="scenes: a material preset (painted_metal, bare_iron, concrete, wood, stone) "
        "stacked on every mesh at each age; without it the scene's own layers take the ages",
    )
    parser.add_argument(
        "--extension",
        type=Path,
        default=None,
        help="the extension zip Blender uses for --preset (default: the newest dist/*.zip)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help="run on a Ray cluster (`ray start --head` first); outputs need shared storage",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from neural_backend.batch.manifest import (
        check_ages,
        image_tasks,
        scene_tasks,
        write_manifest,
    )
    from neural_backend.batch.runner import default_workers, run_batch
    from neural_backend.config import resolve_device

    ages = args.ages or ([args.age] if args.age is not None else [0.5])
    try:
        check_ages(ages)
        if args.images:
            if not args.weathering_class:
                raise ValueError("--images needs --class (rust, moss, dirt, ...)")
            out = str(args.out.resolve())  # absolute: workers on other machines write there too
            tasks = image_tasks(args.images, args.weathering_class, ages, out, args.seed)
        else:
            out = str(args.out.resolve())
            tasks = scene_tasks(args.scenes, ages, args.frames, out, args.preset, args.seed)
        device = resolve_device(args.device)
        extension = _extension_zip(args) if args.preset else ""
    except (ValueError, RuntimeError) as error:
        sys.exit(f"weathering batch: {error}")
    write_manifest(tasks, args.out / "manifest.json")
    workers = args.workers or (None if args.ray else default_workers())
    where = f"Ray cluster {args.ray}" if args.ray else f"{workers} local worker(s)"
    print(f"[batch] {len(tasks)} tasks on {where}, writing to {args.out}", flush=True)
    summary = run_batch(
        tasks, workers, device, lambda line: print(line, flush=True), args.ray, extension
    )
    print(f"[batch] {summary}", flush=True)
    if summary.failed:
        sys.exit(1)


def _extension_zip(args: argparse.Namespace) -> str:
    from neural_backend.config import REPO_ROOT, Settings
    from neural_backend.materials import load_materials
    from neural_backend.presets import load_presets

    settings = Settings.from_env()
    known = load_materials(settings.materials_dir, load_presets(settings.presets_dir))
    if args.preset not in known:
        raise ValueError(f"unknown --preset {args.preset!r}; choose from {', '.join(known)}")
    if args.extension is not None:
        zip_path = args.extension
    else:
        built = sorted((REPO_ROOT / "dist").glob("weathering-*.zip"))
        if not built:
            raise ValueError("--preset needs the extension zip: run `python3 build.py extension`")
        zip_path = built[-1]
    if not Path(zip_path).is_file():
        raise ValueError(f"no extension zip at {zip_path}")
    return str(Path(zip_path).resolve())
