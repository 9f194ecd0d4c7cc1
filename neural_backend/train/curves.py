"""Learning curves as a PNG, drawn with Pillow (no plotting library in the backend's pins)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


def write_curves(path: Path, panels: dict[str, dict[str, list[tuple[float, float]]]]) -> None:
    """One panel per title; each panel maps a series name to its (step, value) points."""
    width, height, margin = 520, 300, 46
    canvas = Image.new("RGB", (width, height * len(panels)), "white")
    draw = ImageDraw.Draw(canvas)
    for row, (title, series) in enumerate(panels.items()):
        top = row * height
        points = [point for values in series.values() for point in values]
        if not points:
            continue
        x_lo, x_hi = min(p[0] for p in points), max(p[0] for p in points) or 1
        y_lo, y_hi = min(p[1] for p in points), max(p[1] for p in points)
        y_hi = y_hi if y_hi > y_lo else y_lo + 1

        def place(x, y, top=top, x_lo=x_lo, x_hi=x_hi, y_lo=y_lo, y_hi=y_hi):
            px = margin + (x - x_lo) / max(x_hi - x_lo, 1e-9) * (width - 2 * margin)
            py = top + height - margin - (y - y_lo) / (y_hi - y_lo) * (height - 2 * margin)
            return px, py

        draw.rectangle(
            [margin, top + margin, width - margin, top + height - margin], outline="#888"
        )
        draw.text((margin, top + 8), title, fill="black")
        draw.text((4, top + margin - 6), f"{y_hi:.3g}", fill="#444")
        draw.text((4, top + height - margin - 6), f"{y_lo:.3g}", fill="#444")
        draw.text((width - margin - 30, top + height - margin + 6), f"{x_hi:.0f}", fill="#444")
        for index, (name, values) in enumerate(series.items()):
            colour = _COLOURS[index % len(_COLOURS)]
            if len(values) > 1:
                draw.line([place(x, y) for x, y in values], fill=colour, width=2)
            draw.text((width - margin - 150, top + margin + 4 + 12 * index), name, fill=colour)
    canvas.save(path)
