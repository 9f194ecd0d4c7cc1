"""Under load and faults the backend answers correctly or says clearly that it cannot, and keeps
serving: a bounded queue (429), jobs that can be polled and cancelled, clients that disconnect,
and running out of GPU memory."""

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from fastapi import HTTPException
from PIL import Image

from neural_backend.api.app import create_app
from neural_backend.api.inference import InferenceQueue
from neural_backend.api.server import running_server
from neural_backend.config import Settings
from neural_backend.pipeline.progress import Cancelled
from tests.api.conftest import backend
from tests.api.images import b64_png
from tests.conftest import ROOT

PHOTO = np.random.default_rng(1).integers(0, 256, (48, 64, 3), dtype=np.uint8)
MASK = np.full((48, 64), 255, np.uint8)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_full_queue_answers_429_with_retry_after_then_admits_again():
    queue = InferenceQueue(workers=1, queue_size=1)
    release = threading.Event()
    running = [queue.submit("textures", lambda progress: release.wait(10)) for _ in range(2)]
    with pytest.raises(HTTPException) as refused:
        queue.submit("textures", lambda progress: None)
    assert refused.value.status_code == 429 and "limit 2" in refused.value.detail
    assert int(refused.value.headers["Retry-After"]) >= 1
    release.set()
    wait_for(lambda: all(job.future.done() for job in running))
    assert queue.submit("textures", lambda progress: 42).future.result(10) == 42
    queue.shutdown()


def slow_weather(log: list):
    """Stands in for the image pipeline: many small steps, each a chance to be cancelled."""

    def weather(*args, progress):
        log.append("started")
        try:
            for step in range(500):
                progress.update(step / 500, "working")
                time.sleep(0.02)
        except Cancelled:
            log.append("cancelled")
            raise
        log.append("finished")

    return lambda *args: weather(*args[:-1], progress=args[-1])


def test_jobs_report_progress_give_results_and_can_be_cancelled(monkeypatch):
    with backend(workers=1) as client:
        texture = {"class": "rust", "size": 64, "seed": 3}
        started = client.post("/v1/jobs/textures", json=texture)
        assert started.status_code == 202 and started.json()["kind"] == "textures"
        job_url = f"/v1/jobs/{started.json()['id']}"
        wait_for(lambda: client.get(job_url).json()["state"] == "done")
        direct = client.post("/v1/textures", json=texture).json()
        assert client.get(job_url).json()["result"] == direct

        log = []
        monkeypatch.setattr(client.app.state.weatherer, "weather", slow_weather(log))
        body = {"image": b64_png(PHOTO), "mask": b64_png(MASK), "class": "rust"}
        running = client.post("/v1/jobs/weather", json=body).json()["id"]
        queued = client.post("/v1/jobs/textures", json=texture).json()["id"]
        wait_for(lambda: client.get(f"/v1/jobs/{running}").json()["progress"] > 0.05)
        assert client.get(f"/v1/jobs/{queued}").json()["state"] == "queued"
        assert client.delete(f"/v1/jobs/{queued}").json()["state"] == "cancelled"
        client.delete(f"/v1/jobs/{running}")
        wait_for(lambda: client.get(f"/v1/jobs/{running}").json()["state"] == "cancelled")
        assert log == ["started", "cancelled"]
        assert client.get("/v1/jobs/nope").status_code == 404


def test_a_client_that_disconnects_cancels_its_request(monkeypatch):
    app = create_app(Settings.from_env(device="cpu"))
    log = []
    with running_server(app) as url:
        monkeypatch.setattr(app.state.weatherer, "weather", slow_weather(log))
        body = json.dumps({"image": b64_png(PHOTO), "mask": b64_png(MASK), "class": "rust"})
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=5)
        connection.request("POST", "/v1/weather", body, {"Content-Type": "application/json"})
        wait_for(lambda: log == ["started"])
        connection.close()  # the user pressed Cancel, or Blender quit
        wait_for(lambda: log == ["started", "cancelled"], timeout=10)


def _post(url: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.load(error)


def test_32_concurrent_clients_get_correct_answers_or_a_clean_429():
    app = create_app(Settings.from_env(device="cpu", workers=1, queue_size=4))
    requests = [{"class": c, "size": 64, "seed": s} for c in ("rust", "moss") for s in (1, 2)]
    with running_server(app) as url:
        expected = [_post(url + "/v1/textures", body)[2] for body in requests]
        deadline = time.monotonic() + 8

        def client(index: int) -> list[int]:
            codes = []
            while time.monotonic() < deadline:
                which = (index + len(codes)) % len(requests)
                status, headers, body = _post(url + "/v1/textures", requests[which])
                if status == 200:
                    assert body == expected[which]
                else:
                    assert status == 429, body
                    assert int(headers["Retry-After"]) >= 1 and "busy" in body["detail"]
                codes.append(status)
            return codes

        with ThreadPoolExecutor(32) as pool:
            codes = [code for result in pool.map(client, range(32)) for code in result]
        assert codes.count(200) >= 8 and codes.count(429) >= 1
        assert _post(url + "/v1/textures", requests[0])[2] == expected[0]  # still serving


def test_out_of_memory_is_a_clear_503_and_the_server_keeps_serving(client, monkeypatch):
    def exhausted(*args):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setitem(client.app.state.generators, "procedural", exhausted)
    body = {"class": "rust", "size": 64, "generator": "procedural"}
    response = client.post("/v1/textures", json=body)
    assert response.status_code == 503 and "out of GPU memory" in response.json()["detail"]
    monkeypatch.undo()
    assert client.post("/v1/textures", json=body).status_code == 200


def test_segmentation_out_of_memory_retries_in_tiles(client, monkeypatch):
    segmenter = client.app.state.models["segmentation"]
    photo = np.asarray(Image.open(ROOT / "demo" / "compare.png").convert("RGB"))[:240, :320]
    whole = segmenter.segment(photo, exit=2).labels
    predict = segmenter._predict

    def small_memory(image, exit):
        if image.shape[-1] * image.shape[-2] > 150 * 150:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return predict(image, exit)

    monkeypatch.setattr(segmenter, "_predict", small_memory)
    tiled = segmenter.segment(photo, exit=2).labels
    assert tiled.shape == whole.shape and (tiled == whole).mean() > 0.9
