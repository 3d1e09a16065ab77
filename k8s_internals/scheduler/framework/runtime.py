"""The framework runtime: one :class:`Framework` per profile builds the profile's plugins
from the registry and runs them at each extension point.

Mirrors ``pkg/scheduler/framework/runtime/framework.go`` (``frameworkImpl``):

- construction (``NewFramework``): instantiate every plugin the profile names (once, with its
  ``pluginConfig`` args), fill each extension point's list in configured order — errors as
  upstream: ``FilterPlugin "Foo" does not exist``, ``plugin "Foo" does not extend ScorePlugin
  plugin``, ``plugin "Foo" already registered as "FilterPlugin"`` — expand ``multiPoint``
  (explicit per-point entries first, then multiPoint ones, then the rest), require exactly one
  QueueSort and at least one Bind plugin, and set score weights (0 → 1; the sum of
  ``weight * MaxNodeScore`` must not overflow ``MaxTotalScore``);
- ``run_pre_filter_plugins`` (Skip → the plugin's Filter is skipped; an
  ``UnschedulableAndUnresolvable`` stops at once, an ``Unschedulable`` lets the others run;
  ``PreFilterResult`` node sets are intersected, an empty intersection is
  ``node(s) didn't satisfy plugin(s) [A B] simultaneously``);
- ``run_filter_plugins`` (first failure wins, with the plugin name set; an error becomes
  ``running "X" filter plugin: ...``) and ``run_filter_plugins_with_nominated_pods`` (run twice
  when equal-or-higher-priority pods are nominated to the node: with them, then without);
- ``run_score_plugins``: raw scores per plugin, ``NormalizeScore``, range check
  (``plugin "X" returns an invalid score 120, it should in the range of [0, 100] after
  normalizing``), weights, totals — returned as a :class:`ScoreResult` (columns: one list per
  plugin over the nodes), which is also what explain records;
- Reserve/Unreserve (reverse order), Permit (``Wait`` parks the pod in :class:`WaitingPod`
  until every waiting plugin allows it, one rejects it, or its timeout — at most 15 min —
  expires), PreBind, Bind (``Skip`` passes to the next binder), PostBind.

The framework is also the plugins' ``Handle`` (snapshot, listers, client, recorder, kernel,
nominator) as upstream's ``frameworkImpl`` is.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat
from typing import Any

from ..config import EXTENSION_POINTS, PluginRef, PluginSet, Profile
from .cycle_state import CycleState
from .interface import (
    MAX_NODE_SCORE,
    MAX_TOTAL_SCORE,
    MIN_NODE_SCORE,
    ActionType,
    BindPlugin,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    FilterPlugin,
    Lister,
    NodeInfoLister,
    NodeScore,
    PermitPlugin,
    PostBindPlugin,
    PostFilterPlugin,
    PostFilterResult,
    PreBindPlugin,
    PreEnqueuePlugin,
    PreFilterPlugin,
    PreFilterResult,
    PreScorePlugin,
    QueueSortPlugin,
    ReservePlugin,
    ScorePlugin,
    Status,
)
from .types import NodeInfo, NodeToStatus, PodInfo, QueuedPodInfo

__all__ = ["Framework", "FrameworkError", "ScoreResult", "WaitingPod"]

#: ``maxTimeout`` of Permit waits (seconds)
MAX_PERMIT_TIMEOUT = 15 * 60.0

#: extension point → (the protocol, upstream's interface name)
_POINTS: dict[str, tuple[type, str]] = {
    "preEnqueue": (PreEnqueuePlugin, "PreEnqueuePlugin"),
    "queueSort": (QueueSortPlugin, "QueueSortPlugin"),
    "preFilter": (PreFilterPlugin, "PreFilterPlugin"),
    "filter": (FilterPlugin, "FilterPlugin"),
    "postFilter": (PostFilterPlugin, "PostFilterPlugin"),
    "preScore": (PreScorePlugin, "PreScorePlugin"),
    "score": (ScorePlugin, "ScorePlugin"),
    "reserve": (ReservePlugin, "ReservePlugin"),
    "permit": (PermitPlugin, "PermitPlugin"),
    "preBind": (PreBindPlugin, "PreBindPlugin"),
    "bind": (BindPlugin, "BindPlugin"),
    "postBind": (PostBindPlugin, "PostBindPlugin"),
}

#: the points whose rejections make a pod "unschedulable" (and whose events can requeue it)
_REJECTING_POINTS = ("preEnqueue", "preFilter", "filter", "reserve", "permit")


class FrameworkError(ValueError):
    """A profile that cannot be instantiated."""


def _implements(plugin: Any, point: str) -> bool:
    proto, _ = _POINTS[point]
    return isinstance(plugin, proto)


def _go_q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _msg(status: Status) -> str:
    return status.message()


def _sum_columns(columns: Sequence[tuple[list[Any], Any, set[Any] | None]], offset: int,
                 n: int) -> list[Any]:
    """``offset + w_1 * col_1 + w_2 * col_2 + ...`` element-wise over the first ``n`` entries,
    as a new list, with C-level ``map`` loops. ``columns``: ``(column, weight, distinct)``,
    ``distinct`` the set of the column's values (ints only) or None; a column of few distinct
    values is mapped through a table of its weighted values (no arithmetic per node, and
    ``offset`` comes with the first such table). Without tables the additions are made in
    column order, ``offset`` last.

    >>> _sum_columns([([1, 2], 1, None), ([3, 4], 2, None)], 10, 2)
    [17, 20]
    >>> _sum_columns([([5] * 8 + [6] * 8, 3, {5, 6})], 1, 16) == [16] * 8 + [19] * 8
    True
    >>> _sum_columns([], 7, 3)
    [7, 7, 7]
    >>> _sum_columns([([5, 6, 7], 1, None)], 0, 2)
    [5, 6]
    """
    if not columns:
        return [offset] * n
    acc: Any = None
    for col, w, distinct in columns:
        if distinct is not None and len(distinct) * 8 <= len(col):
            add, offset = offset, 0
            term: Any = map({v: v * w + add for v in distinct}.__getitem__, col)
        elif w == 1:
            term = col
        else:
            term = map(operator.mul, col, repeat(w))
        acc = term if acc is None else map(operator.add, acc, term)
    if offset:
        acc = map(operator.add, acc, repeat(offset))
    return list(islice(acc, n))


def _int_columns(columns: Sequence[list[Any]]) -> bool:
    """Whether the columns hold ints only (as far as ``sum`` tells: a float, Fraction... makes
    the sum another type), so that the order of the additions of the totals does not matter
    and constant columns may be folded. Raw scores are ``int()``-ed by both paths; only what
    a NormalizeScore returns is checked. (With one plugin, the totals are its column as is:
    not folded either.)

    >>> _int_columns([[1, 2], []]), _int_columns([[1, 2.0]]), _int_columns([["a"]])
    (True, False, False)
    """
    try:
        return all(type(sum(col)) is int for col in columns)
    except (TypeError, ArithmeticError):
        return False   # not numbers: the range check below reports them as before


@dataclass
class ScoreResult:
    """The scores of one cycle, column-wise: ``raw[p][i]`` is plugin ``p``'s score for
    ``nodes[i]``; ``normalized`` after NormalizeScore; ``totals[i]`` the weighted sum."""

    nodes: list[NodeInfo]
    plugins: list[str]
    raw: dict[str, list[int]]
    normalized: dict[str, list[int]]
    weights: dict[str, int]
    totals: list[int]
    names: list[str] = field(default_factory=list)

    def node_plugin_scores(self) -> list[dict[str, Any]]:
        """Upstream's ``[]NodePluginScores`` shape: name, weighted per-plugin scores, total."""
        out = []
        for i, name in enumerate(self.names):
            out.append({"name": name,
                        "scores": [{"name": p, "score": self.normalized[p][i] * self.weights[p]}
                                   for p in self.plugins],
                        "totalScore": self.totals[i]})
        return out


