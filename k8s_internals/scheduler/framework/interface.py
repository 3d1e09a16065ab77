"""The scheduling framework's vocabulary: :class:`Status` and its :class:`Code`, one small
protocol per extension point, cluster events and queueing hints.

Mirrors ``pkg/scheduler/framework/interface.go`` and the staging module
``k8s.io/kube-scheduler/framework`` (``fwk``) it moved to:

- one tiny root (:class:`Plugin`: a ``name``) and one protocol per extension point, each adding
  one verb: ``pre_enqueue``, ``less``, ``pre_filter``, ``filter``, ``post_filter``, ``pre_score``,
  ``score``, ``reserve``/``unreserve``, ``permit``, ``pre_bind``, ``bind``, ``post_bind``;
- optional behaviour hangs off accessors that may return ``None``: ``score_extensions()``
  (``normalize_score``) and ``pre_filter_extensions()`` (``add_pod``/``remove_pod``); a plugin
  that lacks the accessor is treated as returning ``None``;
- every call returns a :class:`Status` (or ``None``, which means success, as a nil
  ``*Status`` does in Go); ``MAX_NODE_SCORE = 100``, ``MIN_NODE_SCORE = 0``.

Plugins are duck-typed: a plain Python class with a ``name`` and, say, a ``filter`` method is a
Filter plugin. The protocols are ``runtime_checkable`` so ``isinstance(p, FilterPlugin)`` answers
"does it extend this point", which is how the framework builds its per-point lists
(upstream uses ``reflect.TypeOf(pg).Implements(pluginType)``).

Python spellings: methods are snake_case (``PreFilter`` → ``pre_filter``); ``Score`` returns
``(score, status)`` like Go, but the framework also accepts a bare ``int``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum, IntFlag, StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .cycle_state import CycleState
    from .types import NodeInfo, NodeToStatus, PodInfo, QueuedPodInfo

__all__ = [
    "MAX_NODE_SCORE",
    "MAX_TOTAL_SCORE",
    "MIN_NODE_SCORE",
    "ActionType",
    "BindPlugin",
    "ClusterEvent",
    "ClusterEventWithHint",
    "Code",
    "EnqueueExtensions",
    "EventResource",
    "FilterPlugin",
    "Handle",
    "Lister",
    "NodeInfoLister",
    "NodeScore",
    "NominatingInfo",
    "NominatingMode",
    "PermitPlugin",
    "Plugin",
    "PostBindPlugin",
    "PostFilterPlugin",
    "PostFilterResult",
    "PreBindPlugin",
    "PreEnqueuePlugin",
    "PreFilterExtensions",
    "PreFilterPlugin",
    "PreFilterResult",
    "PreScorePlugin",
    "QueueSortPlugin",
    "QueueingHint",
    "QueueingHintFn",
    "ReservePlugin",
    "ScoreExtensions",
    "ScorePlugin",
    "Status",
    "as_status",
    "code_of",
    "is_success",
]

#: ``MaxNodeScore``: the maximum score a Score plugin is expected to return (after normalizing)
MAX_NODE_SCORE = 100
#: ``MinNodeScore``
MIN_NODE_SCORE = 0
#: ``MaxTotalScore = math.MaxInt64``: the weighted sum must stay below it
MAX_TOTAL_SCORE = 2**63 - 1


class Code(IntEnum):
    """``fwk.Code``. The names print as upstream's ``Code.String()``."""

    Success = 0
    #: an internal plugin error, an unexpected input...
    Error = 1
    #: the pod does not fit this node; preemption might help
    Unschedulable = 2
    #: the pod does not fit this node and preemption would not help
    UnschedulableAndUnresolvable = 3
    #: a Permit plugin asks the pod to wait
    Wait = 4
    #: PreFilter/PreScore: "nothing to do for this pod", skip my Filter/Score; Bind: "not mine"
    Skip = 5
    #: the pod waits for something outside the scheduler (treated like Unschedulable)
    Pending = 6


