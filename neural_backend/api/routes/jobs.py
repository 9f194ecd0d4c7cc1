"""Long requests as jobs: start one, poll its progress, fetch its result, or cancel it."""

from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.inference import Job
from neural_backend.api.routes.decay_maps import make_decay_maps
from neural_backend.api.routes.textures import generate_textures
from neural_backend.api.routes.weather import age_image
from neural_backend.api.schemas import (
    DecayMapsRequest,
    JobError,
    JobStatus,
    TextureRequest,
    WeatherRequest,
)

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


@router.post("/weather", status_code=202, response_model=JobStatus)
def start_weather(body: WeatherRequest, request: Request) -> JobStatus:
    """Start aging an image (the body of POST /v1/weather); poll GET /v1/jobs/{id}."""
    return start(request, "weather", age_image, body)


@router.post("/textures", status_code=202, response_model=JobStatus)
def start_textures(body: TextureRequest, request: Request) -> JobStatus:
    """Start generating textures (the body of POST /v1/textures); poll GET /v1/jobs/{id}."""
    return start(request, "textures", generate_textures, body)


@router.post("/decay-maps", status_code=202, response_model=JobStatus)
def start_decay_maps(body: DecayMapsRequest, request: Request) -> JobStatus:
    """Start making an asset's decay maps (the body of POST /v1/decay-maps); poll its job."""
    return start(request, "decay-maps", make_decay_maps, body)


def start(request: Request, kind: str, work, body) -> JobStatus:
    """Queue the synchronous route's work as a job kept for polling."""
    state = request.app.state
    return status_of(state.queue.submit(kind, lambda progress: work(body, state, progress), True))


@router.get("/{job_id}", response_model=JobStatus)
def job_status(job_id: str, request: Request) -> JobStatus:
    """State and progress; the result once done, or the error the request would have got."""
    return status_of(request.app.state.queue.get(job_id))


@router.delete("/{job_id}", response_model=JobStatus)
def cancel_job(job_id: str, request: Request) -> JobStatus:
    """Cancel a job: a queued one never starts, a running one stops at its next step."""
    job = request.app.state.queue.get(job_id)
    job.cancel()
    return status_of(job)


def status_of(job: Job) -> JobStatus:
    state = job.state
    result = error = None
    if state == "done":
        result = job.future.result().model_dump(by_alias=True)
    elif state == "failed":
        failure = job.future.exception()
        if isinstance(failure, HTTPException):
            error = JobError(status=failure.status_code, detail=str(failure.detail))
        else:
            error = JobError(status=500, detail=f"{type(failure).__name__}: {failure}")
    return JobStatus(
        id=job.id,
        kind=job.kind,
        state=state,
        progress=round(job.progress.fraction, 3),
        message="cancelled" if state == "cancelled" else job.progress.message,
        result=result,
        error=error,
    )
