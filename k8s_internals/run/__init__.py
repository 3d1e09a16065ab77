"""``k8s-internals run COMPONENT``: each control plane component as its own OS process.

Upstream every component is its own binary: ``cmd/kube-apiserver``, ``cmd/kube-controller-manager``,
``cmd/kube-scheduler``, ``cmd/kubelet`` and ``cmd/kube-proxy``. Here each is the same class the
simulated :class:`~k8s_internals.cluster.Cluster` runs, wired the same way
(:mod:`k8s_internals.cluster.components`), in a process of its own with its own
:class:`~k8s_internals.sim.Kernel` driven by the wall clock
(:class:`~k8s_internals.sim.realtime.RealTimeDriver`). The components reach the API server
only over HTTPS (:class:`~k8s_internals.client.http_transport.HTTPSTransport`), each with the
identity its kubeconfig holds (a bearer token or a client certificate) and its own user agent,
so the API server's RBAC / Node authorizers and traces see ``system:kube-scheduler``,
``system:kube-controller-manager``, ``system:node:<name>``, ``system:kube-proxy``::

    k8s-internals run apiserver --store etcd://127.0.0.1:2379 --port 6443 --state-dir ./state
    k8s-internals run controller-manager --kubeconfig ./state/kube-controller-manager.kubeconfig
    k8s-internals run scheduler --kubeconfig ./state/kube-scheduler.kubeconfig
    k8s-internals run kubelet --node node-1 --kubeconfig ./state/kubelet-node-1.kubeconfig
    k8s-internals run proxy --node node-1 --kubeconfig ./state/kube-proxy.kubeconfig
    KUBECONFIG=./state/kubeconfig kubectl get nodes

``run apiserver`` plays kube-apiserver plus the bits of ``kubeadm init`` that hand out
credentials (``cmd/kubeadm/app/phases/{certs,kubeconfig}``): in ``--state-dir`` it keeps the CA
(``ca.crt`` / ``ca.key``), the service-account key (``sa.key``), the static tokens
(``tokens.csv``, kube-apiserver's ``--token-auth-file``) and one kubeconfig per identity
(``kubeconfig`` for the admin, ``viewer``, ``kube-controller-manager``, ``kube-scheduler``,
``kube-proxy``, ``kubelet-<node>`` for each of ``--nodes``). A second API server on the same
state dir and the same etcd (``--store``) reuses all of them, so every kubeconfig is trusted by
both, and serves the same objects; its bootstrap (namespaces, RBAC policy, priority classes) is
idempotent. Its watch cache follows etcd, so a watch on one API server sees writes made through
the other.

The modules: :mod:`.flags` (the command line), :mod:`.lifecycle` (signals, the HTTPS connection
from a kubeconfig, waiting for the API server, leader election around a component),
:mod:`.apiserver` (``run apiserver`` and its state dir), :mod:`.components` (the controller
manager, the scheduler, the kubelet and kube-proxy).

Simplified, compared with upstream:

- flags are a small subset (listed by ``--help``), with upstream's names where they exist;
  ``--leader-elect*`` durations take Go durations (``15s``, ``500ms``);
- no TLS bootstrap: a kubelet's credentials are made in advance by ``run apiserver
  --nodes`` (kubeadm's ``kubelet.conf``), not requested with a CSR;
- the API server does not dial the components: no ``kubectl logs`` / ``exec`` for pods of
  kubelet processes, and ``componentstatuses`` reports the scheduler and the controller
  manager healthy while their leader-election Lease is fresh (upstream probes their
  ``/healthz``); the ``default/kubernetes`` Endpoints carry ``--advertise-address`` only (no
  lease-based endpoint reconciler for several API servers);
- the kubelet runs pods in its simulated runtime and kube-proxy programs simulated iptables /
  ipvs (printed, and kept in ``--rules-file``), not the host's;
- SIGINT / SIGTERM stop a component as its process ending (a leader's lease is not released: a
  successor waits for it to expire, as with ``ReleaseOnCancel`` unset), exit status 0.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable

from .apiserver import (
    lease_probe,
    load_or_make_ca,
    load_or_make_identities,
    load_or_make_signing_key,
    run_apiserver,
)
from .components import run_controller_manager, run_kubelet, run_proxy, run_scheduler
from .flags import COMPONENTS, add_arguments, canonical, parse_duration, parse_nodes
from .lifecycle import Connection, connect, wait_for_apiserver

__all__ = ["COMPONENTS", "Connection", "add_arguments", "connect", "lease_probe",
           "load_or_make_ca", "load_or_make_identities", "load_or_make_signing_key", "main",
           "parse_duration", "parse_nodes", "run_apiserver", "run_controller_manager",
           "run_kubelet", "run_proxy", "run_scheduler", "wait_for_apiserver"]

RUNNERS: dict[str, Callable[..., int]] = {
    "apiserver": run_apiserver,
    "controller-manager": run_controller_manager,
    "scheduler": run_scheduler,
    "kubelet": run_kubelet,
    "proxy": run_proxy,
}


def main(args: argparse.Namespace, ready: threading.Event | None = None,
         stop: threading.Event | None = None) -> int:
    """Run ``args.component`` until SIGINT / SIGTERM (or ``stop``); 0 when stopped so, 1 when
    it cannot start (a kubeconfig or a configuration file that cannot be used)."""
    from ..client.kubeconfig import KubeConfigError
    from ..scheduler.config import ConfigError

    component = canonical(args.component)
    try:
        return RUNNERS[component](args, ready, stop)
    except (KubeConfigError, ConfigError, OSError) as exc:
        print(f"k8s-internals run {component}: error: {exc}", file=sys.stderr, flush=True)
        return 1