class Status:
    """``fwk.Status``: a code, reasons, an optional error and the plugin that returned it.

    >>> s = Status(Code.Unschedulable, "Insufficient cpu", "Insufficient memory")
    >>> s.message(), s.is_rejected(), s.code.name
    ('Insufficient cpu, Insufficient memory', True, 'Unschedulable')
    """

    __slots__ = ("_code", "_reasons", "err", "plugin")

    def __init__(self, code: Code = Code.Success, *reasons: str,
                 err: BaseException | None = None, plugin: str = "") -> None:
        self._code = code
        self._reasons = list(reasons)
        self.err = err
        self.plugin = plugin

    @property
    def code(self) -> Code:
        return self._code

    @property
    def reasons(self) -> list[str]:
        """``Reasons()``: the error's message if there is one, else the reasons."""
        if self.err is not None:
            return [str(self.err), *self._reasons]
        return list(self._reasons)

    def message(self) -> str:
        """``Message()``: the reasons joined with ``", "``."""
        return ", ".join(self.reasons)

    def with_plugin(self, plugin: str) -> Status:
        """``WithPlugin``/``SetPlugin`` (returns self)."""
        self.plugin = plugin
        return self

    def is_success(self) -> bool:
        return self._code == Code.Success

    def is_wait(self) -> bool:
        return self._code == Code.Wait

    def is_skip(self) -> bool:
        return self._code == Code.Skip

    def is_rejected(self) -> bool:
        """``IsRejected``: Unschedulable, UnschedulableAndUnresolvable or Pending."""
        return self._code in (Code.Unschedulable, Code.UnschedulableAndUnresolvable, Code.Pending)

    def as_error(self) -> Exception | None:
        """``AsError``: ``None`` for Success/Skip, else an exception carrying the message."""
        if self._code in (Code.Success, Code.Skip):
            return None
        if isinstance(self.err, Exception):
            return self.err
        return RuntimeError(self.message())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return (self._code == other._code and self.reasons == other.reasons
                and self.plugin == other.plugin)

    def __hash__(self) -> int:
        return hash((self._code, tuple(self.reasons), self.plugin))

    def __repr__(self) -> str:
        plugin = f", plugin={self.plugin!r}" if self.plugin else ""
        return f"Status({self._code.name}, {self.message()!r}{plugin})"


def as_status(err: BaseException) -> Status:
    """``AsStatus``: wrap an error as an ``Error`` status."""
    return Status(Code.Error, err=err)


def is_success(status: Status | None) -> bool:
    """A ``None`` status is success (Go's nil ``*Status``)."""
    return status is None or status.code == Code.Success


def code_of(status: Status | None) -> Code:
    return Code.Success if status is None else status.code


# -- results -------------------------------------------------------------------------------------


@dataclass
class PreFilterResult:
    """``PreFilterResult``: ``node_names`` restricts the nodes to evaluate (``None`` = all)."""

    node_names: set[str] | None = None

    def all_nodes(self) -> bool:
        return self.node_names is None

    def merge(self, other: PreFilterResult | None) -> PreFilterResult:
        """``Merge``: the intersection of the two node sets (``None`` means all nodes)."""
        if other is None or other.all_nodes():
            return PreFilterResult(None if self.node_names is None else set(self.node_names))
        if self.all_nodes():
            return PreFilterResult(set(other.node_names or ()))
        return PreFilterResult((self.node_names or set()) & (other.node_names or set()))


class NominatingMode(Enum):
    NoOp = 0
    Override = 1


@dataclass
class NominatingInfo:
    """``NominatingInfo``: what to set ``status.nominatedNodeName`` to."""

    nominated_node_name: str = ""
    mode: NominatingMode = NominatingMode.NoOp


@dataclass
class PostFilterResult:
    """``PostFilterResult``: preemption's nomination."""

    nominating_info: NominatingInfo | None = None


class NodeScore:
    """``NodeScore``: a node name and a (mutable) score, what ``normalize_score`` edits."""

    __slots__ = ("name", "score")

    def __init__(self, name: str, score: int) -> None:
        self.name = name
        self.score = score

    def __repr__(self) -> str:
        return f"NodeScore({self.name!r}, {self.score})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, NodeScore) and self.name == other.name
                and self.score == other.score)

    def __hash__(self) -> int:
        return hash((self.name, self.score))


# -- cluster events and queueing hints ------------------------------------------------------------


class EventResource(StrEnum):
    """``fwk.EventResource``. ``AssignedPod``/``UnschedulablePod`` are the queue's internal
    refinements of ``Pod``."""

    Pod = "Pod"
    AssignedPod = "AssignedPod"
    UnschedulablePod = "UnschedulablePod"
    Node = "Node"
    PersistentVolume = "PersistentVolume"
    PersistentVolumeClaim = "PersistentVolumeClaim"
    StorageClass = "StorageClass"
    CSINode = "CSINode"
    WildCard = "*"