class WaitingPod:
    """``waitingPod``: a pod parked at Permit until every waiting plugin allows it."""

    def __init__(self, framework: Framework, pod: dict[str, Any],
                 timeouts: Mapping[str, float]) -> None:
        self.framework = framework
        self.pod = pod
        self.pending = set(timeouts)
        self.result: Status | bool | None = False  # False = still waiting
        self._callbacks: list[Callable[[Status | None], None]] = []
        self._timers: list[Any] = []
        kernel = framework.kernel
        for plugin, timeout in timeouts.items():
            if kernel is not None:
                self._timers.append(kernel.call_later(
                    timeout, self.reject, plugin,
                    f"rejected due to timeout after waiting {_go_duration(timeout)} at plugin "
                    f"{plugin}", name=f"permit timeout {plugin}"))

    @property
    def uid(self) -> str:
        return str((self.pod.get("metadata") or {}).get("uid", ""))

    def get_pending_plugins(self) -> list[str]:
        return sorted(self.pending)

    def allow(self, plugin: str) -> None:
        """``Allow``: once every waiting plugin allowed, the binding cycle continues."""
        self.pending.discard(plugin)
        if not self.pending:
            self._finish(None)

    def reject(self, plugin: str, msg: str) -> None:
        """``Reject``: the pod fails with ``Unschedulable`` (from ``plugin``)."""
        self._finish(Status(Code.Unschedulable, msg, plugin=plugin))

    def on_done(self, callback: Callable[[Status | None], None]) -> None:
        if self.result is not False:
            callback(self.result)  # type: ignore[arg-type]
        else:
            self._callbacks.append(callback)

    def _finish(self, status: Status | None) -> None:
        if self.result is not False:
            return
        self.result = status
        for t in self._timers:
            t.cancel()
        self.framework.waiting_pods.pop(self.uid, None)
        for cb in self._callbacks:
            cb(status)


