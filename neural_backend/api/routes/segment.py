from fastapi import APIRouter, Request

from neural_backend.api.encoding import decode_field, encode_map, require_model
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import SegmentRequest, SegmentResponse

router = APIRouter(prefix="/v1", tags=["segment"])


@router.post("/segment", response_model=SegmentResponse)
async def segment(body: SegmentRequest, request: Request) -> SegmentResponse:
    """What is where in a photo: a CamVid class per pixel, from the exit asked for."""
    state = request.app.state
    segmenter = require_model(state, "segmentation")

    def work(progress) -> SegmentResponse:
        image = decode_field("image", body.image, state.settings.max_image_side)
        progress.update(0.1, "segmenting")
        result = segmenter.segment(image, exit=body.exit, budget_ms=body.budget_ms)
        return SegmentResponse(
            labels=encode_map(result.labels, colour_space="linear"),
            class_names=segmenter.class_names,
            class_confidence=result.class_confidence,
            exit=result.exit,
            ms=round(result.ms, 2),
        )

    return await run_in_queue(request, "segment", work)
