"""A dict-backed :class:`AdmissionContext` for the admission plugin tests, and helpers that build
:class:`Attributes` the way the API server does."""

from __future__ import annotations

import copy
from random import Random
from typing import Any

import pytest

from k8s_internals.api import errors
from k8s_internals.api.admission.interfaces import Attributes, Operation
from k8s_internals.api.user import UserInfo

Obj = dict[str, Any]

ADMIN = UserInfo("admin", groups=("system:masters", "system:authenticated"))

_KINDS = {
    ("", "pods"): ("v1", "Pod"),
    ("", "namespaces"): ("v1", "Namespace"),
    ("", "configmaps"): ("v1", "ConfigMap"),
    ("", "secrets"): ("v1", "Secret"),
    ("", "services"): ("v1", "Service"),
    ("", "events"): ("v1", "Event"),
    ("", "nodes"): ("v1", "Node"),
    ("", "persistentvolumeclaims"): ("v1", "PersistentVolumeClaim"),
    ("", "persistentvolumes"): ("v1", "PersistentVolume"),
    ("", "replicationcontrollers"): ("v1", "ReplicationController"),
    ("", "resourcequotas"): ("v1", "ResourceQuota"),
    ("", "limitranges"): ("v1", "LimitRange"),
    ("", "serviceaccounts"): ("v1", "ServiceAccount"),
    ("apps", "deployments"): ("v1", "Deployment"),
    ("scheduling.k8s.io", "priorityclasses"): ("v1", "PriorityClass"),
    ("coordination.k8s.io", "leases"): ("v1", "Lease"),
    ("storage.k8s.io", "csinodes"): ("v1", "CSINode"),
    ("authorization.k8s.io", "localsubjectaccessreviews"): ("v1", "LocalSubjectAccessReview"),
}


class FakeContext:
    """``AdmissionContext`` over a dict ``(group, resource, namespace, name) -> object``.

    ``update_status`` checks ``metadata.resourceVersion`` like the real store and bumps it;
    ``conflicts`` makes the next N status writes fail with a 409 (as if someone else wrote
    first), bumping the stored resourceVersion."""

    def __init__(self, seed: int = 0) -> None:
        self.objects: dict[tuple[str, str, str, str], Obj] = {}
        self._rng = Random(seed)
        self.clock = 0.0
        self.revision = 1
        self.conflicts = 0
        self.status_writes: list[Obj] = []

    # -- test setup --------------------------------------------------------------------------

    def add(self, group: str, resource: str, obj: Obj) -> Obj:
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        self.revision += 1
        meta.setdefault("resourceVersion", str(self.revision))
        meta.setdefault("uid", f"uid-{meta['name']}")
        key = (group, resource, meta.get("namespace", ""), meta["name"])
        self.objects[key] = obj
        return obj

    def namespace(self, name: str, phase: str = "Active") -> Obj:
        return self.add("", "namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                           "metadata": {"name": name},
                                           "status": {"phase": phase}})

    # -- AdmissionContext --------------------------------------------------------------------

    def get(self, group: str, resource: str, namespace: str, name: str) -> Obj | None:
        obj = self.objects.get((group, resource, namespace, name))
        return copy.deepcopy(obj) if obj is not None else None

    def list(self, group: str, resource: str, namespace: str = "") -> list[Obj]:
        keys = sorted(k for k in self.objects
                      if k[0] == group and k[1] == resource and (not namespace
                                                                 or k[2] == namespace))
        return [copy.deepcopy(self.objects[k]) for k in keys]

    def update_status(self, group: str, resource: str, obj: Obj) -> Obj:
        meta = obj["metadata"]
        key = (group, resource, meta.get("namespace", ""), meta["name"])
        current = self.objects.get(key)
        if current is None:
            raise errors.not_found(group, resource, meta["name"])
        if self.conflicts > 0:
            self.conflicts -= 1
            self.revision += 1
            current["metadata"]["resourceVersion"] = str(self.revision)
            raise errors.conflict(group, resource, meta["name"])
        if meta.get("resourceVersion") != current["metadata"]["resourceVersion"]:
            raise errors.conflict(group, resource, meta["name"])
        self.revision += 1
        new = copy.deepcopy(current)
        new["status"] = copy.deepcopy(obj.get("status"))
        new["metadata"]["resourceVersion"] = str(self.revision)
        self.objects[key] = new
        self.status_writes.append(copy.deepcopy(new))
        return copy.deepcopy(new)

    def now(self) -> float:
        return self.clock

    @property
    def rng(self) -> Random:
        return self._rng


@pytest.fixture
def ctx() -> FakeContext:
    c = FakeContext()
    c.namespace("default")
    return c


def attrs(
    op: Operation,
    resource: str,
    obj: Obj | None = None,
    *,
    group: str = "",
    namespace: str = "default",
    name: str | None = None,
    old: Obj | None = None,
    subresource: str = "",
    user: UserInfo = ADMIN,
    dry_run: bool = False,
) -> Attributes:
    """Attributes as ``APIServer._admission_attrs`` builds them."""
    version, kind = _KINDS[(group, resource)]
    meta = (obj or old or {}).get("metadata", {})
    return Attributes(operation=op, group=group, version=version, resource=resource, kind=kind,
                      namespace=namespace, name=meta.get("name", "") if name is None else name,
                      user=user, obj=obj, old_obj=old, subresource=subresource,
                      dry_run=dry_run)


def pod(name: str = "web", *containers: Obj, namespace: str = "default", **spec: Any) -> Obj:
    """A pod; containers default to one ``app`` container with image nginx."""
    cs = list(containers) or [{"name": "app", "image": "nginx"}]
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": cs, **spec}}


def container(name: str = "app", requests: dict[str, str] | None = None,
              limits: dict[str, str] | None = None, **extra: Any) -> Obj:
    c: Obj = {"name": name, "image": "nginx", **extra}
    res: Obj = {}
    if limits is not None:
        res["limits"] = limits
    if requests is not None:
        res["requests"] = requests
    c["resources"] = res
    return c
