"""Batch aging of images: a manifest of tasks, failures isolated, and resume after a kill."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from neural_backend.batch.manifest import image_tasks, parse_frames, scene_tasks
from neural_backend.batch.runner import run_batch
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def plates(tmp_path_factory):
    """Four backplates cut from the demo render, and one file that is not an image."""
    folder = tmp_path_factory.mktemp("plates")
    render = Image.open(ROOT / "demo" / "compare_backplate.png").convert("RGB")
    for index in range(4):
        render.crop((index * 40, 0, index * 40 + 320, 180)).save(folder / f"plate{index}.png")
    (folder / "zz_broken.png").write_bytes(b"not a png at all")
    return folder


def test_frames_and_ages_expand_into_independent_tasks(tmp_path):
    scene = tmp_path / "a.blend"
    scene.write_bytes(b"")
    tasks = scene_tasks([str(scene)], [0.0, 1.0], "1-20", str(tmp_path / "out"))
    assert [(t.age, t.first_frame, t.last_frame) for t in tasks] == [
        (0.0, 1, 8), (0.0, 9, 16), (0.0, 17, 20), (1.0, 1, 8), (1.0, 9, 16), (1.0, 17, 20)
    ]  # fmt: skip
    assert tasks[2].outputs()[-1] == tmp_path / "out" / "a" / "age_0" / "frame_0020.png"
    assert parse_frames("7") == (7, 7)
    with pytest.raises(ValueError, match="frames must look like 1-48"):
        parse_frames("one-two")
    with pytest.raises(ValueError, match="no such scene file"):
        scene_tasks([str(tmp_path / "missing.blend")], [0.5], "1", str(tmp_path))


def test_a_failed_image_is_reported_and_the_others_finish_then_nothing_is_redone(plates, tmp_path):
    tasks = image_tasks(str(plates / "*.png"), "moss", [0.4, 0.8], str(tmp_path))
    lines = []
    summary = run_batch(tasks, workers=2, report=lines.append)
    assert summary.done == 8 and summary.skipped == 0
    # Two workers finish in either order: the report lists failures as they come.
    assert sorted(label for label, _ in summary.failed) == [
        "zz_broken.png (moss, age 0.4)",
        "zz_broken.png (moss, age 0.8)",
    ]
    assert all("not a readable image" in error for _, error in summary.failed)
    assert len(lines) == 10 and lines[-1].startswith("[####################] 10/10")
    first = {p.name: p.read_bytes() for p in tmp_path.glob("plate*.png")}
    assert len(first) == 8
    aged, plate = (
        np.asarray(Image.open(p)) for p in (tmp_path / "plate0_moss_0.8.png", plates / "plate0.png")
    )
    assert aged.shape == plate.shape and not np.array_equal(aged, plate)
    again = run_batch(tasks, workers=2, report=lines.append)
    assert again.done == 0 and again.skipped == 8 and len(again.failed) == 2
    assert {p.name: p.read_bytes() for p in tmp_path.glob("plate*.png")} == first


def _batch(plates, out) -> subprocess.Popen:
    command = [sys.executable, "-m", "neural_backend.cli", "batch", "--images",
               str(plates / "plate*.png"), "--class", "rust", "--ages", "0.3", "0.6", "0.9",
               "--out", str(out), "--workers", "1"]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )


def test_a_killed_batch_resumes_with_nothing_lost_and_the_same_results(plates, tmp_path):
    killed = _batch(plates, tmp_path / "resumed")
    deadline = time.monotonic() + 120
    while len(list((tmp_path / "resumed").glob("plate*.png"))) < 2:
        assert time.monotonic() < deadline and killed.poll() is None
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)  # the batch and its worker, mid-task
    killed.wait()
    written_before = len(list((tmp_path / "resumed").glob("plate*.png")))
    assert written_before < 12
    resumed = _batch(plates, tmp_path / "resumed")
    output = resumed.communicate(timeout=300)[0]
    assert resumed.returncode == 0
    assert f"{12 - written_before} done, 0 failed, {written_before} skipped" in output
    clean = _batch(plates, tmp_path / "clean")
    clean.communicate(timeout=300)
    for path in (tmp_path / "clean").glob("plate*.png"):
        assert (tmp_path / "resumed" / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(list((tmp_path / "resumed").glob("plate*.png"))) == 12
