from fastapi import APIRouter, Request

from neural_backend.api.schemas import (
    ClassesResponse,
    MaterialPreset,
    MaterialsResponse,
    WeatheringClass,
)

router = APIRouter(prefix="/v1", tags=["classes"])


@router.get("/classes", response_model=ClassesResponse)
def list_classes(request: Request) -> ClassesResponse:
    """The weathering classes with their presets (look, PBR response, where they grow)."""
    presets = request.app.state.presets.values()
    return ClassesResponse(classes=[WeatheringClass(**preset.to_json()) for preset in presets])


@router.get("/materials", response_model=MaterialsResponse, response_model_by_alias=True)
def list_materials(request: Request) -> MaterialsResponse:
    """Material presets: the weathering layers a kind of surface gets, bottom first."""
    materials = request.app.state.materials.values()
    return MaterialsResponse(materials=[MaterialPreset(**m.to_json()) for m in materials])
