"""The assembled cluster: the one object a notebook starts from.

``Cluster(nodes=3, seed=0)`` boots, on one virtual clock, what ``kubeadm init`` + ``kubeadm join``
would give: a control-plane node whose kubelet runs etcd, kube-apiserver,
kube-controller-manager and kube-scheduler as static pods (mirror pods in ``kube-system``), worker
nodes, the system namespaces and RBAC bootstrap policy, the ``kubernetes`` Service, the
kube-proxy DaemonSet (one kube-proxy per node, in the chosen mode) and CoreDNS behind the
``kube-dns`` Service. Every component talks to the API server through a client with its own
identity; nothing but the API server touches the store.

See :mod:`k8s_internals.cluster.cluster` for the class and ``DESIGN.md`` for the public surface.
"""

from .cluster import Cluster, NodeSpec

__all__ = ["Cluster", "NodeSpec"]
