"""The PersistentVolume binder: binds each PersistentVolumeClaim to a PersistentVolume, provisions
one when a StorageClass says so, and releases or deletes a volume whose claim is gone.

Upstream: ``pkg/controller/volume/persistentvolume/pv_controller.go`` (``syncClaim``,
``syncUnboundClaim``, ``syncBoundClaim``, ``syncVolume``, ``bind``, ``unbindVolume``,
``reclaimVolume``, ``provisionClaimOperation``, ``provisionClaimOperationExternal``,
``assignDefaultStorageClass``), ``pv_controller_base.go`` (the two queues, ``resync`` every
``--pvclaimbinder-sync-period`` = 15 s, ``storeObjectUpdate``), ``index.go``
(``findBestMatchForClaim``: candidates by access modes, smallest first) and
``component-helpers/storage/volume/pv_helpers.go`` (``FindMatchingVolume``,
``IsVolumeBoundToClaim``, the annotations). The simulated provisioner is upstream's in-tree
``kubernetes.io/host-path`` plugin (``pkg/volume/host_path/host_path.go``: a PV named
``pvc-<claim uid>`` on ``/tmp/hostpath_pv/<uuid>``).

Binding a claim (``syncUnboundClaim``)::

    find the smallest Available volume with the claim's class ("" if none), a capacity >= the
    request, all the requested access modes, the volume mode and the selector's labels (a
    volume pre-bound to this claim wins outright)
    found   → PV.spec.claimRef := claim; annotation pv.kubernetes.io/bound-by-controller=yes;
              PV phase Bound; PVC.spec.volumeName := PV; annotations bound-by-controller and
              pv.kubernetes.io/bind-completed=yes; PVC phase Bound with the PV's capacity
    none    → no class at all: the default StorageClass (storageclass.kubernetes.io/
              is-default-class: "true", the newest if several) is written into the claim;
              a class with an in-tree provisioner → provision (event ProvisioningSucceeded);
              another provisioner → event ExternalProvisioning and wait;
              WaitForFirstConsumer → event WaitForFirstConsumer until a node is selected;
              no class → event FailedBinding "no persistent volumes available for this claim
              and no storage class is set"; the claim stays Pending

A volume (``syncVolume``) with no claim is ``Available``; bound to a claim that was deleted it
becomes ``Released`` and its reclaim policy runs: ``Retain`` keeps it; ``Delete`` has the
volume plugin delete the storage, then deletes the PV (the host-path plugin only deletes under
``/tmp``: otherwise event ``VolumeFailedDelete`` and phase ``Failed``; a volume of an external
provisioner is left to it); ``Recycle`` is not supported here (event ``VolumeFailedRecycle``,
phase ``Failed``). A bound claim whose volume disappeared is ``Lost`` (event ``ClaimLost``).

Events (source ``persistentvolume-controller``). Like upstream, a failed sync is not retried
with backoff: the next periodic resync retries it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from ..api.selectors import label_selector_as_selector
from ..api.validation.quantity import parse_quantity
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.record import EVENT_NORMAL, EVENT_WARNING, EventRecorder
from ..sim import Kernel
from .base import Controller
from .queues import SyncQueue
from .typed import typed

__all__ = [
    "ANN_BIND_COMPLETED",
    "ANN_BOUND_BY_CONTROLLER",
    "ANN_DYNAMICALLY_PROVISIONED",
    "ANN_IS_DEFAULT_CLASS",
    "HostPathProvisioner",
    "PersistentVolumeController",
    "find_matching_volume",
    "get_default_class",
]

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
ANN_IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
ANN_BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
#: ``util.VolumeDynamicallyCreatedByKey``
ANN_CREATED_BY = "kubernetes.io/createdby"
#: upstream's event source
EVENT_SOURCE = "persistentvolume-controller"
DEFAULT_SYNC_PERIOD = 15.0


def claim_key(claim: dict[str, Any]) -> str:
    return f"{claim['metadata'].get('namespace', '')}/{claim['metadata']['name']}"


def get_claim_class(claim: dict[str, Any]) -> str:
    """``GetPersistentVolumeClaimClass``: the beta annotation, else ``storageClassName``."""
    ann = claim["metadata"].get("annotations") or {}
    if ANN_BETA_CLASS in ann:
        return str(ann[ANN_BETA_CLASS])
    return str((claim.get("spec") or {}).get("storageClassName") or "")


def claim_has_class(claim: dict[str, Any]) -> bool:
    """``PersistentVolumeClaimHasClass``: a class was asked for (even ``""``)."""
    return ANN_BETA_CLASS in (claim["metadata"].get("annotations") or {}) or \
        (claim.get("spec") or {}).get("storageClassName") is not None


def get_volume_class(volume: dict[str, Any]) -> str:
    """``GetPersistentVolumeClass``."""
    ann = volume["metadata"].get("annotations") or {}
    if ANN_BETA_CLASS in ann:
        return str(ann[ANN_BETA_CLASS])
    return str((volume.get("spec") or {}).get("storageClassName") or "")


def is_volume_bound_to_claim(volume: dict[str, Any], claim: dict[str, Any]) -> bool:
    """``IsVolumeBoundToClaim``: the claimRef names the claim (and its uid, if set)."""
    ref = (volume.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    meta = claim["metadata"]
    if ref.get("name") != meta["name"] or ref.get("namespace") != meta.get("namespace"):
        return False
    return not ref.get("uid") or ref.get("uid") == meta.get("uid")


def _storage(obj_resources: dict[str, Any] | None) -> Any:
    return parse_quantity((obj_resources or {}).get("storage", "0"))


def _access_modes_ok(claim: dict[str, Any], volume: dict[str, Any]) -> bool:
    """``CheckAccessModes``: the volume offers every mode the claim asks for."""
    have = set((volume.get("spec") or {}).get("accessModes") or [])
    return set((claim.get("spec") or {}).get("accessModes") or []) <= have


def _volume_mode_mismatch(claim: dict[str, Any], volume: dict[str, Any]) -> bool:
    """``CheckVolumeModeMismatches`` (unset means Filesystem)."""
    c = (claim.get("spec") or {}).get("volumeMode") or "Filesystem"
    v = (volume.get("spec") or {}).get("volumeMode") or "Filesystem"
    return c != v


def find_matching_volume(claim: dict[str, Any], volumes: list[dict[str, Any]],
                         delay_binding: bool = False) -> dict[str, Any] | None:
    """``FindMatchingVolume``: a volume pre-bound to the claim, else the smallest Available
    one that fits (class, size, volume mode, selector). Access modes are checked by the
    caller's index (:meth:`PersistentVolumeController.find_best_match_for_claim`)."""
    requested = _storage(((claim.get("spec") or {}).get("resources") or {}).get("requests"))
    requested_class = get_claim_class(claim)
    sel = (claim.get("spec") or {}).get("selector")
    selector = label_selector_as_selector(sel) if sel is not None else None
    smallest: dict[str, Any] | None = None
    smallest_qty: Any = None
    for volume in volumes:
        spec = volume.get("spec") or {}
        if spec.get("claimRef") and not is_volume_bound_to_claim(volume, claim):
            continue
        qty = _storage(spec.get("capacity"))
        if qty < requested:
            continue
        if _volume_mode_mismatch(claim, volume):
            continue
        if volume["metadata"].get("deletionTimestamp"):
            continue
        if is_volume_bound_to_claim(volume, claim):
            return volume
        if delay_binding:
            continue  # the scheduler binds these, with a node
        if (volume.get("status") or {}).get("phase") != "Available":
            continue
        if selector is not None and not selector.matches(volume["metadata"].get("labels") or {}):
            continue
        if get_volume_class(volume) != requested_class:
            continue
        if smallest is None or smallest_qty > qty:
            smallest, smallest_qty = volume, qty
    return smallest


