from fastapi import APIRouter, Request

from neural_backend.api.schemas import ClassesResponse, WeatheringClass

router = APIRouter(prefix="/v1", tags=["classes"])


@router.get("/classes", response_model=ClassesResponse)
def list_classes(request: Request) -> ClassesResponse:
    """The weathering classes with their presets (look, PBR response, where they grow)."""
    presets = request.app.state.presets.values()
    return ClassesResponse(classes=[WeatheringClass(**preset.to_json()) for preset in presets])
