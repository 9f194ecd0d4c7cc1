"""Training, one file per model; `weathering train MODEL --data DIR` runs them."""

from neural_backend.train import harmonization, segmentation, texture_gan

# Each trainer module has a docstring, add_arguments(parser) and train(args).
TRAINERS = {
    "textures": texture_gan,
    "segmentation": segmentation,
    "harmonization": harmonization,
}
