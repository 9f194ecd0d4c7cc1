from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import decode_field, encode_map, require_model
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import HarmonizeRequest, HarmonizeResponse

router = APIRouter(prefix="/v1", tags=["harmonize"])


@router.post("/harmonize", response_model=HarmonizeResponse)
async def harmonize(body: HarmonizeRequest, request: Request) -> HarmonizeResponse:
    """The composite with its masked region matched to the scene; nothing else changes."""
    state = request.app.state
    harmonizer = require_model(state, "harmonization")
    if body.caution is not None:
        harmonizer = harmonizer.with_caution(body.caution)

    def work(progress) -> HarmonizeResponse:
        limit = state.settings.max_image_side
        composite = decode_field("composite", body.composite, limit)
        mask = decode_field("mask", body.mask, limit, mode="L")
        progress.update(0.2, "harmonizing")
        try:
            harmonized = harmonizer.harmonize(composite, mask)
        except ValueError as error:  # e.g. a mask of another size
            raise HTTPException(422, str(error)) from None
        return HarmonizeResponse(image=encode_map(harmonized))

    return await run_in_queue(request, "harmonize", work)
