"""The ReplicationController manager: the ReplicaSet controller, run on ReplicationControllers
through adapters — exactly how upstream does it.

Upstream: ``pkg/controller/replication/replication_controller.go`` (``ReplicationManager``
embeds ``replicaset.ReplicaSetController``, built by ``replicaset.NewBaseController`` with
kind ``v1/ReplicationController``, queue ``replicationmanager`` and event source
``replication-controller``) and ``pkg/controller/replication/conversion.go``
(``informerAdapter``, ``lister`` adapters, ``clientsetAdapter``, ``podControlAdapter``,
``convertRCtoRS`` / ``convertRStoRC``).

An RC differs from a ReplicaSet only in its shape::

    ReplicationController (v1)              ReplicaSet (apps/v1)
    spec.selector: {app: web}         →     spec.selector: {matchLabels: {app: web}}
    spec.template (a pointer, optional) →   spec.template

so the adapters convert RCs to ReplicaSet-shaped dicts on the way in (informer reads and
events), and back on the way out (status updates, the object events are recorded on). Pods
created for an RC carry ``ownerReferences: [{apiVersion: v1, kind: ReplicationController,
controller: true, blockOwnerDeletion: true}]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.informer import Informer
from .controller_utils import JSON, ControllerError
from .replicaset import BURST_REPLICAS, ReplicaSetController, RSSource

__all__ = ["BURST_REPLICAS", "ReplicationManager", "convert_rc_to_rs", "convert_rs_to_rc"]


def convert_rc_to_rs(rc: JSON) -> JSON:
    """``convertRCtoRS``: a ReplicaSet-shaped view of an RC (shares the unchanged parts)."""
    spec = rc.get("spec") or {}
    rs_spec: JSON = {k: v for k, v in spec.items() if k not in ("selector", "template")}
    selector = spec.get("selector")
    rs_spec["selector"] = {"matchLabels": dict(selector)} if selector else {}
    if spec.get("template") is not None:
        rs_spec["template"] = spec["template"]
    out: JSON = {**rc, "apiVersion": "apps/v1", "kind": "ReplicaSet", "spec": rs_spec}
    return out


def convert_rs_to_rc(rs: JSON) -> JSON:
    """``convertRStoRC``: back to a v1 ReplicationController (``matchExpressions`` cannot be
    expressed and are an error, as in ``Convert_v1_LabelSelector_To_map``)."""
    spec = rs.get("spec") or {}
    rc_spec: JSON = {k: v for k, v in spec.items() if k != "selector"}
    selector = spec.get("selector") or {}
    if selector.get("matchExpressions"):
        raise ControllerError("ReplicationController selectors cannot have matchExpressions")
    if selector.get("matchLabels"):
        rc_spec["selector"] = dict(selector["matchLabels"])
    return {**rs, "apiVersion": "v1", "kind": "ReplicationController", "spec": rc_spec}


def _wrap(fn: Callable[..., None] | None, n: int) -> Callable[..., None] | None:
    if fn is None:
        return None

    def conv(obj: Any) -> Any:
        if isinstance(obj, DeletedFinalStateUnknown):
            return DeletedFinalStateUnknown(obj.key, convert_rc_to_rs(obj.obj))
        return convert_rc_to_rs(obj)

    if n == 1:
        return lambda obj: fn(conv(obj))
    return lambda old, new: fn(conv(old), conv(new))


class InformerAdapter:
    """``informerAdapter`` + ``conversionLister``: the RC informer, seen as a ReplicaSet
    informer."""

    def __init__(self, informer: Informer) -> None:
        self.informer = informer

    def get(self, key: str) -> JSON | None:
        rc = self.informer.get(key)
        return convert_rc_to_rs(rc) if rc is not None else None

    def list(self, namespace: str = "") -> list[JSON]:
        return [convert_rc_to_rs(rc) for rc in self.informer.list(namespace)]

    def by_index(self, index_name: str, value: str) -> list[JSON]:
        return [convert_rc_to_rs(rc) for rc in self.informer.by_index(index_name, value)]

    def add_indexers(self, indexers: dict[str, Any]) -> None:
        self.informer.add_indexers(indexers)

    def has_index(self, name: str) -> bool:
        return name in self.informer.indexer.get_indexers()

    def add_event_handler(self, on_add: Any = None, on_update: Any = None,
                          on_delete: Any = None) -> Any:
        return self.informer.add_event_handler(_wrap(on_add, 1), _wrap(on_update, 2),
                                               _wrap(on_delete, 1))


class ReplicationManager(ReplicaSetController):
    """``ReplicationManager`` (kube-controller-manager's ``replication-controller``)."""

    name = "replication-controller"
    #: ``--concurrent-rc-syncs`` default
    workers = 5
    kind = "ReplicationController"
    api_version = "v1"
    resource = "replicationcontrollers"

    def _rs_source(self) -> RSSource:
        return InformerAdapter(self.informer(self.resource))

    def _event_object(self, rs: JSON) -> JSON:
        return convert_rs_to_rc(rs)

    def _update_status(self, rs: JSON) -> JSON:
        """``clientsetAdapter`` ``UpdateStatus``: convert, write the RC, convert back."""
        return convert_rc_to_rs(self.client.update_status(self.resource, convert_rs_to_rc(rs)))

    def _get_fresh(self, namespace: str, name: str) -> JSON:
        return convert_rc_to_rs(self.client.get(self.resource, name, namespace))
