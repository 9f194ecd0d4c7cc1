"""Running out of GPU memory is an answer ("try smaller"), not a crash."""

from __future__ import annotations


def is_out_of_memory(error: BaseException) -> bool:
    import torch

    return isinstance(error, torch.cuda.OutOfMemoryError) or (
        isinstance(error, RuntimeError) and "out of memory" in str(error).lower()
    )


def free_memory() -> None:
    """Give cached GPU blocks back after a failed allocation, so a smaller retry can succeed."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
