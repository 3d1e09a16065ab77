"""A container's environment, as the kubelet builds it.

Upstream: ``pkg/kubelet/kubelet_pods.go`` (``makeEnvironmentVariables``,
``podFieldSelectorRuntimeValue``) and ``pkg/kubelet/envvars/envvars.go`` (``FromServices``).

In order, later sources overriding earlier ones:

1. *service links* (``enableServiceLinks``, on by default): for every Service with a cluster IP
   in the pod's namespace — and the ``kubernetes`` Service of ``default`` — ``KUBIA_SERVICE_HOST``,
   ``KUBIA_SERVICE_PORT``, ``KUBIA_SERVICE_PORT_<NAME>``, and the Docker-link variables
   ``KUBIA_PORT=tcp://10.96.0.7:80``, ``KUBIA_PORT_80_TCP...``. Only Services that exist when the
   container starts are there: the reason DNS, not environment variables, is the way to find a
   Service created later;
2. ``envFrom`` (ConfigMaps and Secrets, with ``prefix``);
3. ``env``: literal values with ``$(VAR)`` expanded from the variables before them, and
   ``valueFrom`` — ``fieldRef`` (the downward API: ``metadata.name``, ``status.podIP``...),
   ``resourceFieldRef``, ``configMapKeyRef``, ``secretKeyRef``.

A missing ConfigMap/Secret (or key) that is not ``optional`` fails the container with
``CreateContainerConfigError`` and upstream's message (``configmap "cfg" not found``,
``couldn't find key LEVEL in ConfigMap default/cfg``).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from ...api.validation.quantity import parse_quantity
from .kuberuntime import ContainerConfigError, _expand

__all__ = ["Getter", "make_environment", "service_env"]

JSON = dict[str, Any]
#: ``(resource, namespace, name) -> object or None`` (None: not found)
Getter = Callable[[str, str, str], JSON | None]

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def _var(name: str) -> str:
    """``makeEnvVariableName``."""
    return name.upper().replace("-", "_")


def service_env(services: Iterable[JSON]) -> dict[str, str]:
    """``FromServices``."""
    out: dict[str, str] = {}
    for svc in services:
        spec = svc.get("spec") or {}
        ip = spec.get("clusterIP") or ""
        ports = spec.get("ports") or []
        if ip in ("", "None") or not ports:
            continue
        prefix = _var(svc["metadata"]["name"])
        out[f"{prefix}_SERVICE_HOST"] = ip
        out[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
        for p in ports:
            if p.get("name"):
                out[f"{prefix}_SERVICE_PORT_{_var(p['name'])}"] = str(p.get("port"))
        for i, p in enumerate(ports):
            proto = str(p.get("protocol") or "TCP")
            hostport = f"[{ip}]:{p.get('port')}" if ":" in ip else f"{ip}:{p.get('port')}"
            url = f"{proto.lower()}://{hostport}"
            if i == 0:
                out[f"{prefix}_PORT"] = url
            pp = f"{prefix}_PORT_{p.get('port')}_{proto.upper()}"
            out[pp] = url
            out[f"{pp}_PROTO"] = proto.lower()
            out[f"{pp}_PORT"] = str(p.get("port"))
            out[f"{pp}_ADDR"] = ip
    return out


def _field_value(pod: JSON, path: str) -> str:
    """``podFieldSelectorRuntimeValue`` + ``ExtractFieldPathAsString``."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    if path in ("metadata.labels", "metadata.annotations"):
        items = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{v}"' for k, v in sorted(items.items()))
    simple = {
        "metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""), "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": status.get("hostIP", ""), "status.podIP": status.get("podIP", ""),
        "status.hostIPs": ",".join(i.get("ip", "") for i in status.get("hostIPs") or []),
        "status.podIPs": ",".join(i.get("ip", "") for i in status.get("podIPs") or []),
    }
    if path not in simple:
        raise ContainerConfigError(f'unsupported fieldPath: "{path}"')
    return str(simple[path] or "")


def _resource_value(pod: JSON, container: JSON, ref: JSON, allocatable: JSON) -> str:
    """``ExtractResourceValueByContainerName``: limits default to the node's allocatable."""
    target = container
    if ref.get("containerName"):
        target = next((c for c in (pod.get("spec") or {}).get("containers") or []
                       if c.get("name") == ref["containerName"]), container)
    kind, _, res = str(ref.get("resource", "")).partition(".")
    resources = target.get("resources") or {}
    value = (resources.get(kind) or {}).get(res)
    if value is None and kind == "limits":
        value = allocatable.get(res)
    if value is None:
        value = "0"
    divisor = parse_quantity(ref.get("divisor") or "1").as_fraction()
    amount = parse_quantity(value).as_fraction() / divisor
    return str(math.ceil(amount))


