"""The kubelet (section VI of the seed): see :mod:`.kubelet` for the tour.

- :class:`Kubelet` — one node's agent; ``Kubelet(client, kernel, "node-1").start()``;
- :func:`make_log_provider` — what the API server calls for ``pods/log``;
- :mod:`.exec` — ``exec`` and ``attach`` streams into running containers;
- :func:`control_plane_manifests` — kubeadm's static pods for a control-plane node.
"""

from .kubelet import DEFAULT_CAPACITY, Kubelet
from .logs import make_log_provider
from .static_pods import control_plane_manifests

__all__ = ["DEFAULT_CAPACITY", "Kubelet", "control_plane_manifests", "make_log_provider"]
