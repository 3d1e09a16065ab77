"""The ``k8s-internals run`` command line: the components, their aliases and flags (upstream's
flag names where they exist; Go durations such as ``15s``)."""

from __future__ import annotations

import argparse
import contextlib
import re

#: component → what it is upstream
COMPONENTS = {
    "apiserver": "kube-apiserver: the API server on a store, serving HTTPS",
    "controller-manager": "kube-controller-manager: the controllers, behind leader election",
    "scheduler": "kube-scheduler: binds pods to nodes, behind leader election",
    "kubelet": "kubelet: registers its Node and runs the pods bound to it",
    "proxy": "kube-proxy: the node's Service rules (iptables, ipvs or userspace)",
}
ALIASES = {"apiserver": ["kube-apiserver"], "controller-manager": ["kube-controller-manager"],
           "scheduler": ["kube-scheduler"], "kubelet": [], "proxy": ["kube-proxy"]}

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """A Go ``time.Duration`` (``15s``, ``1m30s``, ``500ms``) or plain seconds, as seconds.

    >>> parse_duration("1m30s"), parse_duration("500ms"), parse_duration("2")
    (90.0, 0.5, 2.0)
    """
    t = text.strip()
    with contextlib.suppress(ValueError):
        return float(t)
    pos, total = 0, 0.0
    for m in _DURATION.finditer(t):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(t) or not t:
        raise argparse.ArgumentTypeError(f'time: invalid duration "{text}"')
    return total


def parse_nodes(text: str) -> list[str]:
    """``--nodes``: a count (``3`` → ``node-1 node-2 node-3``) or names (``a,b``)."""
    t = text.strip()
    if t.isdigit():
        return [f"node-{i}" for i in range(1, int(t) + 1)]
    return [n.strip() for n in t.split(",") if n.strip()]


# -- arguments ----------------------------------------------------------------------------------


def _leader_election_flags(p: argparse.ArgumentParser, default: bool | None) -> None:
    p.add_argument("--leader-elect", type=_bool, nargs="?", const=True, default=default,
                   metavar="BOOL",
                   help="take a Lease in kube-system before acting, so several can run "
                        f"(default {str(default).lower() if default is not None else 'true'})")
    p.add_argument("--leader-elect-lease-duration", type=parse_duration, default=None,
                   metavar="DURATION", help="how long a lease is valid (default 15s)")
    p.add_argument("--leader-elect-renew-deadline", type=parse_duration, default=None,
                   metavar="DURATION", help="leader gives up after failing to renew (10s)")
    p.add_argument("--leader-elect-retry-period", type=parse_duration, default=None,
                   metavar="DURATION", help="between tries to acquire or renew (2s)")


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "t", "true", "yes", "y"):
        return True
    if t in ("0", "f", "false", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


def _client_flags(p: argparse.ArgumentParser, node: bool) -> None:
    if node:
        p.add_argument("--node", required=True, help="the node's name (its hostname)")
    p.add_argument("--kubeconfig", required=True,
                   help="the component's kubeconfig (written by `run apiserver`)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the process's random generator (default: random)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``run`` subcommand's arguments: one sub-command per component."""
    sub = p.add_subparsers(dest="component", required=True, metavar="COMPONENT",
                           title="components")
    api = sub.add_parser("apiserver", aliases=ALIASES["apiserver"],
                         help=COMPONENTS["apiserver"],
                         description="kube-apiserver on a store, serving HTTPS, with the "
                                     "credentials for the other components in --state-dir.")
    api.add_argument("--store", default="memory://",
                     help="etcd://HOST:PORT (a real etcd) or memory:// (default)")
    api.add_argument("--port", type=int, default=6443, help="HTTPS port (default 6443)")
    api.add_argument("--bind-address", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1)")
    api.add_argument("--advertise-address", default="172.18.0.2",
                     help="the address in the default/kubernetes Endpoints (default "
                          "172.18.0.2, the simulated control-plane node)")
    api.add_argument("--state-dir", default="",
                     help="CA, keys, tokens.csv and kubeconfigs (default ~/.k8s-internals); "
                          "reused when present")
    api.add_argument("--nodes", type=parse_nodes, default=parse_nodes("3"),
                     help="kubelet identities to make: a count or names (default 3: "
                          "node-1,node-2,node-3)")
    api.add_argument("--kubeconfig", default="",
                     help="also write the admin kubeconfig here")
    api.add_argument("--seed", type=int, default=None,
                     help="seed of the process's random generator (default: random)")

    cm = sub.add_parser("controller-manager", aliases=ALIASES["controller-manager"],
                        help=COMPONENTS["controller-manager"],
                        description="kube-controller-manager: every controller, each writing "
                                    "as its own service account.")
    _client_flags(cm, node=False)
    _leader_election_flags(cm, True)
    cm.add_argument("--controllers", default="*",
                    help="controllers to run: '*' (all), names, '-name' to leave one out")
    cm.add_argument("--use-service-account-credentials", type=_bool, nargs="?", const=True,
                    default=True, metavar="BOOL", help="each controller as its own service account "
                                         "(default true)")

    sched = sub.add_parser("scheduler", aliases=ALIASES["scheduler"],
                           help=COMPONENTS["scheduler"],
                           description="kube-scheduler with the default plugins.")
    _client_flags(sched, node=False)
    sched.add_argument("--config", default="",
                       help="a KubeSchedulerConfiguration file")
    _leader_election_flags(sched, None)

    kubelet = sub.add_parser("kubelet", help=COMPONENTS["kubelet"],
                             description="A kubelet with a simulated container runtime.")
    _client_flags(kubelet, node=True)
    kubelet.add_argument("--node-ip", default="", help="the node's InternalIP")
    kubelet.add_argument("--pod-cidr", default="", help="pod CIDR (default: from the Node's "
                                                        "spec.podCIDR, set by node IPAM)")
    kubelet.add_argument("--max-pods", type=int, default=110)
    kubelet.add_argument("--cpu", default="4", help="CPU capacity (default 4)")
    kubelet.add_argument("--memory", default="8Gi", help="memory capacity (default 8Gi)")
    kubelet.add_argument("--node-labels", default="", help="k=v,k2=v2 labels to register with")
    kubelet.add_argument("--register-with-taints", default="",
                         help="key=value:Effect,... taints to register with")

    proxy = sub.add_parser("proxy", aliases=ALIASES["proxy"], help=COMPONENTS["proxy"],
                           description="kube-proxy for one node.")
    _client_flags(proxy, node=True)
    proxy.add_argument("--proxy-mode", default="iptables",
                       choices=("iptables", "ipvs", "userspace"))
    proxy.add_argument("--cluster-cidr", default="10.244.0.0/16")
    proxy.add_argument("--rules-file", default="",
                       help="keep the node's rules here (iptables-save / ipvsadm -Ln), "
                            "rewritten after every sync")


def canonical(component: str) -> str:
    """``kube-scheduler`` → ``scheduler`` (the aliases)."""
    for name, aliases in ALIASES.items():
        if component == name or component in aliases:
            return name
    raise ValueError(f"unknown component {component!r}")
