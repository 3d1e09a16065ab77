"""``k8s-internals run controller-manager | scheduler | kubelet | proxy``: each component as
its own process, through :mod:`.lifecycle`'s connection and leader election."""

from __future__ import annotations

import argparse
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .lifecycle import (
    _announce,
    _identity,
    _log,
    _run_component,
    connect,
)


def _select_controllers(spec: str) -> list[Any]:
    from ..controllers.manager import CONTROLLERS

    names = [n.strip() for n in spec.split(",") if n.strip()]
    known = {c.name for c in CONTROLLERS}
    for n in names:
        if n not in ("*",) and n.lstrip("-") not in known:
            raise SystemExit(f'"{n.lstrip("-")}" is not in the list of known controllers')
    every = "*" in names
    return [c for c in CONTROLLERS
            if f"-{c.name}" not in names and (every or c.name in names)]


def _elector_tuning(args: argparse.Namespace) -> dict[str, float]:
    out = {}
    for flag, attr in (("leader_elect_lease_duration", "lease_duration"),
                       ("leader_elect_renew_deadline", "renew_deadline"),
                       ("leader_elect_retry_period", "retry_period")):
        value = getattr(args, flag, None)
        if value is not None:
            out[attr] = value
    return out


def run_controller_manager(args: argparse.Namespace, ready: threading.Event | None = None,
                           stop: threading.Event | None = None) -> int:
    from ..cluster.components import new_controller_manager

    name = "kube-controller-manager"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    controllers = _select_controllers(args.controllers)

    def build() -> Any:
        cm = new_controller_manager(
            conn.client, conn.driver.kernel, identity=_identity(), controllers=controllers,
            leader_elect=args.leader_elect,
            use_service_account_credentials=args.use_service_account_credentials)
        if cm.elector is not None:
            for attr, value in _elector_tuning(args).items():
                setattr(cm.elector, attr, value)
            _announce(cm.elector, name)
        return cm

    return _run_component(name, conn, build, lambda cm: cm.run(), lambda cm: cm.stop(),
                          f"{len(controllers)} controllers"
                          + (" behind leader election" if args.leader_elect else ""),
                          ready, stop)


def run_scheduler(args: argparse.Namespace, ready: threading.Event | None = None,
                  stop: threading.Event | None = None) -> int:
    from ..scheduler import Scheduler, load_config
    from ..serve import tune_gc

    name = "kube-scheduler"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    config = load_config(Path(args.config).read_text() if args.config else None)
    le = config.leader_election
    if args.leader_elect is not None:
        le.leader_elect = args.leader_elect
    elif not args.config:
        le.leader_elect = True  # upstream's default (the in-process one runs alone)
    for attr, value in _elector_tuning(args).items():
        setattr(le, attr, value)

    def build() -> Any:
        s = Scheduler(conn.client, conn.driver.kernel, config, identity=_identity(),
                      hostname=socket.gethostname())

        def said(attempt: Any) -> None:
            if attempt.selected_node:
                _log(name, f"{attempt.pod} -> {attempt.selected_node}")
            elif attempt.message:
                _log(name, f"{attempt.pod}: {attempt.message}")

        s.observers.append(said)
        return s

    restore_gc: list[Callable[[], None]] = []

    def start(s: Any) -> None:
        s.run()  # makes the elector and queues its first try (on this, the loop thread)
        if s.elector is not None:
            _announce(s.elector, name)
        # a long-running process, tuned as ``serve``: what the boot made is frozen out of the
        # collector's scans, the young generation collected every 50,000 allocations
        restore_gc.append(tune_gc())

    def halt(s: Any) -> None:
        s.stop()
        while restore_gc:
            restore_gc.pop()()

    return _run_component(name, conn, build, start, halt,
                          "scheduling" + (" behind leader election" if le.leader_elect
                                          else ""), ready, stop)


def _labels(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        if item.strip():
            k, _, v = item.strip().partition("=")
            out[k] = v
    return out


def _taints(text: str) -> list[dict[str, str]]:
    out = []
    for item in text.split(","):
        if not item.strip():
            continue
        kv, _, effect = item.strip().rpartition(":")
        k, _, v = kv.partition("=")
        taint = {"key": k, "effect": effect}
        if v:
            taint["value"] = v
        out.append(taint)
    return out


def run_kubelet(args: argparse.Namespace, ready: threading.Event | None = None,
                stop: threading.Event | None = None) -> int:
    from ..node.kubelet.kubelet import Kubelet

    name = "kubelet"
    conn = connect(args.kubeconfig, name, args.node, seed=args.seed)

    def build() -> Any:
        return Kubelet(conn.client, conn.driver.kernel, args.node,
                       capacity={"cpu": args.cpu, "memory": args.memory,
                                 "pods": str(args.max_pods)},
                       labels=_labels(args.node_labels), taints=_taints(args.register_with_taints),
                       pod_cidr=args.pod_cidr or None, node_ip=args.node_ip or None)

    return _run_component(name, conn, build, lambda k: k.start(), lambda k: k.stop(),
                          f"node {args.node}", ready, stop)


def run_proxy(args: argparse.Namespace, ready: threading.Event | None = None,
              stop: threading.Event | None = None) -> int:
    from ..cluster.components import new_kube_proxy

    name = "kube-proxy"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    last: list[str] = [""]

    def build() -> Any:
        proxy = new_kube_proxy(conn.client, conn.driver.kernel, args.node, args.proxy_mode,
                               cluster_cidr=args.cluster_cidr)

        def synced(record: Any) -> None:
            rules = proxy.ipvsadm() if args.proxy_mode == "ipvs" else proxy.iptables_save()
            if rules == last[0]:
                return
            last[0] = rules
            _log(name, f"synced {record.services} service ports, {record.endpoints} endpoints "
                       f"({'; '.join(record.reasons)}): {len(rules.splitlines())} lines of "
                       "rules")
            if args.rules_file:
                Path(args.rules_file).write_text(rules)

        proxy.on_sync(synced)
        return proxy

    return _run_component(name, conn, build, lambda p: p.run(), lambda p: p.stop(),
                          f"node {args.node}, {args.proxy_mode} mode", ready, stop)
