"""Keep freed memory in the process for the next tensor, instead of handing it back each time.

By default glibc's malloc serves most large blocks as fresh mappings and trims its heap whenever
a few tens of MB lie free at the top. So nearly every tensor of a forward pass is new memory,
which the kernel must fault in and zero page by page: one 1024² texture took 130 000 page
faults (about 0.5 GB), a quarter of its time. Fixing the mmap threshold at glibc's maximum
(32 MB) and the trim threshold at 1 GB lets freed blocks be reused, as a caching allocator would.
PyTorch's CPU performance guides preload jemalloc or tcmalloc for the same reason; this needs
neither. Blocks over 32 MB still go back to the system when freed, so a 4096² texture's peak
does not stay with the process (measured: 2.9 GB either way).
"""

from __future__ import annotations

import ctypes
import sys

MMAP_THRESHOLD = 32 * 2**20  # the largest glibc accepts on 64-bit systems
TRIM_THRESHOLD = 2**30
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h


def keep_freed_memory() -> bool:
    """Tune glibc's malloc as described above; False where there is no glibc (macOS, Windows,
    musl), which keeps its own allocator's behaviour."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