class ActionType(IntFlag):
    """``fwk.ActionType`` (bit values as upstream's ``1 << iota``)."""

    Add = 1
    Delete = 2
    UpdateNodeAllocatable = 4
    UpdateNodeLabel = 8
    UpdateNodeTaint = 16
    UpdateNodeCondition = 32
    UpdateNodeAnnotation = 64
    UpdatePodLabel = 128
    UpdatePodScaleDown = 256
    UpdatePodToleration = 512
    UpdatePodSchedulingGatesEliminated = 1024
    UpdatePodGeneratedResourceClaim = 2048
    All = 4095
    Update = 4092


@dataclass(frozen=True)
class ClusterEvent:
    """``fwk.ClusterEvent``: a resource and the action(s)."""

    resource: EventResource
    action_type: ActionType

    def label(self) -> str:
        """``Label()``, e.g. ``NodeAdd``, ``AssignedPodDelete``, ``NodeUpdateNodeTaint``."""
        action = self.action_type
        names = [a.name for a in ActionType
                 if a not in (ActionType.All, ActionType.Update) and a & action]
        if action == ActionType.All:
            text = "All"
        elif action == ActionType.Update:
            text = "Update"
        else:
            text = "|".join(n or "" for n in names)
        return f"{self.resource.value}{text}"

    def matches(self, incoming: ClusterEvent) -> bool:
        """``MatchClusterEvents(ce, incomingEvent)``: ``incoming`` is the same or more
        specific than this registered event."""
        if self.resource == EventResource.WildCard and self.action_type == ActionType.All:
            return True
        r, ir = self.resource, incoming.resource
        resource_ok = (r == EventResource.WildCard or r == ir or (
            r == EventResource.Pod
            and ir in (EventResource.AssignedPod, EventResource.UnschedulablePod)))
        return (resource_ok and bool(self.action_type & incoming.action_type)
                and int(incoming.action_type) <= int(self.action_type))


class QueueingHint(IntEnum):
    """``fwk.QueueingHint``."""

    QueueSkip = 0
    Queue = 1


#: ``QueueingHintFn(pod, oldObj, newObj) -> QueueingHint``
QueueingHintFn = Callable[[dict[str, Any], Any, Any], QueueingHint]


@dataclass(frozen=True)
class ClusterEventWithHint:
    """``fwk.ClusterEventWithHint``: no hint function means "always Queue"."""

    event: ClusterEvent
    queueing_hint_fn: QueueingHintFn | None = field(default=None, compare=False)


# -- extension points -----------------------------------------------------------------------------


@runtime_checkable
class Plugin(Protocol):
    """``fwk.Plugin``: every plugin has a name (used in configs, events and explain)."""

    name: str


@runtime_checkable
class PreEnqueuePlugin(Plugin, Protocol):
    """Runs before a pod enters activeQ; a non-success status gates the pod."""

    def pre_enqueue(self, pod: dict[str, Any]) -> Status | None: ...


@runtime_checkable
class QueueSortPlugin(Plugin, Protocol):
    """Orders activeQ; only one may be enabled."""

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool: ...


@runtime_checkable
class PreFilterExtensions(Protocol):
    """Incremental updates of PreFilter state when a pod is (hypothetically) added or removed
    (used for nominated pods and preemption)."""

    def add_pod(self, state: CycleState, pod_to_schedule: dict[str, Any],
                pod_info_to_add: PodInfo, node_info: NodeInfo) -> Status | None: ...

    def remove_pod(self, state: CycleState, pod_to_schedule: dict[str, Any],
                   pod_info_to_remove: PodInfo, node_info: NodeInfo) -> Status | None: ...


@runtime_checkable
class PreFilterPlugin(Plugin, Protocol):
    """Runs once per cycle before Filter; may restrict the nodes (``PreFilterResult``) or
    return ``Skip`` to have its Filter skipped. Optional: ``pre_filter_extensions()``."""

    def pre_filter(self, state: CycleState, pod: dict[str, Any],
                   nodes: Sequence[NodeInfo]) -> tuple[PreFilterResult | None, Status | None]: ...


@runtime_checkable
class FilterPlugin(Plugin, Protocol):
    """Runs per node; a non-success status rules the node out."""

    def filter(self, state: CycleState, pod: dict[str, Any],
               node_info: NodeInfo) -> Status | None: ...


