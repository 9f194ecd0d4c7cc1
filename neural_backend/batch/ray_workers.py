"""The same tasks on a Ray cluster: one actor per worker loads the models once and runs tasks
from a shared queue; outputs go straight to the (shared) output folder, written atomically.

Start a cluster with `ray start --head` on one machine and `ray start --address HEAD:6379` on
the others; every machine needs this repository's environment and the same paths to the scenes,
images and output folder (shared storage).
"""

from __future__ import annotations

from collections.abc import Iterator

from neural_backend.batch.manifest import Task
from neural_backend.batch.worker import run_task, start_worker


def run_on_ray(
    tasks: list[Task], address: str, workers: int | None, device: str, extension: str = ""
) -> Iterator[tuple[Task, float | None, str | None]]:
    """Yields (task, seconds, None) or (task, None, error) as tasks finish, in any order."""
    import ray
    from ray.util import ActorPool

    ray.init(address=address, log_to_driver=False, configure_logging=False)
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, min(workers or cpus, len(tasks)))

        @ray.remote(num_cpus=1)
        class BatchWorker:
            def __init__(self, device: str, extension: str):
                start_worker(device, 1, extension)  # one CPU reserved per actor

            def run(self, index: int, task: Task):
                try:
                    return index, run_task(task), None
                except Exception as error:  # reported with the task; the actor carries on
                    return index, None, str(error)

        actors = [
            BatchWorker.options(scheduling_strategy="SPREAD").remote(device, extension)
            for _ in range(count)
        ]
        pool = ActorPool(actors)
        for index, task in enumerate(tasks):
            pool.submit(lambda actor, job: actor.run.remote(*job), (index, task))
        while pool.has_next():
            index, seconds, error = pool.get_next_unordered()
            yield tasks[index], seconds, error
    finally:
        ray.shutdown()
