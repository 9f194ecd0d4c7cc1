from fastapi import APIRouter, Request

from neural_backend import __version__
from neural_backend.api.schemas import HealthResponse

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health", response_model=HealthResponse)
def health(request: Request) -> HealthResponse:
    """Version, compute device, and what is loaded."""
    state = request.app.state
    return HealthResponse(
        version=__version__,
        device=state.device,
        generators=sorted(state.generators),
        models=sorted(state.models),
        classes=sorted(state.presets),
    )
