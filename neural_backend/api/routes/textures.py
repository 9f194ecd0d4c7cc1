from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import encode_map
from neural_backend.api.schemas import TextureRequest, TextureResponse

router = APIRouter(prefix="/v1", tags=["textures"])


def _choose(name: str, allowed: dict, what: str):
    if name not in allowed:
        raise HTTPException(422, f"unknown {what} {name!r}; allowed: {', '.join(sorted(allowed))}")
    return allowed[name]


# A plain def: FastAPI runs it in its thread pool, so generation never blocks the event loop.
@router.post("/textures", response_model=TextureResponse, response_model_by_alias=True)
def create_texture(body: TextureRequest, request: Request) -> TextureResponse:
    """Albedo, height and roughness maps of one class that tile exactly."""
    state = request.app.state
    preset = _choose(body.weathering_class, state.presets, "class")
    generate = _choose(body.generator, state.generators, "generator")
    try:
        maps = generate(preset, body.size, body.seed, body.scale, body.variation)
    except ValueError as error:  # e.g. a class the GAN was not trained on
        raise HTTPException(422, str(error)) from None
    encoded = {
        name: encode_map(
            image, body.format, body.bit_depth, "sRGB" if name == "albedo" else "linear"
        )
        for name, image in maps.items()
    }
    return TextureResponse(
        weathering_class=preset.name,
        size=body.size,
        seed=body.seed,
        scale=body.scale,
        variation=body.variation,
        generator=body.generator,
        maps=encoded,
    )
