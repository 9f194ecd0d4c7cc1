"""Start and stop a backend process on this machine (the Start Backend button)."""

from __future__ import annotations

import os
import subprocess
import time
from urllib.parse import urlsplit

from .client import BackendClient, BackendError


class LocalBackend:
    """A `weathering serve` child process, run by the Python that has the backend installed."""

    def __init__(self, python: str, url: str, log_path: str | None = None, token: str = ""):
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ValueError(f"a local backend needs an http://HOST:PORT URL, got {url!r}")
        self.python = python
        self.url = url
        self.host = parts.hostname
        self.port = parts.port
        self.log_path = log_path
        self.token = token
        self.process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, wait_s: float = 60.0) -> None:
        """Launch the server and return once it answers /v1/health."""
        if self.running:
            return
        command = [self.python, "-m", "neural_backend.cli", "serve"]
        command += ["--host", self.host, "--port", str(self.port)]
        # The token goes by environment, not argument: other users can read the process list.
        environment = {**os.environ, "WEATHERING_TOKEN": self.token}
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=environment
            )
        except OSError as error:
            raise BackendError(f"Cannot run {self.python!r}: {error.strerror}") from None
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        self._wait_until_healthy(wait_s)

    def _wait_until_healthy(self, wait_s: float) -> None:
        client = BackendClient(self.url, self.token, timeout=2.0)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BackendError(
                    f"The backend exited at start-up (code {self.process.returncode}); is "
                    f"neural_backend installed for {self.python!r}? "
                    f"See {self.log_path or 'its log'}"
                )
            try:
                client.health()
                return
            except BackendError:
                time.sleep(0.25)
        self.stop()
        raise BackendError(f"The backend did not answer at {self.url} within {wait_s:g} s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
