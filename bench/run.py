"""python3 build.py bench [--sections textures,segmentation,weathering,blender] [--data DIR]

Prints a table (time, the baseline measured in the same run, the ratio, the target) and writes
bench/results.json. Not a test: it takes minutes, and numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import ROOT, Row, machine
from neural_backend.allocator import keep_freed_memory

SECTIONS = ("textures", "segmentation", "weathering", "blender", "batch")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="training data: a real texture photo for quilting, a street photo",
    )
    parser.add_argument("--extension", type=Path, help="the extension zip (blender section)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    data = args.data if args.data.is_dir() else None
    info = machine()
    # Measured as the product runs: every `weathering` command and worker tunes malloc so.
    info["malloc_keeps_freed_memory"] = keep_freed_memory()
    device = info["device"]
    sizes = [512, 1024, 2048] + ([4096] if device == "cuda" else [])
    rows: list[Row] = []
    started = time.perf_counter()
    for section in args.sections.split(","):
        print(f"[bench] {section} ...", flush=True)
        if section == "textures":
            from bench import textures

            rows += textures.run(data, device, sizes)
        elif section == "segmentation":
            from bench import segmentation

            rows += segmentation.run(data, device)
        elif section == "weathering":
            from bench import weathering

            rows += weathering.run(data, device)
        elif section == "blender":
            from bench import blender

            rows += blender.run(args.extension)
        elif section == "batch":
            from bench import batch

            rows += batch.run(data, device)
        else:
            parser.error(f"unknown section {section!r}; choose from {', '.join(SECTIONS)}")
    print(table(rows))
    measured = [row.as_dict() for row in rows]
    run_sections = {row["section"] for row in measured}
    # A run of some sections replaces only their rows: the other sections' numbers stay.
    kept = []
    if args.out.is_file():
        previous = json.loads(args.out.read_text())
        kept = [row for row in previous["rows"] if row["section"] not in run_sections]
    report = {
        "machine": info,
        "seconds": time.perf_counter() - started,
        "rows": sorted(kept + measured, key=lambda row: SECTIONS.index(row["section"])),
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"[bench] wrote {args.out} ({report['seconds']:.0f} s)")


def table(rows: list[Row]) -> str:
    """A Markdown table, as pasted into the README."""
    lines = ["| section | case | ms | vs | ratio | target | met | notes |", "|" + "---|" * 8]
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        lines.append(
            f"| {row.section} | {row.case} | {row.ms:.1f} | {row.baseline} | {ratio} | "
            f"{row.target} | {met} | {row.note} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
