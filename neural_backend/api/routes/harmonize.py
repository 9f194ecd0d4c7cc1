from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import decode_field, encode_map, require_model
from neural_backend.api.schemas import HarmonizeRequest, HarmonizeResponse

router = APIRouter(prefix="/v1", tags=["harmonize"])


@router.post("/harmonize", response_model=HarmonizeResponse)
def harmonize(body: HarmonizeRequest, request: Request) -> HarmonizeResponse:
    """The composite with its masked region matched to the scene; nothing else changes."""
    harmonizer = require_model(request.app.state, "harmonization")
    composite = decode_field("composite", body.composite)
    mask = decode_field("mask", body.mask, mode="L")
    try:
        harmonized = harmonizer.harmonize(composite, mask)
    except ValueError as error:  # e.g. a mask of another size
        raise HTTPException(422, str(error)) from None
    return HarmonizeResponse(image=encode_map(harmonized))
