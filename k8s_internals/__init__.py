"""k8s-internals: a compact, faithful Kubernetes control plane in pure Python, for learning.

Start from :class:`Cluster` (``from k8s_internals import Cluster``)."""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``from k8s_internals import Cluster`` without importing everything at package import."""
    if name == "Cluster":
        from .cluster import Cluster

        return Cluster
    raise AttributeError(name)