def check_volume_satisfy_claim(volume: dict[str, Any], claim: dict[str, Any]) -> str | None:
    """``checkVolumeSatisfyClaim``: why a requested volume can't be used, or None."""
    if volume["metadata"].get("deletionTimestamp"):
        return f'the volume is marked for deletion "{volume["metadata"]["name"]}"'
    requested = _storage(((claim.get("spec") or {}).get("resources") or {}).get("requests"))
    if _storage((volume.get("spec") or {}).get("capacity")) < requested:
        return "requested PV is too small"
    if get_volume_class(volume) != get_claim_class(claim):
        return "storageClassName does not match"
    if _volume_mode_mismatch(claim, volume):
        return "incompatible volumeMode"
    if not _access_modes_ok(claim, volume):
        return "incompatible accessMode"
    return None


def get_default_class(classes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``GetDefaultClass``: the StorageClass annotated as default; the newest if several."""
    defaults = [c for c in classes if (c["metadata"].get("annotations") or {}).get(
        ANN_IS_DEFAULT_CLASS, (c["metadata"].get("annotations") or {}).get(
            ANN_BETA_IS_DEFAULT_CLASS)) == "true"]
    if not defaults:
        return None
    defaults.sort(key=lambda c: (c["metadata"].get("creationTimestamp", ""),
                                 c["metadata"]["name"]), reverse=True)
    return defaults[0]


class HostPathProvisioner:
    """``hostPathProvisioner`` (plugin ``kubernetes.io/host-path``): provisions a directory
    under ``/tmp/hostpath_pv`` — nothing is created on disk in the simulator."""

    plugin_name = "kubernetes.io/host-path"

    def __init__(self, new_uuid: Callable[[], str]) -> None:
        self.new_uuid = new_uuid

    def provision(self, pv_name: str, claim: dict[str, Any], reclaim_policy: str,
                  mount_options: list[str] | None = None) -> dict[str, Any]:
        spec = claim.get("spec") or {}
        if spec.get("volumeMode") == "Block":
            raise RuntimeError(f"{self.plugin_name} does not support block volume provisioning")
        pv: dict[str, Any] = {
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": pv_name,
                         "annotations": {ANN_CREATED_BY: "hostpath-dynamic-provisioner"}},
            "spec": {
                "persistentVolumeReclaimPolicy": reclaim_policy,
                "accessModes": list(spec.get("accessModes") or ["ReadWriteOnce"]),
                "capacity": {"storage": ((spec.get("resources") or {}).get("requests")
                                         or {}).get("storage", "0")},
                "hostPath": {"path": f"/tmp/hostpath_pv/{self.new_uuid()}"},
            },
        }
        if mount_options:
            pv["spec"]["mountOptions"] = list(mount_options)
        return pv

    def delete(self, volume: dict[str, Any]) -> None:
        """Would ``os.RemoveAll`` the directory (only under ``/tmp``)."""
        path = ((volume.get("spec") or {}).get("hostPath") or {}).get("path", "")
        if not path.startswith("/tmp/"):
            raise RuntimeError(f"host_path deleter only supports /tmp/.+ but received "
                               f"provided {path}")


class PersistentVolumeController(Controller):
    """``PersistentVolumeController``: the base queue is ``claimQueue``;
    :attr:`volume_queue` is ``volumeQueue``."""

    name = "persistentvolume-binder-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 sync_period: float = DEFAULT_SYNC_PERIOD) -> None:
        super().__init__(client, kernel, factory)
        self.recorder = EventRecorder(client, kernel, component=EVENT_SOURCE)
        self.sync_period = sync_period
        self.plugins: dict[str, HostPathProvisioner] = {
            HostPathProvisioner.plugin_name: HostPathProvisioner(
                lambda: str(uuid.UUID(int=kernel.rng.getrandbits(128), version=4)))}
        #: ``ctrl.volumes`` / ``ctrl.claims``: the newest version seen (informer or own write)
        self.volumes: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.volume_informer = self.informer("persistentvolumes")
        self.claim_informer = self.informer("persistentvolumeclaims")
        self.classes = self.informer("storageclasses")
        self.volume_queue: SyncQueue[str] = SyncQueue(kernel, "volumes", self.volume_worker)
        self.volume_informer.add_event_handler(
            on_add=self._enqueue_volume, on_update=lambda old, new: self._enqueue_volume(new),
            on_delete=self._enqueue_volume)
        self.claim_informer.add_event_handler(
            on_add=self.enqueue, on_update=lambda old, new: self.enqueue(new),
            on_delete=self.enqueue)
        self._resync_timer: Any = None

    def _enqueue_volume(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            self.volume_queue.add(obj.key)
            return
        self.volume_queue.add(obj["metadata"]["name"])

    def run(self) -> None:
        super().run()
        self.volume_queue.start()
        if self._resync_timer is None:
            self._resync_timer = self.kernel.every(self.sync_period, self.resync,
                                                   name=f"{self.name} resync")

    def stop(self) -> None:
        super().stop()
        self.volume_queue.stop()
        if self._resync_timer is not None:
            self._resync_timer.cancel()
            self._resync_timer = None

    def resync(self) -> None:
        """``resync``: queue every claim and volume (periodic)."""
        for claim in self.claim_informer.list():
            self.enqueue(claim)
        for volume in self.volume_informer.list():
            self._enqueue_volume(volume)

    # -- caches ------------------------------------------------------------------------------

    @staticmethod
    def _store_update(store: dict[str, dict[str, Any]], key: str, obj: dict[str, Any]) -> bool:
        """``storeObjectUpdate``: keep ``obj`` unless the store has a newer version."""
        old = store.get(key)
        if old is not None and int(old["metadata"].get("resourceVersion") or 0) > int(
                obj["metadata"].get("resourceVersion") or 0):
            return False
        store[key] = obj
        return True

    def _store_volume(self, volume: dict[str, Any]) -> dict[str, Any]:
        self._store_update(self.volumes, volume["metadata"]["name"], volume)
        return volume

    def _store_claim(self, claim: dict[str, Any]) -> dict[str, Any]:
        self._store_update(self.claims, claim_key(claim), claim)
        return claim

    # -- workers -------------------------------------------------------------------------------

    def _logged(self, key: str, fn: Callable[[], None]) -> None:
        """Upstream logs a failed sync and waits for the next resync."""
        try:
            fn()
        except (ApiError, RuntimeError) as exc:
            self.errors.append((key, f"{type(exc).__name__}: {exc}"))
            del self.errors[:-100]

    def sync(self, key: str) -> None:
        """``claimWorker``."""
        claim = self.claim_informer.get(key)
        if claim is not None:
            claim = typed(claim, "v1", "PersistentVolumeClaim")
            if self._store_update(self.claims, key, claim):
                self._logged(key, lambda: self.sync_claim(self.claims[key]))
            return
        old = self.claims.pop(key, None)
        if old is not None and (old.get("spec") or {}).get("volumeName"):
            # deleteClaim: sync the volume now rather than at the next resync
            self.volume_queue.add(old["spec"]["volumeName"])

    def volume_worker(self, name: str) -> None:
        """``volumeWorker``."""
        volume = self.volume_informer.get(name)
        if volume is not None:
            volume = typed(volume, "v1", "PersistentVolume")
            if self._store_update(self.volumes, name, volume):
                self._logged(name, lambda: self.sync_volume(self.volumes[name]))
            return
        old = self.volumes.pop(name, None)
        ref = ((old or {}).get("spec") or {}).get("claimRef")
        if ref:  # deleteVolume: the claim may be Lost now
            self.enqueue_key(f"{ref.get('namespace', '')}/{ref.get('name', '')}")

    # -- claims ----------------------------------------------------------------------------------

    def sync_claim(self, claim: dict[str, Any]) -> None:
        """``syncClaim``."""
        if ANN_BIND_COMPLETED not in (claim["metadata"].get("annotations") or {}):
            self.sync_unbound_claim(claim)
        else:
            self.sync_bound_claim(claim)

    def is_delay_binding_mode(self, claim: dict[str, Any]) -> bool:
        """``IsDelayBindingMode``: the claim's class binds on first consumer."""
        cls = get_claim_class(claim)
        if not cls:
            return False
        sc = self.classes.get(cls)
        return sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"

    def find_best_match_for_claim(self, claim: dict[str, Any],
                                  delay_binding: bool) -> dict[str, Any] | None:
        """``persistentVolumeOrderedIndex.findByClaim``: for each access-mode set that
        covers the claim's (fewest modes first), the volumes by capacity, smallest first."""
        wanted = set((claim.get("spec") or {}).get("accessModes") or [])
        by_modes: dict[frozenset[str], list[dict[str, Any]]] = {}
        for v in self.volumes.values():
            modes = frozenset((v.get("spec") or {}).get("accessModes") or [])
            by_modes.setdefault(modes, []).append(v)
        for modes in sorted((m for m in by_modes if wanted <= m),
                            key=lambda m: (len(m), sorted(m))):
            vols = sorted(by_modes[modes], key=lambda v: (_storage((v.get("spec") or {}).get(
                "capacity")), v["metadata"]["name"]))
            found = find_matching_volume(claim, vols, delay_binding)
            if found is not None:
                return found
        return None

    def sync_unbound_claim(self, claim: dict[str, Any]) -> None:
        """``syncUnboundClaim``."""
        spec = claim.get("spec") or {}
        if not spec.get("volumeName"):
            delay = self.is_delay_binding_mode(claim)
            volume = self.find_best_match_for_claim(claim, delay)
            if volume is not None:
                self.bind(volume, claim)
                return
            if self.assign_default_storage_class(claim):
                return  # the update re-queues the claim
            if delay and ANN_SELECTED_NODE not in (claim["metadata"].get("annotations") or {}):
                self.recorder.event(claim, EVENT_NORMAL, "WaitForFirstConsumer",
                                    "waiting for first consumer to be created before binding")
            elif get_claim_class(claim):
                self.provision_claim(claim)
                return
            else:
                self.recorder.event(claim, EVENT_NORMAL, "FailedBinding",
                                    "no persistent volumes available for this claim and no "
                                    "storage class is set")
            self.update_claim_status(claim, "Pending", None)
            return
        # the user asked for a specific volume
        volume = self.volumes.get(spec["volumeName"])
        if volume is None:
            self.update_claim_status(claim, "Pending", None)
            return
        if not (volume.get("spec") or {}).get("claimRef"):
            why = check_volume_satisfy_claim(volume, claim)
            if why is not None:
                self.recorder.event(claim, EVENT_WARNING, "VolumeMismatch",
                                    f'Cannot bind to requested volume '
                                    f'"{volume["metadata"]["name"]}": {why}')
                self.update_claim_status(claim, "Pending", None)
            else:
                self.bind(volume, claim)
            return
        if is_volume_bound_to_claim(volume, claim):
            self.bind(volume, claim)  # finish the binding (add the claim uid)
            return
        if ANN_BOUND_BY_CONTROLLER not in (claim["metadata"].get("annotations") or {}):
            self.recorder.event(claim, EVENT_WARNING, "FailedBinding",
                                f'volume "{volume["metadata"]["name"]}" already bound to a '
                                "different claim.")
            self.update_claim_status(claim, "Pending", None)
            return
        self.recorder.event(claim, EVENT_WARNING, "FailedBinding",
                            f'volume "{volume["metadata"]["name"]}" already bound to a '
                            "different claim.")
        ref = volume["spec"]["claimRef"]
        raise RuntimeError(f'invalid binding of claim "{claim_key(claim)}" to volume '
                           f'"{spec["volumeName"]}": volume already claimed by '
                           f'"{ref.get("namespace")}/{ref.get("name")}"')

    def sync_bound_claim(self, claim: dict[str, Any]) -> None:
        """``syncBoundClaim``."""
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            self.update_claim_status_with_event(
                claim, "Lost", None, EVENT_WARNING, "ClaimLost",
                "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        volume = self.volumes.get(volume_name)
        if volume is None:
            self.update_claim_status_with_event(
                claim, "Lost", None, EVENT_WARNING, "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref or ref.get("uid") == claim["metadata"].get("uid"):
            self.bind(volume, claim)  # (re)bind, or nothing to do
            return
        self.update_claim_status_with_event(
            claim, "Lost", None, EVENT_WARNING, "ClaimMisbound",
            "Two claims are bound to the same volume, this one is bound incorrectly")

    def assign_default_storage_class(self, claim: dict[str, Any]) -> bool:
        """``assignDefaultStorageClass``: a claim without a class gets the default one."""
        if claim_has_class(claim):
            return False
        cls = get_default_class(self.classes.list())
        if cls is None:
            return False
        new = copy.deepcopy(claim)
        new["spec"]["storageClassName"] = cls["metadata"]["name"]
        self._store_claim(self.client.update("persistentvolumeclaims", new))
        return True

    # -- binding -------------------------------------------------------------------------------

    def bind(self, volume: dict[str, Any], claim: dict[str, Any]) -> None:
        """``bind``: volume → claim, volume Bound, claim → volume, claim Bound."""
        volume = self.bind_volume_to_claim(volume, claim)
        volume = self.update_volume_phase(volume, "Bound", "")
        claim = self.bind_claim_to_volume(claim, volume)
        self.update_claim_status(claim, "Bound", volume)

    def bind_volume_to_claim(self, volume: dict[str, Any], claim: dict[str, Any]
                             ) -> dict[str, Any]:
        """``bindVolumeToClaim``: ``spec.claimRef`` + ``bound-by-controller``."""
        should_set_bound_by = not is_volume_bound_to_claim(volume, claim)
        clone = copy.deepcopy(volume)
        dirty = False
        ref = (volume.get("spec") or {}).get("claimRef") or {}
        meta = claim["metadata"]
        if (ref.get("name"), ref.get("namespace"), ref.get("uid")) != (
                meta["name"], meta.get("namespace"), meta.get("uid")):
            clone["spec"]["claimRef"] = {
                "kind": "PersistentVolumeClaim", "namespace": meta.get("namespace", ""),
                "name": meta["name"], "uid": meta.get("uid", ""), "apiVersion": "v1",
                "resourceVersion": meta.get("resourceVersion", "")}
            dirty = True
        ann = clone["metadata"].setdefault("annotations", {})
        if should_set_bound_by and ANN_BOUND_BY_CONTROLLER not in ann:
            ann[ANN_BOUND_BY_CONTROLLER] = "yes"
            dirty = True
        if not ann:
            clone["metadata"].pop("annotations")
        if not dirty:
            return volume
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolume")
        return self._store_volume(self.client.update("persistentvolumes", clone))

    def bind_claim_to_volume(self, claim: dict[str, Any], volume: dict[str, Any]
                             ) -> dict[str, Any]:
        """``bindClaimToVolume``: ``spec.volumeName`` + ``bound-by-controller`` +
        ``bind-completed``."""
        name = volume["metadata"]["name"]
        should_set_bound_by = (claim.get("spec") or {}).get("volumeName") != name
        clone = copy.deepcopy(claim)
        dirty = False
        if clone["spec"].get("volumeName") != name:
            clone["spec"]["volumeName"] = name
            dirty = True
        ann = clone["metadata"].setdefault("annotations", {})
        if should_set_bound_by and ANN_BOUND_BY_CONTROLLER not in ann:
            ann[ANN_BOUND_BY_CONTROLLER] = "yes"
            dirty = True
        if ANN_BIND_COMPLETED not in ann:
            ann[ANN_BIND_COMPLETED] = "yes"
            dirty = True
        if not dirty:
            return claim
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolumeClaim")
        return self._store_claim(self.client.update("persistentvolumeclaims", clone))

    def update_claim_status(self, claim: dict[str, Any], phase: str,
                            volume: dict[str, Any] | None) -> dict[str, Any]:
        """``updateClaimStatus``: phase, and the volume's access modes and capacity."""
        status = claim.get("status") or {}
        clone = copy.deepcopy(claim)
        new_status = clone.setdefault("status", {})
        dirty = False
        if status.get("phase") != phase:
            new_status["phase"] = phase
            dirty = True
        if volume is None:
            for k in ("accessModes", "capacity"):
                if k in new_status:
                    del new_status[k]
                    dirty = True
        else:
            modes = (volume.get("spec") or {}).get("accessModes")
            if status.get("accessModes") != modes:
                new_status["accessModes"] = copy.deepcopy(modes)
                dirty = True
            if status.get("phase") != phase:
                cap = (volume.get("spec") or {}).get("capacity") or {}
                if "storage" not in cap:
                    raise RuntimeError(f'PersistentVolume "{volume["metadata"]["name"]}" is '
                                       "without a storage capacity")
                claim_cap = (status.get("capacity") or {}).get("storage")
                if claim_cap is None or parse_quantity(claim_cap) != parse_quantity(
                        cap["storage"]):
                    new_status["capacity"] = copy.deepcopy(cap)
                    dirty = True
        if not dirty:
            return claim
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolumeClaim")
        return self._store_claim(self.client.update_status("persistentvolumeclaims", clone))

    def update_claim_status_with_event(self, claim: dict[str, Any], phase: str,
                                       volume: dict[str, Any] | None, event_type: str,
                                       reason: str, message: str) -> dict[str, Any]:
        if (claim.get("status") or {}).get("phase") == phase:
            return claim
        new = self.update_claim_status(claim, phase, volume)
        self.recorder.event(new, event_type, reason, message)
        return new

    def update_volume_phase(self, volume: dict[str, Any], phase: str, message: str
                            ) -> dict[str, Any]:
        """``updateVolumePhase`` (with ``lastPhaseTransitionTime``)."""
        status = volume.get("status") or {}
        if status.get("phase") == phase:
            return volume
        clone = copy.deepcopy(volume)
        new_status = clone.setdefault("status", {})
        new_status["phase"] = phase
        if message:
            new_status["message"] = message
        else:
            new_status.pop("message", None)
        new_status["lastPhaseTransitionTime"] = self.kernel.timestamp()
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolume")
        return self._store_volume(self.client.update_status("persistentvolumes", clone))

    def update_volume_phase_with_event(self, volume: dict[str, Any], phase: str,
                                       event_type: str, reason: str, message: str
                                       ) -> dict[str, Any]:
        if (volume.get("status") or {}).get("phase") == phase:
            return volume
        new = self.update_volume_phase(volume, phase, message)
        self.recorder.event(new, event_type, reason, message)
        return new

    def unbind_volume(self, volume: dict[str, Any]) -> None:
        """``unbindVolume``: forget the claim (or only its uid, if pre-bound by a user)."""
        clone = copy.deepcopy(volume)
        ann = clone["metadata"].get("annotations") or {}
        if ANN_BOUND_BY_CONTROLLER in ann:
            clone["spec"].pop("claimRef", None)
            del ann[ANN_BOUND_BY_CONTROLLER]
            if not ann:
                clone["metadata"].pop("annotations", None)
        else:
            clone["spec"]["claimRef"]["uid"] = ""
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolume")
        new = self._store_volume(self.client.update("persistentvolumes", clone))
        self.update_volume_phase(new, "Available", "")

    # -- volumes ---------------------------------------------------------------------------------

    def sync_volume(self, volume: dict[str, Any]) -> None:
        """``syncVolume``."""
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref:
            self.update_volume_phase(volume, "Available", "")
            return
        if not ref.get("uid"):
            # pre-bound to a claim that has not bound yet: the claim's sync does it
            self.update_volume_phase(volume, "Available", "")
            return
        key = f"{ref.get('namespace', '')}/{ref.get('name', '')}"
        claim = self.claims.get(key) or self.claim_informer.get(key)
        if claim is None:
            try:  # maybe not in our cache yet: ask the API server before reclaiming
                claim = self.client.get("persistentvolumeclaims", ref.get("name", ""),
                                        ref.get("namespace", ""))
            except ApiError as exc:
                if exc.code != 404:
                    raise
        if claim is not None and claim["metadata"].get("uid") != ref.get("uid"):
            claim = None  # deleted, and another with the same name created
        if claim is None:
            phase = (volume.get("status") or {}).get("phase")
            if phase not in ("Released", "Failed"):
                volume = self.update_volume_phase(volume, "Released", "")
            self.reclaim_volume(volume)
            return
        if not (claim.get("spec") or {}).get("volumeName"):
            # bound on our side only (e.g. just provisioned): let the claim's sync finish it
            self.enqueue_key(key)
            return
        if claim["spec"]["volumeName"] == volume["metadata"]["name"]:
            self.update_volume_phase(volume, "Bound", "")
            return
        ann = volume["metadata"].get("annotations") or {}
        if ANN_DYNAMICALLY_PROVISIONED in ann and \
                volume["spec"].get("persistentVolumeReclaimPolicy") == "Delete":
            if (volume.get("status") or {}).get("phase") not in ("Released", "Failed"):
                volume = self.update_volume_phase(volume, "Released", "")
            self.reclaim_volume(volume)
            return
        self.unbind_volume(volume)

    def reclaim_volume(self, volume: dict[str, Any]) -> None:
        """``reclaimVolume``: Retain, Delete, or (not supported here) Recycle."""
        policy = (volume.get("spec") or {}).get("persistentVolumeReclaimPolicy", "Retain")
        if policy == "Retain":
            return
        if policy == "Recycle":
            self.update_volume_phase_with_event(volume, "Failed", EVENT_WARNING,
                                                "VolumeFailedRecycle",
                                                "Recycle failed: recycling is not supported "
                                                "by the simulator")
            return
        if policy == "Delete":
            self.delete_volume_operation(volume)
            return
        self.update_volume_phase_with_event(volume, "Failed", EVENT_WARNING,
                                            "VolumeUnknownReclaimPolicy",
                                            "Volume has unrecognized PersistentVolumeReclaimPolicy")

    def is_volume_released(self, volume: dict[str, Any]) -> bool:
        """``isVolumeReleased``: bound (with a uid) to a claim that is gone, replaced, or
        bound to another volume."""
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref or not ref.get("uid"):
            return False
        claim = self.claims.get(f"{ref.get('namespace', '')}/{ref.get('name', '')}")
        if claim is not None and claim["metadata"].get("uid") == ref.get("uid"):
            bound_to = (claim.get("spec") or {}).get("volumeName")
            return bool(bound_to) and bound_to != volume["metadata"]["name"]
        return True

    def find_deletable_plugin(self, volume: dict[str, Any]) -> HostPathProvisioner | None:
        """``findDeletablePlugin``: the plugin that provisioned the volume, else one that
        handles its volume source; None for an external provisioner."""
        name = (volume["metadata"].get("annotations") or {}).get(ANN_DYNAMICALLY_PROVISIONED)
        if name:
            plugin = self.plugins.get(name)
            if plugin is None and not name.startswith("kubernetes.io/"):
                return None  # an external provisioner deletes it
            if plugin is None:
                raise RuntimeError(f'no deletable volume plugin matched name "{name}"')
            return plugin
        if (volume.get("spec") or {}).get("hostPath") is not None:
            return self.plugins[HostPathProvisioner.plugin_name]
        raise RuntimeError(f'error getting deleter volume plugin for volume '
                           f'"{volume["metadata"]["name"]}": no deletable volume plugin matched')

    def delete_volume_operation(self, volume: dict[str, Any]) -> None:
        """``deleteVolumeOperation``: the plugin deletes the storage, then the PV object; a
        failure marks the volume ``Failed`` (event ``VolumeFailedDelete``) and is retried at
        every sync."""
        name = volume["metadata"]["name"]
        try:
            fresh = typed(self.client.get("persistentvolumes", name), "v1", "PersistentVolume")
        except ApiError as exc:
            if exc.code == 404:
                return
            raise
        if not self.is_volume_released(fresh):
            return
        try:
            plugin = self.find_deletable_plugin(fresh)
            if plugin is None:
                return  # waits for deletion by an external plugin
            plugin.delete(fresh)
        except RuntimeError as exc:
            self.update_volume_phase_with_event(fresh, "Failed", EVENT_WARNING,
                                                "VolumeFailedDelete", str(exc))
            raise
        try:
            self.client.delete("persistentvolumes", name)
        except ApiError as exc:
            if exc.code != 404:
                raise

    # -- provisioning ------------------------------------------------------------------------------

    def provision_claim(self, claim: dict[str, Any]) -> None:
        """``provisionClaim``: in-tree plugin, or wait for an external provisioner."""
        cls_name = get_claim_class(claim)
        cls = self.classes.get(cls_name)
        if cls is None:
            msg = f'storageclass.storage.k8s.io "{cls_name}" not found'
            self.recorder.event(claim, EVENT_WARNING, "ProvisioningFailed", msg)
            raise RuntimeError(msg)
        plugin = self.plugins.get(cls.get("provisioner", ""))
        if plugin is None and str(cls.get("provisioner", "")).startswith("kubernetes.io/"):
            msg = f'no volume plugin matched name: {cls.get("provisioner")}'
            self.recorder.event(claim, EVENT_WARNING, "ProvisioningFailed", msg)
            raise RuntimeError(msg)
        if plugin is None:
            self.provision_claim_operation_external(claim, cls)
        else:
            self.provision_claim_operation(claim, plugin, cls)

    def set_claim_provisioner(self, claim: dict[str, Any], provisioner: str) -> dict[str, Any]:
        """``setClaimProvisioner``: the storage-provisioner annotations (beta and GA)."""
        ann = claim["metadata"].get("annotations") or {}
        if ann.get(ANN_STORAGE_PROVISIONER) == provisioner and \
                ann.get(ANN_BETA_STORAGE_PROVISIONER) == provisioner:
            return claim
        clone = copy.deepcopy(claim)
        a = clone["metadata"].setdefault("annotations", {})
        a[ANN_BETA_STORAGE_PROVISIONER] = provisioner
        a[ANN_STORAGE_PROVISIONER] = provisioner
        clone.setdefault("apiVersion", "v1")
        clone.setdefault("kind", "PersistentVolumeClaim")
        return self._store_claim(self.client.update("persistentvolumeclaims", clone))

    def provision_claim_operation_external(self, claim: dict[str, Any],
                                           cls: dict[str, Any]) -> None:
        provisioner = cls.get("provisioner", "")
        claim = self.set_claim_provisioner(claim, provisioner)
        self.recorder.event(claim, EVENT_NORMAL, "ExternalProvisioning",
                            f"Waiting for a volume to be created either by the external "
                            f"provisioner '{provisioner}' or manually by the system "
                            "administrator. If volume creation is delayed, please verify that "
                            "the provisioner is running and correctly registered.")

    def provision_claim_operation(self, claim: dict[str, Any], plugin: HostPathProvisioner,
                                  cls: dict[str, Any]) -> None:
        """``provisionClaimOperation`` with an in-tree plugin."""
        claim_class = get_claim_class(claim)
        claim = self.set_claim_provisioner(claim, cls.get("provisioner", ""))
        pv_name = f"pvc-{claim['metadata']['uid']}"
        try:
            self.client.get("persistentvolumes", pv_name)
            return  # already provisioned
        except ApiError as exc:
            if exc.code != 404:
                raise
        meta = claim["metadata"]
        claim_ref = {"kind": "PersistentVolumeClaim", "namespace": meta.get("namespace", ""),
                     "name": meta["name"], "uid": meta.get("uid", ""), "apiVersion": "v1",
                     "resourceVersion": meta.get("resourceVersion", "")}
        try:
            volume = plugin.provision(pv_name, claim, cls.get("reclaimPolicy") or "Delete",
                                      cls.get("mountOptions"))
        except RuntimeError as exc:
            self.recorder.event(claim, EVENT_WARNING, "ProvisioningFailed",
                                f"Failed to provision volume with StorageClass "
                                f'"{claim_class}": {exc}')
            raise
        volume["spec"]["claimRef"] = claim_ref
        volume["spec"]["storageClassName"] = claim_class
        volume["status"] = {"phase": "Bound"}
        ann = volume["metadata"].setdefault("annotations", {})
        ann[ANN_BOUND_BY_CONTROLLER] = "yes"
        ann[ANN_DYNAMICALLY_PROVISIONED] = plugin.plugin_name
        try:
            created = self.client.create("persistentvolumes", volume)
        except ApiError as exc:
            if exc.code != 409:
                self.recorder.event(claim, EVENT_WARNING, "ProvisioningFailed",
                                    f"Failed to create PV: {exc.message}")
                raise
        else:
            self._store_volume(created)
        self.recorder.event(claim, EVENT_NORMAL, "ProvisioningSucceeded",
                            f"Successfully provisioned volume {pv_name} using "
                            f"{plugin.plugin_name}")
