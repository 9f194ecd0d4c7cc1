import subprocess
import sys

import pytest

from neural_backend.allocator import keep_freed_memory

# Three 30 MB blocks alive at once, freed, ten times over; prints the page faults this caused.
WORK = """
import resource, sys
import numpy as np
if sys.argv[1] == "tuned":
    from neural_backend.allocator import keep_freed_memory
    assert keep_freed_memory()
def work():
    blocks = [np.ones(30 * 2**20 // 8) for _ in range(3)]
    del blocks
work()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    work()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str) -> int:
    run = subprocess.run(
        [sys.executable, "-c", WORK, mode], capture_output=True, text=True, check=True
    )
    return int(run.stdout)


@pytest.mark.skipif(not keep_freed_memory(), reason="glibc's malloc only")
def test_freed_blocks_are_reused_instead_of_faulted_in_again():
    tuned, default = _page_faults("tuned"), _page_faults("default")
    assert tuned < 100 and default > 10 * tuned, (tuned, default)
