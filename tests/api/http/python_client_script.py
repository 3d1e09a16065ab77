"""What a user of the official Python client (``kubernetes`` on PyPI) does against
``k8s-internals serve``; run by ``test_python_client_versions.py`` in each client's own venv.

    python python_client_script.py KUBECONFIG NAME [TIMEOUT]

Lists namespaces, nodes and pods, creates a Deployment ``NAME`` (2 replicas) in ``default``,
checks the errors (409 on a second create, 404 on a missing one), watches its pods with
``watch.Watch().stream(...)`` from the list's resourceVersion until both are Running, then the
Deployment (a field selector) until its status says both are ready; deletes it, creates and
deletes a ServiceAccount (a DELETE that answers with the object) and prints one JSON summary on
stdout. Written for both generations of the client: the classic one
(36.x and older: dicts accepted as bodies) and the pydantic rewrite (37.x: model classes only,
replies validated strictly); the version is read from the package.

Depends on nothing but the client (it runs in a venv without this project).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

import kubernetes
from kubernetes import client, config, watch

try:  # 36.x and 37.x bring a SharedInformer (list, then watch, a local cache)
    from kubernetes.informer import SharedInformer
except ImportError:  # older clients have none
    SharedInformer = None

VERSION = kubernetes.__version__
MAJOR = int(VERSION.split(".")[0])
PYDANTIC = MAJOR >= 37  # the rewrite: no dict bodies, strict replies


def deployment(name: str) -> Any:
    labels = {"app": name}
    if PYDANTIC:
        return client.V1Deployment(
            api_version="apps/v1", kind="Deployment",
            metadata=client.V1ObjectMeta(name=name, labels=labels),
            spec=client.V1DeploymentSpec(
                replicas=2,
                selector=client.V1LabelSelector(match_labels=labels),
                template=client.V1PodTemplateSpec(
                    metadata=client.V1ObjectMeta(labels=labels),
                    spec=client.V1PodSpec(containers=[client.V1Container(
                        name="web", image="nginx:1.27",
                        ports=[client.V1ContainerPort(container_port=80)])]))))
    # the classic client takes a plain dict, as most scripts written for it do
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{
                                      "name": "web", "image": "nginx:1.27",
                                      "ports": [{"containerPort": 80}]}]}}}}


def main(kubeconfig: str, name: str, timeout: float) -> dict[str, Any]:
    api = config.new_client_from_config(config_file=kubeconfig)
    v1 = client.CoreV1Api(api)
    apps = client.AppsV1Api(api)
    out: dict[str, Any] = {"client": VERSION, "pydantic": PYDANTIC}
    out["server_minor"] = client.VersionApi(api).get_code().minor
    out["namespaces"] = sorted(n.metadata.name for n in v1.list_namespace().items)
    out["nodes"] = sorted(n.metadata.name for n in v1.list_node().items)
    out["all_pods"] = len(v1.list_pod_for_all_namespaces().items)

    # list first (none yet), create, then watch from the list's resourceVersion: the watch
    # sees the pods ADDED, then MODIFIED until both are Running
    selector = f"app={name}"
    listed = v1.list_namespaced_pod("default", label_selector=selector)
    out["pods_before"] = len(listed.items)
    rv = listed.metadata.resource_version
    informer = None
    if SharedInformer is not None:
        informer = SharedInformer(v1.list_namespaced_pod, namespace="default",
                                  label_selector=selector)
        errors: list[str] = []
        informer.add_event_handler("ERROR", lambda e: errors.append(repr(e)))
        informer.start()
    made = apps.create_namespaced_deployment("default", deployment(name))
    out["created"] = {"name": made.metadata.name, "uid": bool(made.metadata.uid),
                      "kind": made.kind, "replicas": made.spec.replicas,
                      "strategy": made.spec.strategy.type}
    try:
        apps.create_namespaced_deployment("default", deployment(name))
    except client.ApiException as e:
        out["conflict"] = e.status
    try:
        apps.read_namespaced_deployment(name + "-missing", "default")
    except client.ApiException as e:
        out["missing"] = e.status
    if PYDANTIC:  # the rewrite refuses a dict body before sending anything
        try:
            apps.create_namespaced_deployment("default", {"metadata": {"name": name}})
        except client.ApiException:
            out["dict_body"] = "sent"
        except Exception as e:
            out["dict_body"] = type(e).__name__

    phases: dict[str, str] = {}
    events: list[str] = []
    deadline = time.monotonic() + timeout

    def running() -> bool:
        return len(phases) >= 2 and all(p == "Running" for p in phases.values())

    while not running() and time.monotonic() < deadline:
        w = watch.Watch()
        for ev in w.stream(v1.list_namespaced_pod, "default", label_selector=selector,
                           resource_version=rv, timeout_seconds=5):
            pod = ev["object"]
            events.append(ev["type"])
            rv = pod.metadata.resource_version
            if ev["type"] == "DELETED":
                phases.pop(pod.metadata.name, None)
            else:
                phases[pod.metadata.name] = pod.status.phase
            if running() or time.monotonic() > deadline:
                w.stop()
                break
    out["running"] = sorted(n for n, p in phases.items() if p == "Running")
    out["event_types"] = sorted(set(events))
    pods = v1.list_namespaced_pod("default", label_selector=selector).items
    out["pod_ips"] = sum(1 for p in pods if p.status.pod_ip)
    out["owner_kinds"] = sorted({r.kind for p in pods for r in p.metadata.owner_references or []})

    if informer is not None:  # its cache follows the same pods
        def cached() -> list[str]:
            return sorted(p.metadata.name for p in informer.cache.list()
                          if p.status.phase == "Running")

        while cached() != out["running"] and time.monotonic() < deadline:
            time.sleep(0.1)
        out["informer"] = {"running": cached(), "errors": list(errors)}
        # stop() shuts the watch's socket: the loop then logs (and fires ERROR for) the
        # interrupted stream, whatever the server; that is not the server's doing
        logging.getLogger(SharedInformer.__module__).disabled = True
        informer.stop()

    # then the Deployment itself, watched by name until its status says both are ready
    ready = None
    while ready != 2 and time.monotonic() < deadline:
        w = watch.Watch()
        for ev in w.stream(apps.list_namespaced_deployment, "default",
                           field_selector=f"metadata.name={name}", timeout_seconds=5):
            ready = ev["object"].status.ready_replicas
            if ready == 2 or time.monotonic() > deadline:
                w.stop()
                break
    got = apps.read_namespaced_deployment(name, "default")
    out["deployment_status"] = {
        "replicas": got.status.replicas, "ready": got.status.ready_replicas,
        "available": got.status.available_replicas,
        "conditions": sorted(c.type for c in got.status.conditions or [])}
    gone = apps.delete_namespaced_deployment(name, "default")  # 37.x: a plain dict
    out["deleted"] = gone["status"] if isinstance(gone, dict) else gone.status
    # a registry that answers a DELETE with the deleted object (37.x validates it as one)
    sa = (client.V1ServiceAccount(metadata=client.V1ObjectMeta(name=name)) if PYDANTIC else
          {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}})
    v1.create_namespaced_service_account("default", sa)
    out["service_account_deleted"] = v1.delete_namespaced_service_account(name, "default").kind
    return out


if __name__ == "__main__":
    summary = main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 60)
    print(json.dumps(summary, sort_keys=True))