@runtime_checkable
class PostFilterPlugin(Plugin, Protocol):
    """Runs when no node fits (preemption)."""

    def post_filter(self, state: CycleState, pod: dict[str, Any],
                    filtered_node_status: NodeToStatus
                    ) -> tuple[PostFilterResult | None, Status | None]: ...


@runtime_checkable
class PreScorePlugin(Plugin, Protocol):
    """Runs once per cycle before Score with the feasible nodes; ``Skip`` skips its Score."""

    def pre_score(self, state: CycleState, pod: dict[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None: ...


@runtime_checkable
class ScoreExtensions(Protocol):
    """``NormalizeScore``: rescale the plugin's scores to ``[0, MAX_NODE_SCORE]`` in place."""

    def normalize_score(self, state: CycleState, pod: dict[str, Any],
                        scores: list[NodeScore]) -> Status | None: ...


@runtime_checkable
class ScorePlugin(Plugin, Protocol):
    """Runs per feasible node. Optional: ``score_extensions()`` returning a ScoreExtensions."""

    def score(self, state: CycleState, pod: dict[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None] | int: ...


@runtime_checkable
class ReservePlugin(Plugin, Protocol):
    """Reserve resources for the chosen node; Unreserve undoes it on any later failure."""

    def reserve(self, state: CycleState, pod: dict[str, Any],
                node_name: str) -> Status | None: ...

    def unreserve(self, state: CycleState, pod: dict[str, Any], node_name: str) -> None: ...


@runtime_checkable
class PermitPlugin(Plugin, Protocol):
    """Approve, deny or delay (``Wait`` with a timeout in seconds) the binding."""

    def permit(self, state: CycleState, pod: dict[str, Any],
               node_name: str) -> tuple[Status | None, float]: ...


@runtime_checkable
class PreBindPlugin(Plugin, Protocol):
    def pre_bind(self, state: CycleState, pod: dict[str, Any],
                 node_name: str) -> Status | None: ...


@runtime_checkable
class BindPlugin(Plugin, Protocol):
    """Bind the pod; ``Skip`` passes to the next bind plugin."""

    def bind(self, state: CycleState, pod: dict[str, Any], node_name: str) -> Status | None: ...


@runtime_checkable
class PostBindPlugin(Plugin, Protocol):
    def post_bind(self, state: CycleState, pod: dict[str, Any], node_name: str) -> None: ...


@runtime_checkable
class EnqueueExtensions(Protocol):
    """``EventsToRegister``: the cluster events that may make a pod this plugin rejected
    schedulable, each with an optional queueing hint."""

    def events_to_register(self) -> list[ClusterEventWithHint]: ...


@runtime_checkable
class Lister(Protocol):
    """A read-only view of one resource (an informer's cache, or a static list in tests)."""

    def list(self, namespace: str = "") -> list[dict[str, Any]]: ...

    def get(self, namespace: str, name: str) -> dict[str, Any] | None: ...


@runtime_checkable
class NodeInfoLister(Protocol):
    """``SharedLister().NodeInfos()``: the snapshot of node infos plugins read."""

    def list(self) -> list[NodeInfo]: ...

    def get(self, name: str) -> NodeInfo: ...

    def have_pods_with_affinity_list(self) -> list[NodeInfo]: ...

    def have_pods_with_required_anti_affinity_list(self) -> list[NodeInfo]: ...


class Handle(Protocol):
    """``fwk.Handle``: what a plugin's factory receives — the snapshot, listers for other
    resources, the client, the event recorder, the clock and RNG, and framework services that
    some plugins (preemption) call back into."""

    @property
    def snapshot(self) -> NodeInfoLister: ...

    @property
    def profile_name(self) -> str: ...

    @property
    def client(self) -> Any: ...

    @property
    def kernel(self) -> Any: ...

    @property
    def recorder(self) -> Any: ...

    @property
    def nominator(self) -> Any: ...

    def lister(self, resource: str) -> Lister: ...

    def run_filter_plugins_with_nominated_pods(self, state: CycleState, pod: dict[str, Any],
                                               node_info: NodeInfo) -> Status | None: ...

    def run_pre_filter_extension_add_pod(self, state: CycleState, pod: dict[str, Any],
                                         pod_info: PodInfo, node_info: NodeInfo
                                         ) -> Status | None: ...

    def run_pre_filter_extension_remove_pod(self, state: CycleState, pod: dict[str, Any],
                                            pod_info: PodInfo, node_info: NodeInfo
                                            ) -> Status | None: ...
