from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import encode_map
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import TextureRequest, TextureResponse
from neural_backend.pipeline.progress import Progress

router = APIRouter(prefix="/v1", tags=["textures"])


@router.post("/textures", response_model=TextureResponse, response_model_by_alias=True)
async def create_texture(body: TextureRequest, request: Request) -> TextureResponse:
    """Albedo, height and roughness maps of one class that tile exactly."""
    state = request.app.state
    return await run_in_queue(
        request, "textures", lambda progress: generate_textures(body, state, progress)
    )


def _choose(name: str, allowed: dict, what: str):
    if name not in allowed:
        raise HTTPException(422, f"unknown {what} {name!r}; allowed: {', '.join(sorted(allowed))}")
    return allowed[name]


def generate_textures(body: TextureRequest, state, progress: Progress) -> TextureResponse:
    preset = _choose(body.weathering_class, state.presets, "class")
    generate = _choose(body.generator, state.generators, "generator")
    if body.size > state.settings.max_texture_size:
        raise HTTPException(
            422,
            f"size {body.size} is over this backend's limit of "
            f"{state.settings.max_texture_size} (WEATHERING_MAX_TEXTURE_SIZE)",
        )
    progress.update(0.05, "generating")
    try:
        maps = generate(preset, body.size, body.seed, body.scale, body.variation)
    except ValueError as error:  # e.g. a class the GAN was not trained on
        raise HTTPException(422, str(error)) from None
    progress.update(0.8, "encoding")
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
        height_mean=float(maps.height.mean()),
        breakup_gain=maps.breakup_gain(),
    )
