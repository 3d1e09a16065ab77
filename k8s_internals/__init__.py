"""k8s-internals: a compact, faithful Kubernetes control plane in pure Python, for learning.

Start from :class:`Cluster` (``from k8s_internals import Cluster``)."""

__version__ = "0.1.0"
