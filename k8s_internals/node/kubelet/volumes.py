"""Pod volumes on the node, and what a container sees of them.

Upstream: ``pkg/kubelet/volumemanager`` (``WaitForAttachAndMount``) and the volume plugins in
``pkg/volume/`` (``emptydir``, ``hostpath``, ``configmap``, ``secret``, ``downwardapi``,
``projected``). A volume is set up once per pod, before its containers start; a container sees
the volumes named in its ``volumeMounts`` at their ``mountPath``.

- ``emptyDir``: an empty directory shared by the pod's containers, gone with the pod;
- ``hostPath``: a directory of the node (kept by the kubelet across pods);
- ``configMap`` / ``secret``: the object's keys as files (``items`` to pick and rename);
- ``downwardAPI``: pod fields as files;
- ``projected``: several of those in one directory — the ``kube-api-access-*`` volume every pod
  gets (``token`` from a TokenRequest bound to the pod, ``ca.crt`` from the
  ``kube-root-ca.crt`` ConfigMap, ``namespace``);
- ``persistentVolumeClaim``: a directory kept by the kubelet per claim (no real storage backend).

A volume that cannot be set up (a missing ConfigMap) keeps the pod in ``ContainerCreating`` with
a ``FailedMount`` event — ``MountVolume.SetUp failed for volume "config" : configmap "app"
not found`` — and is retried with upstream's exponential back-off (0.5 s doubling to 2m2s).

Contents are read when the pod's volumes are set up; later changes to a ConfigMap are not
propagated (upstream refreshes them within a minute).
"""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Callable
from typing import Any

from ..process import Mount
from .envvars import _field_value

__all__ = ["MountError", "VolumeManager"]

JSON = dict[str, Any]
#: ``(resource, namespace, name) -> object or None``
Getter = Callable[[str, str, str], JSON | None]
#: ``(namespace, service account, pod) -> token``
TokenSource = Callable[[str, str, JSON, JSON], str]

#: ``initialDurationBeforeRetry`` / ``maxDurationBeforeRetry`` of the operation executor
INITIAL_RETRY = 0.5
MAX_RETRY = 122.0


class MountError(Exception):
    """``MountVolume.SetUp failed for volume "x" : ...``."""

    def __init__(self, volume: str, reason: str) -> None:
        super().__init__(f'MountVolume.SetUp failed for volume "{volume}" : {reason}')
        self.volume = volume
        self.reason = reason


def _items(data: dict[str, str], items: list[JSON] | None, kind: str, ns: str, name: str,
           optional: bool) -> dict[str, str]:
    if not items:
        return dict(data)
    out = {}
    for it in items:
        key = it.get("key", "")
        if key not in data:
            if optional:
                continue
            raise KeyError(f'configmap references non-existent config key: {key}' if
                           kind == "configmap" else
                           f"references non-existent secret key: {key}")
        out[it.get("path", key)] = data[key]
    return out


