"""Helpers shared by the workload controllers: which pods count, which pod to delete first,
how to create pods from a template, how to hash a template, how to batch creations.

Upstream: ``pkg/controller/controller_utils.go`` in kubernetes/kubernetes —
``IsPodActive``, ``FilterActivePods``, ``ActivePods`` and ``ActivePodsWithRanks`` (the
deletion order), ``podReadyTime``, ``maxContainerRestarts`` / ``compareMaxContainerRestarts``,
``afterOrZero``, ``logarithmicRankDiff``, ``FilterActiveReplicaSets``,
``ReplicaSetsByCreationTimestamp``, ``ReplicaSetsBySizeOlder`` / ``ReplicaSetsBySizeNewer``,
``SlowStartInitialBatchSize``, ``ComputeHash``, ``RealPodControl`` (``CreatePods``,
``CreatePodsWithGenerateName``, ``DeletePod``, ``PatchPod``, ``GetPodFromTemplate``,
``getPodsPrefix``, ``validateControllerRef``), ``RealRSControl``, ``PodKey``, and the event
reasons ``SuccessfulCreate`` / ``FailedCreate`` / ``SuccessfulDelete`` / ``FailedDelete``.
``slowStartBatch`` lives in ``pkg/controller/replicaset/replica_set.go``; ``IsPodReady`` and
``IsPodAvailable`` in ``pkg/api/v1/pod/util.go``; ``GetDeletionCostFromPodAnnotations`` in
``pkg/apis/core/helper/helpers.go``; ``metav1.NewControllerRef`` / ``GetControllerOf`` /
``IsControlledBy`` in ``apimachinery/pkg/apis/meta/v1/controller_ref.go``. Adoption and
orphaning (``controller_ref_manager.go``) are in :mod:`.controller_ref_manager`.

The deletion order (``ActivePodsWithRanks.Less``), smaller = deleted first::

    1. unassigned < assigned                 (spec.nodeName empty first)
    2. Pending < Unknown < Running           (status.phase)
    3. not ready < ready
    4. lower < higher pod-deletion-cost      (annotation controller.kubernetes.io/pod-deletion-cost)
    5. more related pods on its node < fewer (the "rank": doubled-up pods go first)
    6. ready for less time < longer          (Ready lastTransitionTime; a zero time counts as
                                              newest; log2 buckets with LogarithmicScaleDown)
    7. more container restarts < fewer
    8. newer < older                         (creationTimestamp; zero counts as newest;
                                              log2 buckets with LogarithmicScaleDown)

``ActivePods.Less`` is the same without 4, 5 and the logarithmic buckets. Both feature gates
(``PodDeletionCost``, ``LogarithmicScaleDown``) are on by default upstream; here they are
keyword arguments.

Hashing (``ComputeHash``). Upstream feeds the pod template to fnv32a through
``hashutil.DeepHashObject`` — a ``spew`` dump of the Go struct — appends the collision count as
8 little-endian bytes, and encodes the decimal ``Sum32()`` with ``rand.SafeEncodeString``
(alphabet ``bcdfghjklmnpqrstvwxz2456789``, one character per decimal digit). We cannot
reproduce a Go struct dump from a JSON dict, so we hash our canonical JSON (sorted keys, no
spaces) with the same fnv32a, collision bytes and encoding: names look like a real cluster's
(``kubia-6d8f9c7b5``) but the hash of a given template differs from the one a real cluster
computes.

Simplifications: upstream runs each slow-start batch concurrently (goroutines); here the calls
of a batch run one after the other, and a batch still stops the whole run after it if any call
failed, as upstream does. Go's ``sort.Sort`` is not stable; Python's sort is, so ties keep
their input order.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.validation.names import is_dns1123_subdomain
from ..client.client import ApiError, Client
from ..client.record import EVENT_NORMAL, EVENT_WARNING, EventRecorder

__all__ = [
    "FAILED_CREATE_POD_REASON",
    "FAILED_DELETE_POD_REASON",
    "POD_DELETION_COST",
    "SLOW_START_INITIAL_BATCH_SIZE",
    "SUCCESSFUL_CREATE_POD_REASON",
    "SUCCESSFUL_DELETE_POD_REASON",
    "ActivePodsWithRanks",
    "AggregateError",
    "ControllerError",
    "PodControl",
    "RSControl",
    "active_pods_less",
    "compute_hash",
    "filter_active_pods",
    "filter_active_replica_sets",
    "fnv32a",
    "get_controller_of",
    "get_deletion_cost_from_pod_annotations",
    "get_pod_from_template",
    "get_pod_ready_condition",
    "get_pods_prefix",
    "has_status_cause",
    "is_controlled_by",
    "is_pod_active",
    "is_pod_available",
    "is_pod_ready",
    "new_controller_ref",
    "parse_time",
    "pod_key",
    "replica_sets_by_creation_timestamp",
    "replica_sets_by_size_newer",
    "replica_sets_by_size_older",
    "safe_encode_string",
    "slow_start_batch",
    "sort_active_pods",
    "with_type",
]

JSON = dict[str, Any]

#: ``SlowStartInitialBatchSize``: the first batch of creations is 1 pod; each successful batch
#: doubles the next one (1, 2, 4, 8, ...).
SLOW_START_INITIAL_BATCH_SIZE = 1

#: Event reasons (``controller_utils.go``)
FAILED_CREATE_POD_REASON = "FailedCreate"
SUCCESSFUL_CREATE_POD_REASON = "SuccessfulCreate"
FAILED_DELETE_POD_REASON = "FailedDelete"
SUCCESSFUL_DELETE_POD_REASON = "SuccessfulDelete"

#: ``core.PodDeletionCost``
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
#: ``v1.NamespaceTerminatingCause``
NAMESPACE_TERMINATING_CAUSE = "NamespaceTerminating"

#: ``rand.SafeEncodeString``'s alphabet (``alphanums``): no vowels, no confusable characters
SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_FNV32_OFFSET = 2166136261
_FNV32_PRIME = 16777619


class ControllerError(Exception):
    """An error a controller returns that is not an API error (upstream ``fmt.Errorf``)."""


class AggregateError(ControllerError):
    """``utilerrors.NewAggregate``: one error prints as itself, several as ``[e1, e2]``."""

    def __init__(self, errors: Sequence[BaseException]) -> None:
        self.errors = list(errors)
        msgs = [str(e) for e in self.errors]
        super().__init__(msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]")


def has_status_cause(err: BaseException, cause_type: str) -> bool:
    """``apierrors.HasStatusCause``: does the Status carry a cause of that type?"""
    if not isinstance(err, ApiError):
        return False
    causes = (err.status.get("details") or {}).get("causes") or []
    return any(c.get("type") == cause_type for c in causes)


# -- time ------------------------------------------------------------------------------------------


def parse_time(value: Any) -> float | None:
    """A ``metav1.Time`` (RFC 3339 string) as POSIX seconds; ``None`` for the zero time."""
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


# -- owner references ------------------------------------------------------------------------------


def get_controller_of(obj: Mapping[str, Any]) -> JSON | None:
    """``metav1.GetControllerOf``: the ownerReference with ``controller: true``, if any."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return dict(ref)
    return None


