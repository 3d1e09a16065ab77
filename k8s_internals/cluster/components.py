"""How each component is wired to the API server: its client (identity, user agent, name) and
the constructor arguments that are the same in-process (:class:`~k8s_internals.cluster.Cluster`)
and as its own OS process (``k8s-internals run``, :mod:`k8s_internals.run`).

The only difference between the two is the :class:`~k8s_internals.client.transport.Transport`
under the client: :class:`~k8s_internals.client.transport.InProcessTransport` on the cluster's
kernel, or :class:`~k8s_internals.client.http_transport.HTTPSTransport` with the process's own
kernel on a :class:`~k8s_internals.sim.realtime.RealTimeDriver`.
"""

from __future__ import annotations

from typing import Any

from ..client.client import Client
from ..client.informer import InformerFactory
from ..client.transport import Transport
from ..controllers.manager import ControllerManager
from ..node.proxy.kube_proxy import KubeProxy
from ..sim import Kernel

__all__ = ["KUBE_VERSION", "component_client", "new_controller_manager", "new_kube_proxy",
           "user_agent"]

#: the version the components claim in their user agents (and ``/version`` serves)
KUBE_VERSION = "v1.32.0"


def user_agent(component: str, node: str = "") -> str:
    """The ``User-Agent`` a component sends: ``kube-scheduler/v1.32.0``,
    ``kubelet/v1.32.0 (node-1)``..."""
    return f"{component}/{KUBE_VERSION} ({node})" if node else f"{component}/{KUBE_VERSION}"


def component_client(transport: Transport, token: str | None, component: str,
                     node: str = "") -> Client:
    """The client ``component`` (``kubelet``, ``kube-scheduler``, ``kube-controller-manager``,
    ``kube-proxy``) talks to the API server with; a kubelet's is named ``kubelet/<node>``."""
    name = f"{component}/{node}" if component == "kubelet" and node else component
    return Client(transport, token, user_agent=user_agent(component, node if component ==
                                                          "kubelet" else ""), name=name)


def new_controller_manager(client: Client, kernel: Kernel, **kwargs: Any) -> ControllerManager:
    """A kube-controller-manager whose controllers each write as their own service account
    (``--use-service-account-credentials``), on the same transport as ``client``."""
    transport = client.transport

    def client_for(token: str, name: str) -> Client:
        return Client(transport, token, name=name, user_agent=f"kube-controller-manager/{name}")

    return ControllerManager(client, kernel, client_for=client_for, **kwargs)


def new_kube_proxy(client: Client, kernel: Kernel, node: str, mode: str = "iptables",
                   **kwargs: Any) -> KubeProxy:
    """The kube-proxy of ``node`` with its own informers."""
    return KubeProxy(client, kernel, node, mode, factory=InformerFactory(client, kernel),
                     **kwargs)