class VolumeManager:
    """The kubelet's volumes for every pod on the node."""

    def __init__(self, get: Getter, token: TokenSource) -> None:
        self.get = get
        self.token = token
        self.pods: dict[str, dict[str, dict[str, str]]] = {}
        self.host_paths: dict[str, dict[str, str]] = {}
        self.claims: dict[str, dict[str, str]] = {}
        self.failures: dict[str, tuple[int, float]] = {}

    def mounted(self, uid: str) -> bool:
        return uid in self.pods

    def setup(self, pod: JSON) -> dict[str, dict[str, str]]:
        """Set up every volume of the pod (raises :class:`MountError`)."""
        uid = str(pod["metadata"].get("uid", ""))
        existing = self.pods.get(uid)
        if existing is not None:
            return existing
        out: dict[str, dict[str, str]] = {}
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            name = vol.get("name", "")
            try:
                out[name] = self._setup_one(pod, vol)
            except KeyError as exc:
                raise MountError(name, str(exc.args[0])) from None
        self.pods[uid] = out
        self.failures.pop(uid, None)
        return out

    def retry_delay(self, uid: str) -> float:
        """Exponential back-off between failed set-ups of one pod."""
        count, _ = self.failures.get(uid, (0, 0.0))
        delay = min(INITIAL_RETRY * (2 ** count), MAX_RETRY)
        self.failures[uid] = (count + 1, delay)
        return delay

    def teardown(self, uid: str) -> None:
        self.pods.pop(uid, None)
        self.failures.pop(uid, None)

    def _setup_one(self, pod: JSON, vol: JSON) -> dict[str, str]:
        meta = pod["metadata"]
        ns = meta.get("namespace", "")
        if "hostPath" in vol:
            path = (vol["hostPath"] or {}).get("path", "/")
            return self.host_paths.setdefault(path, {})
        if "configMap" in vol:
            src = vol["configMap"] or {}
            return self._configmap(ns, src)
        if "secret" in vol:
            src = vol["secret"] or {}
            return self._secret(ns, src, src.get("secretName", ""))
        if "downwardAPI" in vol:
            return self._downward(pod, (vol["downwardAPI"] or {}).get("items") or [])
        if "projected" in vol:
            files: dict[str, str] = {}
            for source in (vol["projected"] or {}).get("sources") or []:
                if "serviceAccountToken" in source:
                    sat = source["serviceAccountToken"] or {}
                    files[sat.get("path", "token")] = self.token(
                        ns, (pod.get("spec") or {}).get("serviceAccountName") or "default",
                        pod, sat)
                elif "configMap" in source:
                    files.update(self._configmap(ns, source["configMap"] or {}))
                elif "secret" in source:
                    files.update(self._secret(ns, source["secret"] or {},
                                              (source["secret"] or {}).get("name", "")))
                elif "downwardAPI" in source:
                    files.update(self._downward(pod, (source["downwardAPI"] or {}).get("items")
                                                or []))
            return files
        if "persistentVolumeClaim" in vol:
            claim = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            return self.claims.setdefault(f"{ns}/{claim}", {})
        return {}  # emptyDir and the volume types the simulator does not model

    def _configmap(self, ns: str, src: JSON) -> dict[str, str]:
        name = src.get("name", "")
        obj = self.get("configmaps", ns, name)
        if obj is None:
            if src.get("optional"):
                return {}
            raise KeyError(f'configmap "{name}" not found')
        data = {k: str(v) for k, v in (obj.get("data") or {}).items()}
        return _items(data, src.get("items"), "configmap", ns, name, bool(src.get("optional")))

    def _secret(self, ns: str, src: JSON, name: str) -> dict[str, str]:
        obj = self.get("secrets", ns, name)
        if obj is None:
            if src.get("optional"):
                return {}
            raise KeyError(f'secret "{name}" not found')
        data = {}
        for k, v in (obj.get("data") or {}).items():
            try:
                data[k] = base64.b64decode(str(v)).decode("utf-8", errors="replace")
            except ValueError:
                data[k] = str(v)
        return _items(data, src.get("items"), "secret", ns, name, bool(src.get("optional")))

    @staticmethod
    def _downward(pod: JSON, items: list[JSON]) -> dict[str, str]:
        out = {}
        for it in items:
            ref = it.get("fieldRef") or {}
            if ref.get("fieldPath"):
                out[it.get("path", "")] = _field_value(pod, ref["fieldPath"])
        return out

    def mounts(self, pod: JSON, container: JSON) -> list[Mount]:
        """The container's ``volumeMounts`` over the pod's volumes."""
        uid = str(pod["metadata"].get("uid", ""))
        volumes = self.pods.get(uid, {})
        out = []
        for vm in container.get("volumeMounts") or []:
            files = volumes.get(vm.get("name", ""))
            if files is None:
                continue
            path = posixpath.normpath(vm.get("mountPath", "/"))
            sub = vm.get("subPath")
            if sub and sub in files:  # one file of the volume, at mountPath
                out.append(Mount(path, {".": files[sub]}, bool(vm.get("readOnly")),
                                 vm.get("name", ""), file=True))
                continue
            if sub:  # a directory of the volume
                prefix = sub.rstrip("/") + "/"
                files = {k[len(prefix):]: v for k, v in files.items() if k.startswith(prefix)}
            out.append(Mount(path, files, bool(vm.get("readOnly")), vm.get("name", "")))
        return out
