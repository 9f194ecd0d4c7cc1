import threading

import pytest
from core.jobs import Cancelled, active_job, start_job


def test_job_reports_progress_and_result():
    release = threading.Event()

    def work(progress):
        progress.update(0.5, "halfway")
        release.wait(5)
        return 42

    job = start_job("test", work)
    while job.progress.fraction < 0.5:
        pass
    assert (job.progress.message, active_job()) == ("halfway", job)
    release.set()
    assert job.wait(5) and job.result == 42 and job.error is None
    assert active_job() is None


def test_cancel_stops_work_at_its_next_progress_report():
    started, release = threading.Event(), threading.Event()

    def work(progress):
        started.set()
        release.wait(5)
        progress.update(0.9, "should not get here")
        return "finished"

    job = start_job("cancel me", work)
    started.wait(5)
    job.cancel()
    release.set()
    job.wait(5)
    assert job.cancelled and isinstance(job.error, Cancelled) and job.result is None


def test_errors_are_kept_for_the_ui():
    job = start_job("fails", lambda progress: 1 / 0)
    job.wait(5)
    assert isinstance(job.error, ZeroDivisionError)


def test_only_one_job_runs_at_a_time():
    release = threading.Event()
    job = start_job("first", lambda progress: release.wait(5))
    with pytest.raises(RuntimeError, match="'first' is still running"):
        start_job("second", lambda progress: None)
    release.set()
    job.wait(5)
