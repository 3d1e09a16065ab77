"""The kubelet's image manager: pull policy, pull back-off, serialized pulls, and the events.

Upstream: ``pkg/kubelet/images/image_manager.go`` (``EnsureImageExists``, ``evalCRIPullErr``)
and ``puller.go`` (``serialImagePuller``: with ``serializeImagePulls: true``, the default, a
node pulls one image at a time — a pod whose image is small can wait behind another pod's big
pull, which the ``Pulled`` event shows as ``in 0.1s (12.6s including waiting)``).

- ``imagePullPolicy: Never`` — use the image if present, else ``ErrImageNeverPull``;
- ``IfNotPresent`` — pull only if absent (``Container image "nginx:1.27" already present on
  machine``);
- ``Always`` — pull every time (a present image still costs the manifest round trip).

A failed pull is ``ErrImagePull`` and starts a back-off (10 s, doubling to 300 s) keyed by pod
UID and image: until it expires, syncs answer ``ImagePullBackOff`` (event ``BackOff``
``Back-off pulling image "nginx:nope"``) without pulling.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from ...client.record import EVENT_NORMAL, EVENT_WARNING
from ...sim import Kernel
from ..images import PullError, parse_image_ref
from ..runtime import ContainerRuntime
from ..tasks import Future
from . import events
from .backoff import Backoff, go_duration

__all__ = [
    "ERR_IMAGE_NEVER_PULL",
    "ERR_IMAGE_PULL",
    "ERR_IMAGE_PULL_BACKOFF",
    "ERR_INVALID_IMAGE_NAME",
    "ImageManager",
]

ERR_IMAGE_PULL = "ErrImagePull"
ERR_IMAGE_PULL_BACKOFF = "ImagePullBackOff"
ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
ERR_INVALID_IMAGE_NAME = "InvalidImageName"

#: what a recorder call looks like: (pod, type, reason, message, fieldPath)
Record = Callable[[dict[str, Any], str, str, str, str], None]


def _trunc_ms(seconds: float) -> float:
    return int(round(seconds * 1e9) // 1_000_000) / 1000.0


class ImageManager:
    """``imageManager`` with its serial puller."""

    def __init__(self, kernel: Kernel, runtime: ContainerRuntime, record: Record,
                 backoff: Backoff, serialized: bool = True) -> None:
        self.kernel = kernel
        self.runtime = runtime
        self.record = record
        self.backoff = backoff
        self.serialized = serialized
        self._tail: Future[None] | None = None

    def backoff_key(self, pod: dict[str, Any], image: str) -> str:
        return f"{pod['metadata'].get('uid', '')}_{image}"

    def ensure_image_exists(self, pod: dict[str, Any], container: dict[str, Any],
                            field_path: str) -> Generator[Any, Any, tuple[str, str, str]]:
        """``EnsureImageExists``: ``(imageRef, message, error reason or "")``."""
        image = str(container.get("image") or "")
        policy = container.get("imagePullPolicy") or "IfNotPresent"
        try:
            parse_image_ref(image)
        except ValueError as exc:
            msg = f'Failed to apply default image tag "{image}": couldn\'t parse image name ' \
                  f'"{image}": {exc}'
            self.record(pod, EVENT_WARNING, events.FAILED_TO_INSPECT_IMAGE, msg, field_path)
            return "", msg, ERR_INVALID_IMAGE_NAME
        present = self.runtime.image_status(image)
        if policy == "Never" or (policy == "IfNotPresent" and present is not None):
            if present is not None:
                msg = f'Container image "{image}" already present on machine'
                self.record(pod, EVENT_NORMAL, events.PULLED_IMAGE, msg, field_path)
                return str(present["repoDigests"][0]), msg, ""
            msg = f'Container image "{image}" is not present with pull policy of Never'
            self.record(pod, EVENT_WARNING, events.ERR_IMAGE_NEVER_PULL_POLICY, msg, field_path)
            return "", msg, ERR_IMAGE_NEVER_PULL
        key = self.backoff_key(pod, image)
        if self.backoff.is_in_backoff_since_update(key, self.kernel.now):
            msg = f'Back-off pulling image "{image}"'
            self.record(pod, EVENT_NORMAL, events.BACK_OFF_PULL_IMAGE, msg, field_path)
            return "", msg, ERR_IMAGE_PULL_BACKOFF
        self.record(pod, EVENT_NORMAL, events.PULLING_IMAGE, f'Pulling image "{image}"',
                    field_path)
        start = self.kernel.now
        turn: Future[None] = Future(f"pull turn {image}")
        previous = self._tail if self.serialized else None
        if self.serialized:
            self._tail = turn
        try:
            if previous is not None and not previous.done():
                yield previous
            pull_start = self.kernel.now
            try:
                ref = yield self.runtime.pull_image(image)
            except PullError as exc:
                self.record(pod, EVENT_WARNING, events.FAILED_TO_PULL_IMAGE,
                            f'Failed to pull image "{image}": {exc}', field_path)
                self.backoff.next(key, self.kernel.now)
                return "", str(exc), ERR_IMAGE_PULL
        finally:
            turn.set_result(None)
            if self._tail is turn:
                self._tail = None
        pulled = _trunc_ms(self.kernel.now - pull_start)
        total = _trunc_ms(self.kernel.now - start)
        stored = self.runtime.image_status(image)
        size = int(stored["size"]) if stored else 0
        self.record(pod, EVENT_NORMAL, events.PULLED_IMAGE,
                    f'Successfully pulled image "{image}" in {go_duration(pulled)} '
                    f"({go_duration(total)} including waiting). Image size: {size} bytes.",
                    field_path)
        self.backoff.gc()
        return str(ref), "", ""