def is_controlled_by(obj: Mapping[str, Any], owner: Mapping[str, Any]) -> bool:
    """``metav1.IsControlledBy``: the controller reference points at ``owner``'s UID."""
    ref = get_controller_of(obj)
    return ref is not None and ref.get("uid") == owner.get("metadata", {}).get("uid")


def new_controller_ref(owner: Mapping[str, Any], api_version: str, kind: str) -> JSON:
    """``metav1.NewControllerRef``: ``controller: true`` and ``blockOwnerDeletion: true``."""
    meta = owner["metadata"]
    return {"apiVersion": api_version, "kind": kind, "name": meta["name"], "uid": meta["uid"],
            "controller": True, "blockOwnerDeletion": True}


def with_type(obj: Mapping[str, Any], api_version: str, kind: str) -> JSON:
    """A shallow copy with ``apiVersion`` and ``kind`` set. Objects of a list (an informer's
    first fill) carry no type, as in client-go, where the scheme supplies it when encoding or
    recording events; here the controller does."""
    return {"apiVersion": api_version, "kind": kind, **{
        k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}}


def pod_key(pod: Mapping[str, Any]) -> str:
    """``controller.PodKey``: ``"<namespace>/<name>"``."""
    meta = pod["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


# -- pod state -------------------------------------------------------------------------------------


def is_pod_active(pod: Mapping[str, Any]) -> bool:
    """``IsPodActive``: not ``Succeeded``, not ``Failed`` and not being deleted."""
    phase = pod.get("status", {}).get("phase")
    return (phase not in ("Succeeded", "Failed")
            and not pod.get("metadata", {}).get("deletionTimestamp"))


def filter_active_pods(pods: Iterable[JSON]) -> list[JSON]:
    """``FilterActivePods``: the pods for which :func:`is_pod_active` holds."""
    return [p for p in pods if is_pod_active(p)]


def get_pod_ready_condition(pod: Mapping[str, Any]) -> JSON | None:
    """``GetPodReadyCondition``: the ``Ready`` condition of the pod's status, if any."""
    for c in pod.get("status", {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return dict(c)
    return None


def is_pod_ready(pod: Mapping[str, Any]) -> bool:
    """``IsPodReady``: the ``Ready`` condition is ``True``."""
    c = get_pod_ready_condition(pod)
    return c is not None and c.get("status") == "True"


def is_pod_available(pod: Mapping[str, Any], min_ready_seconds: int, now: float) -> bool:
    """``IsPodAvailable``: ready, and ready for more than ``minReadySeconds`` (strictly:
    ``lastTransitionTime + minReadySeconds`` is *before* ``now``, POSIX seconds)."""
    if not is_pod_ready(pod):
        return False
    c = get_pod_ready_condition(pod) or {}
    ltt = parse_time(c.get("lastTransitionTime"))
    return min_ready_seconds == 0 or (ltt is not None and ltt + min_ready_seconds < now)


def get_deletion_cost_from_pod_annotations(annotations: Mapping[str, str] | None) -> int:
    """``GetDeletionCostFromPodAnnotations``: the int32 cost, 0 when absent or invalid
    (``+10`` and ``008`` are invalid)."""
    value = (annotations or {}).get(POD_DELETION_COST)
    if value is None:
        return 0
    if not value or not (value[0] == "-" or value == "0" or "1" <= value[0] <= "9"):
        return 0
    try:
        i = int(value, 10)
    except ValueError:
        return 0
    return i if -(2**31) <= i < 2**31 else 0


# -- deletion ranking ----------------------------------------------------------------------------

_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


def _node(pod: Mapping[str, Any]) -> str:
    return str(pod.get("spec", {}).get("nodeName") or "")


def _phase_ordinal(pod: Mapping[str, Any]) -> int:
    # a missing phase is Go's "" which is not in the map: ordinal 0, like Pending
    return _PHASE_ORDINAL.get(pod.get("status", {}).get("phase", ""), 0)


def pod_ready_time(pod: Mapping[str, Any]) -> float | None:
    """``podReadyTime``: when the ``Ready=True`` condition last changed (``None`` = zero)."""
    if is_pod_ready(pod):
        for c in pod.get("status", {}).get("conditions") or []:
            if c.get("type") == "Ready" and c.get("status") == "True":
                return parse_time(c.get("lastTransitionTime"))
    return None


def _creation_time(pod: Mapping[str, Any]) -> float | None:
    return parse_time(pod.get("metadata", {}).get("creationTimestamp"))


def max_container_restarts(pod: Mapping[str, Any]) -> tuple[int, int]:
    """``maxContainerRestarts``: (max restarts of regular containers, of sidecars — init
    containers with ``restartPolicy: Always``)."""
    status = pod.get("status", {})
    regular = max((int(c.get("restartCount", 0)) for c in status.get("containerStatuses") or []),
                  default=0)
    sidecars = {c.get("name") for c in pod.get("spec", {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    sidecar = max((int(c.get("restartCount", 0))
                   for c in status.get("initContainerStatuses") or []
                   if c.get("name") in sidecars), default=0)
    return regular, sidecar


def compare_max_container_restarts(pi: Mapping[str, Any], pj: Mapping[str, Any]) -> bool | None:
    """``compareMaxContainerRestarts``: ``True`` if ``pi`` restarted more (delete it first),
    ``False`` if less, ``None`` if equal."""
    ri, si = max_container_restarts(pi)
    rj, sj = max_container_restarts(pj)
    if ri != rj:
        return ri > rj
    if si != sj:
        return si > sj
    return None


def after_or_zero(t1: float | None, t2: float | None) -> bool:
    """``afterOrZero``: is ``t1`` after ``t2``? A zero time counts as after any other."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def logarithmic_rank_diff(t1: float, t2: float, now: float) -> int:
    """``logarithmicRankDiff``: ``floor(log2(now - t1)) - floor(log2(now - t2))`` on
    nanosecond durations (Go's ``time.Duration``); a non-positive duration ranks -1.

    >>> logarithmic_rank_diff(0, 3600 * 3, 3600 * 8)   # 8 h ago vs 5 h ago: same bucket (2^44 ns)
    0
    >>> logarithmic_rank_diff(0, 3600 * 6, 3600 * 8)   # 8 h ago vs 2 h ago: 2^44 vs 2^42 ns
    2
    """
    def rank(t: float) -> int:
        d = round((now - t) * 1e9)
        return int(math.log2(d)) if d > 0 else -1
    return rank(t1) - rank(t2)


def active_pods_less(pi: Mapping[str, Any], pj: Mapping[str, Any]) -> bool:
    """``ActivePods.Less``: should ``pi`` be deleted before ``pj``?"""
    ni, nj = _node(pi), _node(pj)
    if ni != nj and (not ni or not nj):
        return not ni
    oi, oj = _phase_ordinal(pi), _phase_ordinal(pj)
    if oi != oj:
        return oi < oj
    ri, rj = is_pod_ready(pi), is_pod_ready(pj)
    if ri != rj:
        return not ri
    if ri and rj:
        t1, t2 = pod_ready_time(pi), pod_ready_time(pj)
        if t1 != t2:
            return after_or_zero(t1, t2)
    res = compare_max_container_restarts(pi, pj)
    if res is not None:
        return res
    c1, c2 = _creation_time(pi), _creation_time(pj)
    if c1 != c2:
        return after_or_zero(c1, c2)
    return False


def _less_to_cmp(less: Callable[[Any, Any], bool]) -> Callable[[Any, Any], int]:
    def cmp(a: Any, b: Any) -> int:
        if less(a, b):
            return -1
        if less(b, a):
            return 1
        return 0
    return cmp


def sort_active_pods(pods: Iterable[JSON]) -> list[JSON]:
    """``sort.Sort(ActivePods(pods))``: a new list, the pods to delete first at the front."""
    return sorted(pods, key=functools.cmp_to_key(_less_to_cmp(active_pods_less)))


@dataclass
class ActivePodsWithRanks:
    """``ActivePodsWithRanks``: pods, one rank per pod (the number of related active pods on
    the same node), and ``now`` (POSIX seconds, ``None`` = zero) for the logarithmic buckets."""

    pods: list[JSON]
    rank: list[int]
    now: float | None = None
    pod_deletion_cost: bool = True
    logarithmic_scale_down: bool = True

    def less(self, i: int, j: int) -> bool:
        """``ActivePodsWithRanks.Less``."""
        pi, pj = self.pods[i], self.pods[j]
        ni, nj = _node(pi), _node(pj)
        # 1. Unassigned < assigned
        if ni != nj and (not ni or not nj):
            return not ni
        # 2. PodPending < PodUnknown < PodRunning
        oi, oj = _phase_ordinal(pi), _phase_ordinal(pj)
        if oi != oj:
            return oi < oj
        # 3. Not ready < ready
        ri, rj = is_pod_ready(pi), is_pod_ready(pj)
        if ri != rj:
            return not ri
        # 4. lower pod-deletion-cost < higher pod-deletion cost
        if self.pod_deletion_cost:
            ci = get_deletion_cost_from_pod_annotations(pi.get("metadata", {}).get("annotations"))
            cj = get_deletion_cost_from_pod_annotations(pj.get("metadata", {}).get("annotations"))
            if ci != cj:
                return ci < cj
        # 5. Doubled up < not doubled up
        if self.rank[i] != self.rank[j]:
            return self.rank[i] > self.rank[j]
        # 6. Been ready for empty time < less time < more time
        if ri and rj:
            t1, t2 = pod_ready_time(pi), pod_ready_time(pj)
            if t1 != t2:
                return self._newer(t1, t2, pi, pj)
        # 7. Pods with containers with higher restart counts < lower restart counts
        res = compare_max_container_restarts(pi, pj)
        if res is not None:
            return res
        # 8. Empty creation time pods < newer pods < older pods
        c1, c2 = _creation_time(pi), _creation_time(pj)
        if c1 != c2:
            return self._newer(c1, c2, pi, pj)
        return False

    def _newer(self, t1: float | None, t2: float | None, pi: Mapping[str, Any],
               pj: Mapping[str, Any]) -> bool:
        if not self.logarithmic_scale_down or self.now is None or t1 is None or t2 is None:
            return after_or_zero(t1, t2)
        diff = logarithmic_rank_diff(t1, t2, self.now)
        if diff == 0:
            return str(pi.get("metadata", {}).get("uid", "")) < str(
                pj.get("metadata", {}).get("uid", ""))
        return diff < 0

    def sort(self) -> None:
        """``sort.Sort(podsWithRanks)``: reorder ``pods`` and ``rank`` together, in place."""
        order = sorted(range(len(self.pods)),
                       key=functools.cmp_to_key(_less_to_cmp(self.less)))
        self.pods = [self.pods[i] for i in order]
        self.rank = [self.rank[i] for i in order]


def get_pods_ranked_by_related_pods_on_same_node(
        pods_to_rank: list[JSON], related_pods: Iterable[Mapping[str, Any]],
        now: float | None) -> ActivePodsWithRanks:
    """``getPodsRankedByRelatedPodsOnSameNode`` (``replica_set.go``): each pod's rank is the
    number of active related pods on its node (unscheduled pods share the node ``""``)."""
    on_node: dict[str, int] = {}
    for pod in related_pods:
        if is_pod_active(pod):
            on_node[_node(pod)] = on_node.get(_node(pod), 0) + 1
    ranks = [on_node.get(_node(p), 0) for p in pods_to_rank]
    return ActivePodsWithRanks(list(pods_to_rank), ranks, now)


# -- replica sets ----------------------------------------------------------------------------------


def _replicas(rs: Mapping[str, Any]) -> int:
    return int(rs.get("spec", {}).get("replicas", 0) or 0)


def filter_active_replica_sets(rss: Iterable[JSON | None]) -> list[JSON]:
    """``FilterActiveReplicaSets``: the replica sets with ``spec.replicas > 0`` (``None`` is
    dropped)."""
    return [rs for rs in rss if rs is not None and _replicas(rs) > 0]


def rs_by_creation_less(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    ta = parse_time(a["metadata"].get("creationTimestamp")) or 0.0
    tb = parse_time(b["metadata"].get("creationTimestamp")) or 0.0
    if ta == tb:
        return str(a["metadata"]["name"]) < str(b["metadata"]["name"])
    return ta < tb


def replica_sets_by_creation_timestamp(rss: Iterable[JSON]) -> list[JSON]:
    """``ReplicaSetsByCreationTimestamp``: oldest first; same second → by name."""
    return sorted(rss, key=functools.cmp_to_key(_less_to_cmp(rs_by_creation_less)))


def replica_sets_by_size_older(rss: Iterable[JSON]) -> list[JSON]:
    """``ReplicaSetsBySizeOlder``: largest first; same size → older first."""
    def less(a: JSON, b: JSON) -> bool:
        if _replicas(a) == _replicas(b):
            return rs_by_creation_less(a, b)
        return _replicas(a) > _replicas(b)
    return sorted(rss, key=functools.cmp_to_key(_less_to_cmp(less)))


def replica_sets_by_size_newer(rss: Iterable[JSON]) -> list[JSON]:
    """``ReplicaSetsBySizeNewer``: largest first; same size → newer first."""
    def less(a: JSON, b: JSON) -> bool:
        if _replicas(a) == _replicas(b):
            return rs_by_creation_less(b, a)
        return _replicas(a) > _replicas(b)
    return sorted(rss, key=functools.cmp_to_key(_less_to_cmp(less)))


# -- slow start ------------------------------------------------------------------------------------


def slow_start_batch(count: int, initial_batch_size: int,
                     fn: Callable[[], None]) -> tuple[int, BaseException | None]:
    """``slowStartBatch``: call ``fn`` ``count`` times in batches of 1, 2, 4, ... (capped by what
    remains). A batch with a failure ends the run. Returns (successes, first error or None).

    >>> calls = []
    >>> slow_start_batch(10, 1, lambda: calls.append(1))
    (10, None)
    """
    remaining = count
    successes = 0
    batch_size = min(remaining, initial_batch_size)
    while batch_size > 0:
        errors: list[BaseException] = []
        for _ in range(batch_size):
            try:
                fn()
            except Exception as err:  # upstream collects errors from the goroutines
                errors.append(err)
        successes += batch_size - len(errors)
        if errors:
            return successes, errors[0]
        remaining -= batch_size
        batch_size = min(2 * batch_size, remaining)
    return successes, None


def slow_start_batch_sizes(count: int, initial_batch_size: int = SLOW_START_INITIAL_BATCH_SIZE
                           ) -> list[int]:
    """The batch sizes :func:`slow_start_batch` uses when nothing fails.

    >>> slow_start_batch_sizes(10)
    [1, 2, 4, 3]
    """
    sizes: list[int] = []
    remaining = count
    batch = min(remaining, initial_batch_size)
    while batch > 0:
        sizes.append(batch)
        remaining -= batch
        batch = min(2 * batch, remaining)
    return sizes


# -- hashing -------------------------------------------------------------------------------------


def fnv32a(data: bytes, h: int = _FNV32_OFFSET) -> int:
    """FNV-1a, 32 bits (Go's ``hash/fnv.New32a``)."""
    for b in data:
        h ^= b
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """``rand.SafeEncodeString``: each character ``c`` → ``alphanums[ord(c) % 27]``.

    >>> safe_encode_string("0123456789")
    '456789bcdf'
    """
    return "".join(SAFE_ALPHANUMS[ord(c) % len(SAFE_ALPHANUMS)] for c in s)


def compute_hash(template: Mapping[str, Any], collision_count: int | None = None) -> str:
    """``ComputeHash``: the ``pod-template-hash`` of a pod template (see the module docstring
    for how it differs from upstream's bytes)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    h = fnv32a(data)
    if collision_count is not None:
        # binary.LittleEndian.PutUint32 into an 8-byte slice: 4 bytes of value, 4 zero bytes
        h = fnv32a((int(collision_count) & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4), h)
    return safe_encode_string(str(h))


# -- pod creation ----------------------------------------------------------------------------------


def get_pods_prefix(controller_name: str) -> str:
    """``getPodsPrefix``: ``"<name>-"`` if that is a valid ``generateName`` (a DNS subdomain
    once the trailing dash is masked), else the bare name."""
    prefix = f"{controller_name}-"
    masked = prefix[:-2] + "a" if len(prefix) > 1 else prefix  # maskTrailingDash
    return prefix if not is_dns1123_subdomain(masked) else controller_name


def get_pod_from_template(template: Mapping[str, Any], parent: Mapping[str, Any],
                          controller_ref: Mapping[str, Any] | None) -> JSON:
    """``GetPodFromTemplate``: the pod to POST — the template's labels, annotations, finalizers
    and spec, ``generateName: <parent>-``, and the controller reference."""
    tmeta = template.get("metadata") or {}
    meta: JSON = {
        "labels": dict(tmeta.get("labels") or {}),
        "annotations": dict(tmeta.get("annotations") or {}),
        "generateName": get_pods_prefix(parent["metadata"]["name"]),
        "finalizers": list(tmeta.get("finalizers") or []),
    }
    if controller_ref is not None:
        meta["ownerReferences"] = [dict(controller_ref)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": copy.deepcopy(template.get("spec") or {})}


def validate_controller_ref(ref: Mapping[str, Any] | None) -> None:
    """``validateControllerRef``: raises :class:`ControllerError` with upstream's texts."""
    if ref is None:
        raise ControllerError("controllerRef is nil")
    if not ref.get("apiVersion"):
        raise ControllerError("controllerRef has empty APIVersion")
    if not ref.get("kind"):
        raise ControllerError("controllerRef has empty Kind")
    if not ref.get("controller"):
        raise ControllerError("controllerRef.Controller is not set to true")
    if not ref.get("blockOwnerDeletion"):
        raise ControllerError("controllerRef.BlockOwnerDeletion is not set")


@dataclass
class PodControl:
    """``RealPodControl``: creates and deletes pods for a controller and records the events
    (``SuccessfulCreate`` "Created pod: <name>", ``FailedCreate`` "Error creating: <err>",
    ``SuccessfulDelete`` "Deleted pod: <name>", ``FailedDelete`` "Error deleting: <err>") on
    the controller object."""

    client: Client
    recorder: EventRecorder
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def create_pods(self, namespace: str, template: Mapping[str, Any],
                    controller_obj: Mapping[str, Any], controller_ref: Mapping[str, Any],
                    generate_name: str = "") -> JSON:
        """``CreatePods`` / ``CreatePodsWithGenerateName``; raises on failure."""
        validate_controller_ref(controller_ref)
        pod = get_pod_from_template(template, controller_obj, controller_ref)
        if generate_name:
            pod["metadata"]["generateName"] = generate_name
        if not pod["metadata"]["labels"]:
            raise ControllerError("unable to create pods, no labels")
        try:
            new = self.client.create("pods", pod, namespace)
        except ApiError as err:
            if not has_status_cause(err, NAMESPACE_TERMINATING_CAUSE):
                self.recorder.event(dict(controller_obj), EVENT_WARNING,
                                    FAILED_CREATE_POD_REASON, f"Error creating: {err}")
            raise
        self.created.append(new["metadata"]["name"])
        self.recorder.event(dict(controller_obj), EVENT_NORMAL, SUCCESSFUL_CREATE_POD_REASON,
                            f"Created pod: {new['metadata']['name']}")
        return new

    def delete_pod(self, namespace: str, name: str, controller_obj: Mapping[str, Any]) -> None:
        """``DeletePod``: a 404 is re-raised as is (callers ignore it); other failures record
        ``FailedDelete`` and raise ``unable to delete pods: <err>``."""
        try:
            self.client.delete("pods", name, namespace)
        except ApiError as err:
            if err.code == 404:
                raise
            self.recorder.event(dict(controller_obj), EVENT_WARNING, FAILED_DELETE_POD_REASON,
                                f"Error deleting: {err}")
            raise ControllerError(f"unable to delete pods: {err}") from err
        self.deleted.append(name)
        self.recorder.event(dict(controller_obj), EVENT_NORMAL, SUCCESSFUL_DELETE_POD_REASON,
                            f"Deleted pod: {name}")

    def patch_pod(self, namespace: str, name: str, patch: Mapping[str, Any]) -> None:
        """``PatchPod``: a strategic merge patch."""
        self.client.patch("pods", name, dict(patch), namespace, patch_type="strategic")


@dataclass
class RSControl:
    """``RealRSControl``: patches ReplicaSets (adoption and release by Deployments)."""

    client: Client

    def patch_replica_set(self, namespace: str, name: str, patch: Mapping[str, Any]) -> None:
        self.client.patch("replicasets", name, dict(patch), namespace, patch_type="strategic")
