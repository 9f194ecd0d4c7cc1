"""HTTP client for the Weathering backend (standard library only)."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request

BUSY_RETRIES = 3  # a 429 means "busy, come back": wait as told, up to this many times
MAX_BUSY_WAIT_S = 30.0
NPZ = "application/x-npz"  # arrays as np.savez writes them


class BackendError(Exception):
    """The backend could not be reached or refused a request; the message is for the user."""


class BackendClient:
    def __init__(self, url: str, token: str = "", timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        # The backend is local: never send its traffic (or its token) through a proxy.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def health(self) -> dict:
        return self._request("GET", "/v1/health")

    def classes(self) -> list[dict]:
        return self._request("GET", "/v1/classes")["classes"]

    def materials(self) -> list[dict]:
        return self._request("GET", "/v1/materials")["materials"]

    def textures(self, request: dict) -> dict:
        return self._request("POST", "/v1/textures", request)

    def weather(self, request: dict) -> dict:
        return self._request("POST", "/v1/weather", request)

    def decay_maps(self, request: dict) -> dict:
        return self._request("POST", "/v1/decay-maps", request)

    def weather_npz(self, bundle: bytes) -> bytes:
        """POST /v1/weather/npz: arrays in and out as .npz, no base64 or PNG on either side."""
        return self._exchange("POST", "/v1/weather/npz", bundle, NPZ)

    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        answer = self._exchange(method, path, data, "application/json")
        try:
            return json.loads(answer)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BackendError(f"{self.url} answered, but not as a Weathering backend") from None

    def _exchange(self, method: str, path: str, data: bytes | None, media_type: str) -> bytes:
        """The answer's bytes; `media_type` is what is sent (if anything) and asked for back."""
        for attempt in range(BUSY_RETRIES + 1):
            try:
                return self._exchange_once(method, path, data, media_type)
            except _Busy as busy:
                if attempt == BUSY_RETRIES:
                    raise BackendError(
                        f"The backend at {self.url} stayed busy after {BUSY_RETRIES} retries: "
                        f"{busy.detail}"
                    ) from None
                time.sleep(busy.retry_after)
        raise AssertionError("unreachable")

    def _exchange_once(self, method: str, path: str, data: bytes | None, media_type: str) -> bytes:
        headers = {"Accept": media_type}
        if data is not None:
            headers["Content-Type"] = media_type
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 429:
                raise _Busy(error) from None
            raise BackendError(
                f"The backend at {self.url} refused {method} {path} "
                f"({error.code}): {_detail(error)}"
            ) from None
        except TimeoutError:
            raise BackendError(
                f"The backend at {self.url} did not answer within {self.timeout:g} s"
            ) from None
        except http.client.HTTPException as error:  # e.g. IncompleteRead: it died mid-answer
            raise BackendError(
                f"The backend at {self.url} stopped answering in the middle of {method} {path} "
                f"({type(error).__name__}); it may have crashed. Restart it and try again."
            ) from None
        except (urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise BackendError(
                f"Cannot reach the Weathering backend at {self.url} ({reason}). Start it with "
                "'weathering serve' or the Start Backend button, or fix the URL in Preferences."
            ) from None


class _Busy(Exception):
    def __init__(self, error: urllib.error.HTTPError):
        self.detail = _detail(error)
        try:
            self.retry_after = min(float(error.headers.get("Retry-After", 1)), MAX_BUSY_WAIT_S)
        except ValueError:
            self.retry_after = 1.0


def _detail(error: urllib.error.HTTPError) -> str:
    """The backend's own words from an error body, where it sent JSON."""
    try:
        detail = json.loads(error.read() or b"{}").get("detail", error.reason)
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return str(error.reason)
    if isinstance(detail, list):  # FastAPI's validation errors: say which field and why
        return "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg')}"
            for item in detail
        )
    return str(detail)