def make_environment(pod: JSON, container: JSON, *, services: Iterable[JSON], get: Getter,
                     pod_ip: str, host_ip: str, allocatable: JSON | None = None
                     ) -> dict[str, str]:
    """The container's environment (raises :class:`ContainerConfigError`)."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    ns = meta.get("namespace", "")
    pod_view = {**pod, "status": {**(pod.get("status") or {})}}
    if pod_ip:
        pod_view["status"]["podIP"] = pod_ip
        pod_view["status"]["podIPs"] = [{"ip": pod_ip}]
    if host_ip:
        pod_view["status"]["hostIP"] = host_ip
        pod_view["status"]["hostIPs"] = [{"ip": host_ip}]
    relevant = [s for s in services
                if (s["metadata"].get("namespace") == "default" and
                    s["metadata"].get("name") == "kubernetes") or
                (spec.get("enableServiceLinks", True) and s["metadata"].get("namespace") == ns)]
    env = service_env(sorted(relevant, key=lambda s: s["metadata"]["name"]))
    declared: dict[str, str] = {}
    for src in container.get("envFrom") or []:
        prefix = src.get("prefix", "")
        if src.get("configMapRef"):
            ref = src["configMapRef"]
            obj = get("configmaps", ns, ref.get("name", ""))
            if obj is None:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(f'configmap "{ref.get("name", "")}" not found')
            data = dict(obj.get("data") or {})
        elif src.get("secretRef"):
            ref = src["secretRef"]
            obj = get("secrets", ns, ref.get("name", ""))
            if obj is None:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(f'secret "{ref.get("name", "")}" not found')
            data = {k: _b64(v) for k, v in (obj.get("data") or {}).items()}
            data.update(obj.get("stringData") or {})
        else:
            continue
        for k, v in data.items():
            if _ENV_NAME.match(prefix + k):
                declared[prefix + k] = v
    for e in container.get("env") or []:
        name = e.get("name", "")
        if "valueFrom" not in e or e.get("value") is not None:
            declared[name] = _expand(str(e.get("value") or ""), {**env, **declared})
            continue
        vf = e.get("valueFrom") or {}
        if vf.get("fieldRef"):
            declared[name] = _field_value(pod_view, vf["fieldRef"].get("fieldPath", ""))
        elif vf.get("resourceFieldRef"):
            declared[name] = _resource_value(pod, container, vf["resourceFieldRef"],
                                             allocatable or {})
        elif vf.get("configMapKeyRef") or vf.get("secretKeyRef"):
            value = _key_ref(get, ns, vf)
            if value is not None:
                declared[name] = value
    env.update(declared)
    return env


#: ``configMapKeyRef`` / ``secretKeyRef``: the resource, and the kind as the two error texts
#: spell it
_KEY_REFS = {
    "configMapKeyRef": ("configmaps", "configmap", "ConfigMap"),
    "secretKeyRef": ("secrets", "secret", "Secret"),
}


def _key_ref(get: Getter, ns: str, vf: JSON) -> str | None:
    """A ``configMapKeyRef`` or ``secretKeyRef`` value; ``None`` when it is optional and
    missing (the variable is left out), ``ContainerConfigError`` when it is required."""
    field = "configMapKeyRef" if vf.get("configMapKeyRef") else "secretKeyRef"
    resource, lower, kind = _KEY_REFS[field]
    ref = vf[field]
    obj = get(resource, ns, ref.get("name", ""))
    if obj is None:
        if ref.get("optional"):
            return None
        raise ContainerConfigError(f'{lower} "{ref.get("name", "")}" not found')
    data = obj.get("data") or {}
    if ref.get("key") not in data:
        if ref.get("optional"):
            return None
        raise ContainerConfigError(f"couldn't find key {ref.get('key')} in {kind} "
                                   f"{ns}/{ref.get('name')}")
    value = data[ref["key"]]
    return _b64(value) if field == "secretKeyRef" else str(value)  # Secret data is base64


def _b64(value: Any) -> str:
    try:
        return base64.b64decode(str(value)).decode("utf-8", errors="replace")
    except (ValueError, TypeError):
        return str(value)
