"""``ImageLocality``: the cases of upstream's ``image_locality_test.go``
(``TestImageLocalityPriority``), with the per-container max threshold (1000 MiB x containers)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins import image_locality
from k8s_internals.scheduler.plugins.image_locality import MB

from ..helpers import FakeHandle, make_node, make_pod, run_score

NODE_40_300_2000 = [(["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40 * MB),
                    (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB),
                    (["gcr.io/2000:latest"], 2000 * MB)]
NODE_250_10 = [(["gcr.io/250:latest"], 250 * MB), (["gcr.io/10:latest", "gcr.io/10:v1"], 10 * MB)]


@pytest.mark.parametrize(("images", "nodes", "want"), [
    # Pod: gcr.io/40, gcr.io/250 (2 containers: max threshold 2000 MiB)
    # machine1: gcr.io/40 on 1 of 2 nodes: 40M / 2 = 20M < 23M (min threshold) -> 0
    # machine2: gcr.io/250: 250M / 2 = 125M -> 100 * (125M - 23M) / (2000M - 23M) = 5
    (["gcr.io/40", "gcr.io/250"], [NODE_40_300_2000, NODE_250_10], [0, 5]),
    # Pod: gcr.io/40, gcr.io/300
    # machine1: (40M + 300M) / 2 = 170M -> 100 * (170M - 23M) / (2000M - 23M) = 7
    # machine2: none -> 0
    (["gcr.io/40", "gcr.io/300"], [NODE_40_300_2000, NODE_250_10], [7, 0]),
    # Pod: gcr.io/2000, gcr.io/10
    # machine1: 2000M / 2 = 1000M -> 100 * (1000M - 23M) / (2000M - 23M) = 49
    # machine2: 10M / 2 = 5M < 23M -> 0
    (["gcr.io/10", "gcr.io/2000"], [NODE_40_300_2000, NODE_250_10], [49, 0]),
    # with a third node without images, spread is 1/3:
    # machine1: int(2000M * 1/3) = 699050666 -> 100 * (699050666 - 23M) / (2000M - 23M) = 32
    (["gcr.io/10", "gcr.io/2000"], [NODE_40_300_2000, NODE_250_10, []], [32, 0, 0]),
])
def test_image_locality_priority(images: list[str], nodes: list, want: list[int]) -> None:
    node_objs = [make_node(f"machine{i + 1}", images=imgs) for i, imgs in enumerate(nodes)]
    handle = FakeHandle(node_objs)
    assert run_score(image_locality.new(None, handle), make_pod("p", images=images),
                     handle) == want


def test_calculate_priority_bounds() -> None:
    assert image_locality.calculate_priority(0, 1) == 0
    assert image_locality.calculate_priority(10**12, 1) == 100
