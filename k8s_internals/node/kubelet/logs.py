"""Container logs: what ``kubectl logs`` reads, through the API server, from the kubelet.

``GET /api/v1/namespaces/default/pods/web/log`` is answered by the API server from the kubelet
of the pod's node (``pkg/registry/core/pod/rest/log.go`` → ``LogLocation`` →
``https://<node>:10250/containerLogs/...``); the kubelet reads the runtime's log file
(``pkg/kubelet/kubelet_pods.go`` ``GetContainerLogs`` → ``validateContainerLogStatus``).

The errors are upstream's, all ``400 Bad Request``:

- ``a container name must be specified for pod web, choose one of: [app sidecar]``
  (several containers, none named);
- ``container nope is not valid for pod web``;
- ``container "app" in pod "web" is waiting to start: ContainerCreating`` (or ``image can't be
  pulled``, ``trying and failing to pull image``);
- ``previous terminated container "app" in pod "web" not found``.

A crash-looping container's logs are those of its last run (its ``lastState``); ``previous``
(``-p``) gives the run before the current one.

:func:`make_log_provider` builds what the API server calls for ``pods/log``
(``server.log_provider = make_log_provider(lambda node: kubelets.get(node))``).

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ...api import errors

if TYPE_CHECKING:
    from .kubelet import Kubelet

__all__ = ["LogOptions", "container_names", "make_log_provider", "validate_container_log_status"]

JSON = dict[str, Any]


class LogOptions:
    """``PodLogOptions`` (the query parameters of ``pods/log``)."""

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        p = dict(params or {})
        self.container = str(p.get("container") or "")
        self.previous = str(p.get("previous", "")).lower() in ("true", "1")
        self.timestamps = str(p.get("timestamps", "")).lower() in ("true", "1")
        self.tail_lines = int(p["tailLines"]) if p.get("tailLines") not in (None, "") else None
        self.since_seconds = (int(p["sinceSeconds"]) if p.get("sinceSeconds") not in (None, "")
                              else None)
        self.limit_bytes = (int(p["limitBytes"]) if p.get("limitBytes") not in (None, "")
                            else None)


def container_names(pod: JSON) -> tuple[list[str], list[str]]:
    spec = pod.get("spec") or {}
    return ([c["name"] for c in spec.get("containers") or []],
            [c["name"] for c in spec.get("initContainers") or []])


def choose_container(pod: JSON, container: str) -> str:
    """The API server's ``LogLocation`` checks."""
    name = (pod.get("metadata") or {}).get("name", "")
    regular, init = container_names(pod)
    if not container:
        if len(regular) == 1:
            return regular[0]
        msg = (f"a container name must be specified for pod {name}, choose one of: "
               f"[{' '.join(regular)}]")
        if init:
            msg += f" or one of the init containers: [{' '.join(init)}]"
        raise errors.bad_request(msg)
    if container not in regular and container not in init:
        raise errors.bad_request(f"container {container} is not valid for pod {name}")
    return container


def validate_container_log_status(pod_name: str, status: JSON, container: str,
                                  previous: bool) -> str:
    """``validateContainerLogStatus``: the container id whose log to read."""
    cs = next((c for key in ("containerStatuses", "initContainerStatuses",
                             "ephemeralContainerStatuses")
               for c in status.get(key) or [] if c.get("name") == container), None)
    if cs is None:
        raise errors.bad_request(f'container "{container}" in pod "{pod_name}" is not available')
    state = cs.get("state") or {}
    last = (cs.get("lastState") or {}).get("terminated")
    if previous:
        if not last or not last.get("containerID"):
            raise errors.bad_request(f'previous terminated container "{container}" in pod '
                                     f'"{pod_name}" not found')
        return str(last["containerID"])
    if "running" in state:
        return str(cs.get("containerID", ""))
    if "terminated" in state:
        cid = state["terminated"].get("containerID")
        if cid:
            return str(cid)
        if last and last.get("containerID"):
            return str(last["containerID"])
        raise errors.bad_request(f'container "{container}" in pod "{pod_name}" is terminated')
    if last is not None:
        if not last.get("containerID"):
            raise errors.bad_request(f'container "{container}" in pod "{pod_name}" is '
                                     "terminated")
        return str(last["containerID"])
    if "waiting" in state:
        reason = (state["waiting"] or {}).get("reason", "")
        if reason == "ErrImagePull":
            detail = "image can't be pulled"
        elif reason == "ImagePullBackOff":
            detail = "trying and failing to pull image"
        else:
            detail = reason
        raise errors.bad_request(f'container "{container}" in pod "{pod_name}" is waiting to '
                                 f"start: {detail}")
    raise errors.bad_request(f'container "{container}" in pod "{pod_name}" is waiting to start '
                             "- no logs yet")


def make_log_provider(kubelet_for: Callable[[str], Kubelet | None]
                      ) -> Callable[[JSON, Mapping[str, Any]], str]:
    """What the API server calls for ``pods/log``: ``provider(pod, params) -> text``.

    ``kubelet_for(node_name)`` returns the kubelet of that node (None if there is none)."""
    def provider(pod: JSON, params: Mapping[str, Any]) -> str:
        opts = LogOptions(params)
        name = (pod.get("metadata") or {}).get("name", "")
        container = choose_container(pod, opts.container)
        node = (pod.get("spec") or {}).get("nodeName") or ""
        if not node:
            raise errors.bad_request(f"pod {name} does not have a host assigned")
        kubelet = kubelet_for(node)
        if kubelet is None or kubelet.stopped:
            host = kubelet.node_ip if kubelet is not None else node
            ns = (pod.get("metadata") or {}).get("namespace")
            raise errors.StatusError({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": f'Get "https://{host}:10250/containerLogs/{ns}/{name}/{container}":'
                           f" dial tcp {host}:10250: connect: connection refused",
                "code": 500})
        return kubelet.container_logs(pod, container, previous=opts.previous,
                                      tail_lines=opts.tail_lines, timestamps=opts.timestamps,
                                      since_seconds=opts.since_seconds,
                                      limit_bytes=opts.limit_bytes)
    # ``exec`` finds the kubelets through the same lookup (see :mod:`.exec`)
    provider.__dict__["kubelet_for"] = kubelet_for
    return provider