def _go_duration(seconds: float) -> str:
    if float(seconds).is_integer():
        s = int(seconds)
        h, rem = divmod(s, 3600)
        m, s = divmod(rem, 60)
        out = (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + f"{s}s"
        return out
    return f"{seconds:g}s"


class Framework:
    """``frameworkImpl`` for one profile (see the module docstring)."""

    def __init__(
        self,
        registry: Mapping[str, Callable[[Mapping[str, Any] | None, Any], Any]],
        profile: Profile,
        *,
        snapshot: NodeInfoLister,
        client: Any = None,
        kernel: Any = None,
        recorder: Any = None,
        listers: Any = None,
        nominator: Any = None,
        percentage_of_nodes_to_score: int | None = None,
    ) -> None:
        self.profile = profile
        self._snapshot = snapshot
        self._client = client
        self._kernel = kernel
        self._recorder = recorder
        self._listers = listers
        self._nominator = nominator
        self.percentage_of_nodes_to_score = (profile.percentage_of_nodes_to_score
                                             if profile.percentage_of_nodes_to_score is not None
                                             else percentage_of_nodes_to_score)
        self.waiting_pods: dict[str, WaitingPod] = {}
        self.plugins_map: dict[str, Any] = {}
        self.score_plugin_weight: dict[str, int] = {}
        self.pre_enqueue_plugins: list[Any] = []
        self.queue_sort_plugins: list[Any] = []
        self.pre_filter_plugins: list[Any] = []
        self.filter_plugins: list[Any] = []
        self.post_filter_plugins: list[Any] = []
        self.pre_score_plugins: list[Any] = []
        self.score_plugins: list[Any] = []
        self.reserve_plugins: list[Any] = []
        self.permit_plugins: list[Any] = []
        self.pre_bind_plugins: list[Any] = []
        self.bind_plugins: list[Any] = []
        self.post_bind_plugins: list[Any] = []
        self._build(registry)

    # -- Handle ------------------------------------------------------------------------------

    @property
    def snapshot(self) -> NodeInfoLister:
        return self._snapshot

    @property
    def profile_name(self) -> str:
        return self.profile.scheduler_name

    @property
    def client(self) -> Any:
        return self._client

    @property
    def kernel(self) -> Any:
        return self._kernel

    @property
    def recorder(self) -> Any:
        return self._recorder

    @property
    def nominator(self) -> Any:
        return self._nominator

    def lister(self, resource: str) -> Lister:
        if self._listers is None:
            from ..listers import StaticListers

            self._listers = StaticListers()
        return self._listers.lister(resource)  # type: ignore[no-any-return]

    def get_waiting_pod(self, uid: str) -> WaitingPod | None:
        return self.waiting_pods.get(uid)

    def iterate_over_waiting_pods(self, callback: Callable[[WaitingPod], None]) -> None:
        for wp in list(self.waiting_pods.values()):
            callback(wp)

    def reject_waiting_pod(self, uid: str) -> bool:
        wp = self.waiting_pods.get(uid)
        if wp is None:
            return False
        for plugin in wp.get_pending_plugins():
            wp.reject(plugin, "removed")
        return True

    # -- construction ------------------------------------------------------------------------

    def _list_for(self, point: str) -> list[Any]:
        attr = {"preEnqueue": "pre_enqueue_plugins", "queueSort": "queue_sort_plugins",
                "preFilter": "pre_filter_plugins", "filter": "filter_plugins",
                "postFilter": "post_filter_plugins", "preScore": "pre_score_plugins",
                "score": "score_plugins", "reserve": "reserve_plugins",
                "permit": "permit_plugins", "preBind": "pre_bind_plugins",
                "bind": "bind_plugins", "postBind": "post_bind_plugins"}[point]
        return getattr(self, attr)  # type: ignore[no-any-return]

    def _build(self, registry: Mapping[str, Callable[..., Any]]) -> None:
        prof = self.profile
        needed: list[str] = []
        for point in EXTENSION_POINTS:
            for ref in prof.plugin_set(point).enabled:
                if ref.name not in needed:
                    needed.append(ref.name)
        for name in needed:
            factory = registry.get(name)
            if factory is None:
                continue  # reported below, with the extension point's name
            try:
                plugin = factory(prof.plugin_config.get(name), self)
            except Exception as err:
                raise FrameworkError(f"initializing plugin {_go_q(name)}: {err}") from err
            self.plugins_map[name] = plugin
        for point in _POINTS:
            self._update_plugin_list(point, prof.plugin_set(point))
        multi = prof.plugin_set("multiPoint")
        if multi.enabled:
            self._expand_multi_point(multi)
        if len(self.queue_sort_plugins) != 1:
            raise FrameworkError(
                f"only one queue sort plugin required for profile with scheduler name "
                f"{_go_q(prof.scheduler_name)}, but got {len(self.queue_sort_plugins)}")
        if not self.bind_plugins:
            raise FrameworkError(f"at least one bind plugin is needed for profile with "
                                 f"scheduler name {_go_q(prof.scheduler_name)}")
        self._set_score_weights(prof.plugin_set("score").enabled + multi.enabled)

    def _update_plugin_list(self, point: str, plugin_set: PluginSet) -> None:
        """``updatePluginList``."""
        _, type_name = _POINTS[point]
        lst = self._list_for(point)
        seen: set[str] = set()
        for ref in plugin_set.enabled:
            pg = self.plugins_map.get(ref.name)
            if pg is None:
                raise FrameworkError(f"{type_name} {_go_q(ref.name)} does not exist")
            if not _implements(pg, point):
                raise FrameworkError(f"plugin {_go_q(ref.name)} does not extend {type_name} "
                                     "plugin")
            if ref.name in seen:
                raise FrameworkError(f"plugin {_go_q(ref.name)} already registered as "
                                     f"{_go_q(type_name)}")
            seen.add(ref.name)
            lst.append(pg)

    def _expand_multi_point(self, multi: PluginSet) -> None:
        """``expandMultiPointPlugins``."""
        for point, (_, type_name) in _POINTS.items():
            ps = self.profile.plugin_set(point)
            enabled = [r.name for r in ps.enabled]
            disabled = {r.name for r in ps.disabled}
            if "*" in disabled:
                continue
            multi_enabled: list[str] = []
            overrides: list[str] = []
            for ref in multi.enabled:
                pg = self.plugins_map.get(ref.name)
                if pg is None:
                    raise FrameworkError(f"{type_name} {_go_q(ref.name)} does not exist")
                if not _implements(pg, point) or ref.name in disabled:
                    continue
                if ref.name in enabled:
                    if ref.name not in overrides:
                        overrides.append(ref.name)
                    continue
                if ref.name in multi_enabled:
                    raise FrameworkError(f"plugin {_go_q(ref.name)} already registered as "
                                         f"{_go_q(type_name)}")
                multi_enabled.append(ref.name)
            order: list[str] = []
            for name in overrides + multi_enabled + enabled:
                if name not in order:
                    order.append(name)
            lst = self._list_for(point)
            lst[:] = [self.plugins_map[n] for n in order]

    def _set_score_weights(self, refs: Sequence[PluginRef]) -> None:
        """``getScoreWeights``."""
        total = 0
        for ref in refs:
            pg = self.plugins_map.get(ref.name)
            if pg is None or not _implements(pg, "score"):
                continue
            if ref.name in self.score_plugin_weight:
                continue
            w = ref.weight or 1
            self.score_plugin_weight[ref.name] = w
            if w * MAX_NODE_SCORE > MAX_TOTAL_SCORE - total:
                raise FrameworkError("total score of Score plugins could overflow")
            total += w * MAX_NODE_SCORE
        for pl in self.score_plugins:
            if self.score_plugin_weight.get(pl.name, 0) == 0:
                raise FrameworkError(f"score plugin {_go_q(pl.name)} is not configured with "
                                     "weight")

    # -- queue-related -------------------------------------------------------------------------

    def queue_sort_less(self) -> Callable[[QueuedPodInfo, QueuedPodInfo], bool]:
        return self.queue_sort_plugins[0].less  # type: ignore[no-any-return]

    def events_to_register(self) -> dict[str, list[ClusterEventWithHint]]:
        """plugin name → the events (with hints) that may make a pod it rejected schedulable;
        a plugin that does not say gets every event (``*``)."""
        out: dict[str, list[ClusterEventWithHint]] = {}
        for point in _REJECTING_POINTS:
            for pl in self._list_for(point):
                if pl.name in out:
                    continue
                fn = getattr(pl, "events_to_register", None)
                if fn is None:
                    out[pl.name] = [ClusterEventWithHint(
                        ClusterEvent(EventResource.WildCard, ActionType.All))]
                else:
                    out[pl.name] = list(fn())
        return out

    def run_pre_enqueue_plugins(self, pod: dict[str, Any]) -> Status | None:
        for pl in self.pre_enqueue_plugins:
            st = pl.pre_enqueue(pod)
            if st is not None and not st.is_success():
                st.plugin = pl.name
                return st
        return None

    # -- PreFilter / Filter --------------------------------------------------------------------

    def has_filter_plugins(self) -> bool:
        return bool(self.filter_plugins)

    def has_post_filter_plugins(self) -> bool:
        return bool(self.post_filter_plugins)

    def has_score_plugins(self) -> bool:
        return bool(self.score_plugins)

    def run_pre_filter_plugins(self, state: CycleState, pod: dict[str, Any],
                               record: dict[str, str] | None = None
                               ) -> tuple[PreFilterResult | None, Status | None, set[str]]:
        """``RunPreFilterPlugins`` → (result, status, plugins that restricted the nodes).
        ``record`` (plugin → "passed"/"skipped"/message) is filled for explain."""
        result: PreFilterResult | None = None
        plugins_with_nodes: list[str] = []
        skip: set[str] = set()
        return_status: Status | None = None
        nodes = self._snapshot.list()
        for pl in self.pre_filter_plugins:
            r, s = pl.pre_filter(state, pod, nodes)
            if s is not None and s.is_skip():
                skip.add(pl.name)
                if record is not None:
                    record[pl.name] = "skipped"
                continue
            if s is not None and not s.is_success():
                s.plugin = pl.name
                if record is not None:
                    record[pl.name] = _msg(s)
                if s.code == Code.UnschedulableAndUnresolvable:
                    return None, s, set()
                if s.code == Code.Unschedulable:
                    return_status = s
                    continue
                err = Status(Code.Error, f"running PreFilter plugin {_go_q(pl.name)}: {_msg(s)}",
                             plugin=pl.name)
                return None, err, set()
            if record is not None:
                record[pl.name] = "passed"
            if r is not None and not r.all_nodes():
                plugins_with_nodes.append(pl.name)
            result = r if result is None else result.merge(r)
            if result is not None and not result.all_nodes() and not result.node_names:
                if len(plugins_with_nodes) == 1:
                    msg = f"node(s) didn't satisfy plugin {plugins_with_nodes[0]}"
                else:
                    msg = ("node(s) didn't satisfy plugin(s) ["
                           + " ".join(plugins_with_nodes) + "] simultaneously")
                return result, Status(Code.UnschedulableAndUnresolvable, msg), \
                    set(plugins_with_nodes)
        state.skip_filter_plugins = skip
        return result, return_status, set(plugins_with_nodes)

    def run_pre_filter_extension_add_pod(self, state: CycleState, pod: dict[str, Any],
                                         pod_info: PodInfo, node_info: NodeInfo
                                         ) -> Status | None:
        """``RunPreFilterExtensionAddPod``."""
        return self._run_pre_filter_extension("AddPod", state, pod, pod_info, node_info)

    def run_pre_filter_extension_remove_pod(self, state: CycleState, pod: dict[str, Any],
                                            pod_info: PodInfo, node_info: NodeInfo
                                            ) -> Status | None:
        """``RunPreFilterExtensionRemovePod``."""
        return self._run_pre_filter_extension("RemovePod", state, pod, pod_info, node_info)

    def _run_pre_filter_extension(self, which: str, state: CycleState, pod: dict[str, Any],
                                  pod_info: PodInfo, node_info: NodeInfo) -> Status | None:
        """The loop both extension points share: every PreFilter plugin not skipped that has
        ``pre_filter_extensions``; the first failure, as upstream words it."""
        for pl in self.pre_filter_plugins:
            if pl.name in state.skip_filter_plugins:
                continue
            ext = getattr(pl, "pre_filter_extensions", lambda: None)()
            if ext is None:
                continue
            call = ext.add_pod if which == "AddPod" else ext.remove_pod
            st = call(state, pod, pod_info, node_info)
            if st is not None and not st.is_success():
                return Status(Code.Error, f"running {which} on PreFilter plugin "
                              f"{_go_q(pl.name)}: {_msg(st)}")
        return None

    def run_filter_plugins(self, state: CycleState, pod: dict[str, Any],
                           node_info: NodeInfo) -> Status | None:
        """``RunFilterPlugins``: the first non-success status (with its plugin), or None."""
        skip = state.skip_filter_plugins
        for pl in self.filter_plugins:
            if skip and pl.name in skip:
                continue
            st = pl.filter(state, pod, node_info)
            if st is not None and st.code != Code.Success:
                if not st.is_rejected():
                    st = Status(Code.Error, f"running {_go_q(pl.name)} filter plugin: "
                                f"{_msg(st)}")
                st.plugin = pl.name
                return st
        return None

    def run_filter_plugins_with_nominated_pods(self, state: CycleState, pod: dict[str, Any],
                                               node_info: NodeInfo) -> Status | None:
        """``RunFilterPluginsWithNominatedPods``."""
        nominator = self._nominator
        nominated = nominator.nominated_pods_for_node(node_info.name) \
            if nominator is not None else ()
        if not nominated:
            return self.run_filter_plugins(state, pod, node_info)
        prio = int((pod.get("spec") or {}).get("priority") or 0)
        uid = (pod.get("metadata") or {}).get("uid")
        ni_out = node_info.clone()
        state_out = state.clone()
        added = False
        for pi in nominated:
            if pi.priority >= prio and pi.uid != uid:
                ni_out.add_pod_info(pi)
                st = self.run_pre_filter_extension_add_pod(state_out, pod, pi, ni_out)
                if st is not None and not st.is_success():
                    return st
                added = True
        status = self.run_filter_plugins(state_out if added else state, pod,
                                         ni_out if added else node_info)
        if status is not None and not status.is_rejected():
            return status
        if added and status is None:
            status = self.run_filter_plugins(state, pod, node_info)
        return status

    # -- PostFilter ----------------------------------------------------------------------------

    def run_post_filter_plugins(self, state: CycleState, pod: dict[str, Any],
                                filtered: NodeToStatus
                                ) -> tuple[PostFilterResult | None, Status]:
        """``RunPostFilterPlugins``: the first success wins; otherwise the rejection
        messages are joined."""
        reasons: list[str] = []
        rejector = ""
        result: PostFilterResult | None = None
        for pl in self.post_filter_plugins:
            r, s = pl.post_filter(state, pod, filtered)
            if s is None or s.is_success():
                return r, Status(Code.Success, plugin=pl.name)
            if s.code == Code.UnschedulableAndUnresolvable:
                return r, s.with_plugin(pl.name)
            if not s.is_rejected():
                return None, Status(Code.Error, s.message(), plugin=pl.name)
            if r is not None and r.nominating_info is not None:
                result = r
            reasons.extend(s.reasons)
            if not rejector:
                rejector = pl.name
        return result, Status(Code.Unschedulable, *reasons, plugin=rejector)

    # -- PreScore / Score ----------------------------------------------------------------------

    def run_pre_score_plugins(self, state: CycleState, pod: dict[str, Any],
                              nodes: Sequence[NodeInfo],
                              record: dict[str, str] | None = None) -> Status | None:
        skip: set[str] = set()
        for pl in self.pre_score_plugins:
            st = pl.pre_score(state, pod, nodes)
            if st is not None and st.is_skip():
                skip.add(pl.name)
                if record is not None:
                    record[pl.name] = "skipped"
                continue
            if st is not None and not st.is_success():
                return Status(Code.Error, f"running PreScore plugin {_go_q(pl.name)}: "
                              f"{_msg(st)}")
            if record is not None:
                record[pl.name] = "passed"
        state.skip_score_plugins = skip
        return None

    def active_score_plugins(self, state: CycleState) -> list[Any]:
        skip = state.skip_score_plugins
        return [pl for pl in self.score_plugins if pl.name not in skip]

    def run_score_plugins(self, state: CycleState, pod: dict[str, Any],
                          nodes: Sequence[NodeInfo]
                          ) -> tuple[ScoreResult | None, Status | None]:
        """``RunScorePlugins`` (the reference, plugin by plugin, node by node)."""
        plugins = self.active_score_plugins(state)
        raw: dict[str, list[int]] = {}
        for pl in plugins:
            col: list[int] = []
            score = pl.score
            for ni in nodes:
                r = score(state, pod, ni)
                if type(r) is tuple:
                    s, st = r
                    if st is not None and not st.is_success():
                        return None, Status(Code.Error, f"running Score plugin "
                                            f"{_go_q(pl.name)}: {_msg(st)}")
                else:
                    s = r
                col.append(int(s))
            raw[pl.name] = col
        return self.finish_scores(state, pod, list(nodes), plugins, raw)

    def finish_scores(self, state: CycleState, pod: dict[str, Any], nodes: list[NodeInfo],
                      plugins: Sequence[Any], raw: dict[str, list[int]],
                      names: list[str] | None = None
                      ) -> tuple[ScoreResult | None, Status | None]:
        """NormalizeScore, range check, weights and totals (shared by both paths)."""
        if names is None:
            names = [ni.name for ni in nodes]
        normalized: dict[str, list[int]] = {}
        by_normalizer: list[list[Any]] = []
        for pl in plugins:
            col = raw[pl.name]
            ext_fn = getattr(pl, "score_extensions", None)
            ext = ext_fn() if ext_fn is not None else None
            if ext is None:
                normalized[pl.name] = col
                continue
            column_fn = getattr(ext, "normalize_column", None)
            if column_fn is not None:
                col = normalized[pl.name] = column_fn(state, pod, list(col))
            else:
                node_scores = [NodeScore(n, s) for n, s in zip(names, col, strict=True)]
                st = ext.normalize_score(state, pod, node_scores)
                if st is not None and not st.is_success():
                    return None, Status(Code.Error, f"running Normalize on Score plugin "
                                        f"{_go_q(pl.name)}: {_msg(st)}")
                col = normalized[pl.name] = [ns.score for ns in node_scores]
            by_normalizer.append(col)
        weights = {pl.name: self.score_plugin_weight[pl.name] for pl in plugins}
        # totals: the columns whose scores are all equal (common: no taints, no affinity) add
        # one constant, ``offset``; the others are summed element-wise by C-level maps
        offset = 0
        varying: list[tuple[list[Any], Any, set[Any] | None]] = []
        n = min(map(len, normalized.values())) if plugins else len(nodes)
        ints = len(plugins) > 1 and _int_columns(by_normalizer)
        for pl in plugins:
            col = normalized[pl.name]
            w = weights[pl.name]
            if not col:
                varying.append((col, w, None))
                continue
            distinct: set[Any] | None = None
            if not ints:
                out_of_range = max(col) > MAX_NODE_SCORE or min(col) < MIN_NODE_SCORE
            else:
                if col.count(col[0]) == len(col):
                    hi = lo = col[0]
                else:
                    # one C-level pass gives both bounds (and the few distinct values)
                    distinct = set(col)
                    hi, lo = max(distinct), min(distinct)
                out_of_range = hi > MAX_NODE_SCORE or lo < MIN_NODE_SCORE
            if out_of_range:
                bad = next(s for s in col if s > MAX_NODE_SCORE or s < MIN_NODE_SCORE)
                return None, Status(Code.Error, "applying score defaultWeights on Score "
                                    f"plugins: plugin {_go_q(pl.name)} returns an invalid score "
                                    f"{bad}, it should in the range of [{MIN_NODE_SCORE}, "
                                    f"{MAX_NODE_SCORE}] after normalizing")
            if distinct is None and ints:
                offset += hi * w
            else:
                varying.append((col, w, distinct))
        totals = _sum_columns(varying, offset, n)
        return ScoreResult(list(nodes), [pl.name for pl in plugins], raw, normalized, weights,
                           totals, names), None

    # -- Reserve / Permit / Bind ---------------------------------------------------------------

    def run_reserve_plugins_reserve(self, state: CycleState, pod: dict[str, Any],
                                    node_name: str) -> Status | None:
        for pl in self.reserve_plugins:
            st = pl.reserve(state, pod, node_name)
            if st is not None and not st.is_success():
                if st.is_rejected():
                    return st.with_plugin(pl.name)
                return Status(Code.Error, f"running Reserve plugin {_go_q(pl.name)}: "
                              f"{_msg(st)}", plugin=pl.name)
        return None

    def run_reserve_plugins_unreserve(self, state: CycleState, pod: dict[str, Any],
                                      node_name: str) -> None:
        for pl in reversed(self.reserve_plugins):
            pl.unreserve(state, pod, node_name)

    def run_permit_plugins(self, state: CycleState, pod: dict[str, Any],
                           node_name: str) -> Status | None:
        timeouts: dict[str, float] = {}
        for pl in self.permit_plugins:
            r = pl.permit(state, pod, node_name)
            st, timeout = r if type(r) is tuple else (r, 0.0)
            if st is None or st.is_success():
                continue
            if st.is_rejected():
                return st.with_plugin(pl.name)
            if st.is_wait():
                timeouts[pl.name] = min(float(timeout), MAX_PERMIT_TIMEOUT)
                continue
            return Status(Code.Error, f"running Permit plugin {_go_q(pl.name)}: {_msg(st)}",
                          plugin=pl.name)
        if timeouts:
            wp = WaitingPod(self, pod, timeouts)
            self.waiting_pods[wp.uid] = wp
            name = (pod.get("metadata") or {}).get("name", "")
            return Status(Code.Wait, f"one or more plugins asked to wait and no plugin "
                          f"rejected pod {_go_q(name)}")
        return None

    def run_pre_bind_plugins(self, state: CycleState, pod: dict[str, Any],
                             node_name: str) -> Status | None:
        for pl in self.pre_bind_plugins:
            st = pl.pre_bind(state, pod, node_name)
            if st is not None and not st.is_success():
                if st.is_rejected():
                    return st.with_plugin(pl.name)
                return Status(Code.Error, f"running PreBind plugin {_go_q(pl.name)}: "
                              f"{_msg(st)}", plugin=pl.name)
        return None

    def run_bind_plugins(self, state: CycleState, pod: dict[str, Any],
                         node_name: str) -> Status | None:
        status: Status | None = Status(Code.Skip)
        for pl in self.bind_plugins:
            status = pl.bind(state, pod, node_name)
            if status is not None and status.is_skip():
                continue
            if status is not None and not status.is_success():
                if status.is_rejected():
                    return status.with_plugin(pl.name)
                return Status(Code.Error, f"running Bind plugin {_go_q(pl.name)}: "
                              f"{_msg(status)}", plugin=pl.name)
            return status
        return status

    def run_post_bind_plugins(self, state: CycleState, pod: dict[str, Any],
                              node_name: str) -> None:
        for pl in self.post_bind_plugins:
            pl.post_bind(state, pod, node_name)
