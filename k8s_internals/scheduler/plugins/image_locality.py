"""``ImageLocality``: favour nodes that already have the pod's container images.

Mirrors ``pkg/scheduler/framework/plugins/imagelocality/image_locality.go``::

    scaled(image)  = int64(float64(size) * numNodesWithImage / totalNumNodes)   (spread factor:
                     an image present on few nodes counts little — "node heating")
    sum            = sum of scaled(image) over init + regular containers present on the node
    maxThreshold   = 1000 MiB * number of containers;  minThreshold = 23 MiB
    score          = MaxNodeScore * (clamp(sum, min, max) - min) / (max - min)

Image names from the pod are normalized as the CRI does (``nginx`` → ``nginx:latest``); node
image names (``status.images[].names``) are used as reported. Default weight 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework.cycle_state import CycleState
from ..framework.interface import MAX_NODE_SCORE, Handle, NodeInfoLister, Status
from ..framework.types import ImageStateSummary, NodeInfo, canonical, iter_containers
from .names import IMAGE_LOCALITY

__all__ = ["MAX_CONTAINER_THRESHOLD", "MB", "MIN_THRESHOLD", "ImageLocality",
           "calculate_priority", "new", "normalized_image_name", "scaled_image_score"]

MB = 1024 * 1024
#: ``minThreshold``: 23 MiB
MIN_THRESHOLD = 23 * MB
#: ``maxContainerThreshold``: 1000 MiB per container
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """``normalizedImageName``: add ``:latest`` when the name has no tag.

    >>> normalized_image_name("gcr.io/40"), normalized_image_name("nginx:1.27")
    ('gcr.io/40:latest', 'nginx:1.27')
    """
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def scaled_image_score(state: ImageStateSummary, total_num_nodes: int) -> int:
    """``scaledImageScore``: the size times the fraction of nodes that have the image."""
    spread = float(state.num_nodes) / float(total_num_nodes)
    return int(float(state.size) * spread)


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """``calculatePriority``.

    >>> calculate_priority(125 * MB, 2)     # 100 * (125M - 23M) / (2000M - 23M)
    5
    """
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality:
    name = IMAGE_LOCALITY

    def __init__(self, snapshot: NodeInfoLister | None = None) -> None:
        self.snapshot = snapshot

    def score(self, state: CycleState, pod: Mapping[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        total = len(self.snapshot.list()) if self.snapshot is not None else 1
        containers = list(iter_containers(dict(pod)))
        images = node_info.image_states
        s = 0
        if images:
            for c in containers:
                st = images.get(normalized_image_name(c.get("image", "")))
                if st is not None:
                    s += scaled_image_score(st, total)
        return calculate_priority(s, len(containers)), None

    def score_extensions(self) -> None:
        return None

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return canonical([c.get("image", "") for c in iter_containers(dict(pod))])


def new(args: Mapping[str, Any] | None, handle: Handle) -> ImageLocality:
    return ImageLocality(handle.snapshot)


