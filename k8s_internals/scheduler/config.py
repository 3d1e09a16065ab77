"""``KubeSchedulerConfiguration``: profiles, plugins per extension point, weights, plugin args,
``percentageOfNodesToScore``, backoff — loaded from YAML (or a dict), defaulted and validated
as kube-scheduler does.

Mirrors ``pkg/scheduler/apis/config/`` (``types.go``), ``apis/config/v1/default_plugins.go``
(:data:`DEFAULT_PLUGINS` and ``mergePlugins``: a custom plugin with a default plugin's name
replaces it in place, ``disabled: [{name: "*"}]`` drops all defaults of a point), ``defaults.go``
(one ``default-scheduler`` profile; ``percentageOfNodesToScore`` 0 = adaptive;
``podInitialBackoffSeconds`` 1; ``podMaxBackoffSeconds`` 10; each plugin's args defaulted) and
``validation/validation.go`` + ``validation_pluginargs.go`` (errors as ``field.Error`` texts,
aggregated ``[a, b]`` when several)::

    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    profiles:
    - schedulerName: default-scheduler
      plugins:
        score:
          enabled: [{name: NodeResourcesBalancedAllocation, weight: 5}]
          disabled: [{name: ImageLocality}]
      pluginConfig:
      - name: NodeResourcesFit
        args: {scoringStrategy: {type: MostAllocated}}

Simulator choices: ``leaderElection.leaderElect`` defaults to **false** here (upstream: true) —
one in-process scheduler gains nothing from it and its lease renewals would fill every trace.
The default plugin list leaves out what the simulator does not implement: ``NodeVolumeLimits``,
``VolumeZone``, ``DynamicResources``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..api.validation import field as fld
from .plugins import names

__all__ = [
    "API_VERSION",
    "DEFAULT_PLUGINS",
    "DEFAULT_SCHEDULER_NAME",
    "EXTENSION_POINTS",
    "ConfigError",
    "KubeSchedulerConfiguration",
    "LeaderElectionConfiguration",
    "PluginRef",
    "PluginSet",
    "Profile",
    "default_config",
    "default_plugin_args",
    "load_config",
    "merge_plugins",
]

API_VERSION = "kubescheduler.config.k8s.io/v1"
KIND = "KubeSchedulerConfiguration"
DEFAULT_SCHEDULER_NAME = "default-scheduler"

#: the extension points a profile's ``plugins`` may configure (``multiPoint`` expands to all
#: the points a plugin implements)
EXTENSION_POINTS = ("preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore",
                    "score", "reserve", "permit", "preBind", "bind", "postBind", "multiPoint")


@dataclass
class PluginRef:
    """``config.Plugin``: a name and (for score) a weight (0 = unset, becomes 1)."""

    name: str
    weight: int = 0


@dataclass
class PluginSet:
    """``config.PluginSet``."""

    enabled: list[PluginRef] = field(default_factory=list)
    disabled: list[PluginRef] = field(default_factory=list)


#: ``getDefaultPlugins()``: everything enabled through ``multiPoint``, with the default weights
DEFAULT_PLUGINS: tuple[PluginRef, ...] = (
    PluginRef(names.SCHEDULING_GATES),
    PluginRef(names.PRIORITY_SORT),
    PluginRef(names.NODE_UNSCHEDULABLE),
    PluginRef(names.NODE_NAME),
    PluginRef(names.TAINT_TOLERATION, 3),
    PluginRef(names.NODE_AFFINITY, 2),
    PluginRef(names.NODE_PORTS),
    PluginRef(names.NODE_RESOURCES_FIT, 1),
    PluginRef(names.VOLUME_RESTRICTIONS),
    PluginRef(names.VOLUME_BINDING),
    PluginRef(names.POD_TOPOLOGY_SPREAD, 2),
    PluginRef(names.INTER_POD_AFFINITY, 2),
    PluginRef(names.DEFAULT_PREEMPTION),
    PluginRef(names.NODE_RESOURCES_BALANCED_ALLOCATION, 1),
    PluginRef(names.IMAGE_LOCALITY, 1),
    PluginRef(names.DEFAULT_BINDER),
)


@dataclass
class Profile:
    """``KubeSchedulerProfile``: a scheduler name served by one framework."""

    scheduler_name: str = DEFAULT_SCHEDULER_NAME
    percentage_of_nodes_to_score: int | None = None
    plugins: dict[str, PluginSet] = field(default_factory=dict)
    plugin_config: dict[str, dict[str, Any]] = field(default_factory=dict)

    def plugin_set(self, point: str) -> PluginSet:
        return self.plugins.get(point) or PluginSet()


@dataclass
class LeaderElectionConfiguration:
    """``componentbaseconfig.LeaderElectionConfiguration`` (durations in seconds)."""

    leader_elect: bool = False
    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0
    resource_name: str = "kube-scheduler"
    resource_namespace: str = "kube-system"


@dataclass
class KubeSchedulerConfiguration:
    """``KubeSchedulerConfiguration`` (defaulted)."""

    percentage_of_nodes_to_score: int = 0
    pod_initial_backoff_seconds: float = 1.0
    pod_max_backoff_seconds: float = 10.0
    parallelism: int = 16
    leader_election: LeaderElectionConfiguration = field(
        default_factory=LeaderElectionConfiguration)
    profiles: list[Profile] = field(default_factory=list)

    def profile(self, scheduler_name: str) -> Profile | None:
        return next((p for p in self.profiles if p.scheduler_name == scheduler_name), None)


class ConfigError(ValueError):
    """A configuration that does not decode or validate (message as upstream's)."""


# -- plugin args defaults ----------------------------------------------------------------------

_DEFAULT_RESOURCES = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]


def _default_resources(resources: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = [dict(r) for r in resources] if resources else copy.deepcopy(_DEFAULT_RESOURCES)
    for r in out:
        if not r.get("weight"):
            r["weight"] = 1
    return out


def default_plugin_args(name: str, args: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """``SetDefaults_<Plugin>Args`` for the plugins that have args (``None`` for others)."""
    a: dict[str, Any] = copy.deepcopy(dict(args or {}))
    if name == names.DEFAULT_PREEMPTION:
        a.setdefault("minCandidateNodesPercentage", 10)
        a.setdefault("minCandidateNodesAbsolute", 100)
    elif name == names.INTER_POD_AFFINITY:
        a.setdefault("hardPodAffinityWeight", 1)
        a.setdefault("ignorePreferredTermsOfExistingPods", False)
    elif name == names.NODE_AFFINITY:
        pass
    elif name == names.NODE_RESOURCES_BALANCED_ALLOCATION:
        a["resources"] = _default_resources(a.get("resources"))
    elif name == names.NODE_RESOURCES_FIT:
        strategy = dict(a.get("scoringStrategy") or {"type": "LeastAllocated"})
        strategy.setdefault("type", "LeastAllocated")
        strategy["resources"] = _default_resources(strategy.get("resources"))
        a["scoringStrategy"] = strategy
    elif name == names.POD_TOPOLOGY_SPREAD:
        a.setdefault("defaultingType", "System")
    elif name == names.VOLUME_BINDING:
        a.setdefault("bindTimeoutSeconds", 600)
    else:
        return dict(args) if args is not None else None
    return a


# -- merging ---------------------------------------------------------------------------------


def _merge_plugin_set(default: PluginSet, custom: PluginSet) -> PluginSet:
    """``mergePluginSet``."""
    disabled = [PluginRef(p.name) for p in custom.disabled] + \
        [PluginRef(p.name) for p in default.disabled]
    disabled_names = {p.name for p in disabled}
    custom_by_name = {p.name: (i, p) for i, p in enumerate(custom.enabled)}
    replaced: set[int] = set()
    enabled: list[PluginRef] = []
    if "*" not in disabled_names:
        for p in default.enabled:
            if p.name in disabled_names:
                continue
            if p.name in custom_by_name:
                i, cp = custom_by_name[p.name]
                p = cp
                replaced.add(i)
            enabled.append(p)
    for i, p in enumerate(custom.enabled):
        if i not in replaced:
            enabled.append(p)
    return PluginSet(enabled, disabled)


def merge_plugins(custom: Mapping[str, PluginSet] | None) -> dict[str, PluginSet]:
    """``mergePlugins(getDefaultPlugins(), custom)`` over every extension point."""
    defaults = {"multiPoint": PluginSet(list(DEFAULT_PLUGINS))}
    custom = custom or {}
    return {point: _merge_plugin_set(defaults.get(point, PluginSet()),
                                     custom.get(point, PluginSet()))
            for point in EXTENSION_POINTS}


# -- decoding --------------------------------------------------------------------------------


def _plugin_set(raw: Any) -> PluginSet:
    raw = raw or {}

    def refs(items: Any) -> list[PluginRef]:
        return [PluginRef(str(p.get("name", "")), int(p.get("weight") or 0))
                for p in items or ()]

    return PluginSet(refs(raw.get("enabled")), refs(raw.get("disabled")))


def _seconds(v: Any) -> float:
    """A duration as seconds: a number, or a Go duration string (``15s``, ``1m30s``)."""
    if isinstance(v, int | float):
        return float(v)
    s, total, num = str(v), 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isdigit() or ch == ".":
            num += ch
            i += 1
            continue
        unit = "ms" if s[i:i + 2] == "ms" else ch
        total += float(num or 0) * units.get(unit, 1.0)
        num = ""
        i += len(unit)
    return total + (float(num) if num else 0.0)


def load_config(source: str | Mapping[str, Any] | None = None) -> KubeSchedulerConfiguration:
    """Decode (YAML text or a dict), default and validate a configuration.

    Raises :class:`ConfigError` with upstream-like messages.

    >>> try:
    ...     load_config({"percentageOfNodesToScore": 101})
    ... except ConfigError as e:
    ...     print(e)
    percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]
    """
    raw: Any = yaml.safe_load(source) if isinstance(source, str) else copy.deepcopy(source or {})
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError("couldn't decode as KubeSchedulerConfiguration")
    api_version = raw.get("apiVersion", API_VERSION)
    kind = raw.get("kind", KIND)
    if kind != KIND or api_version != API_VERSION:
        raise ConfigError(f'no kind "{kind}" is registered for version "{api_version}" in '
                          'scheme "pkg/scheduler/apis/config/scheme/scheme.go:31"')
    cfg = KubeSchedulerConfiguration()
    pct = raw.get("percentageOfNodesToScore")
    cfg.percentage_of_nodes_to_score = 0 if pct is None else int(pct)
    if raw.get("podInitialBackoffSeconds") is not None:
        cfg.pod_initial_backoff_seconds = float(raw["podInitialBackoffSeconds"])
    if raw.get("podMaxBackoffSeconds") is not None:
        cfg.pod_max_backoff_seconds = float(raw["podMaxBackoffSeconds"])
    if raw.get("parallelism") is not None:
        cfg.parallelism = int(raw["parallelism"])
    le = raw.get("leaderElection") or {}
    cfg.leader_election = LeaderElectionConfiguration(
        bool(le.get("leaderElect", False)),
        _seconds(le.get("leaseDuration", 15)), _seconds(le.get("renewDeadline", 10)),
        _seconds(le.get("retryPeriod", 2)), le.get("resourceName") or "kube-scheduler",
        le.get("resourceNamespace") or "kube-system")
    raw_profiles = list(raw.get("profiles") or [{}])
    errs = fld.ErrorList()
    for i, rp in enumerate(raw_profiles):
        rp = rp or {}
        name = rp.get("schedulerName")
        if name is None and len(raw_profiles) == 1:
            name = DEFAULT_SCHEDULER_NAME
        p_pct = rp.get("percentageOfNodesToScore")
        custom = {point: _plugin_set(s) for point, s in (rp.get("plugins") or {}).items()}
        prof = Profile(str(name or ""), None if p_pct is None else int(p_pct),
                       merge_plugins(custom))
        seen: set[str] = set()
        path = fld.Path("profiles").index(i)
        for j, pc in enumerate(rp.get("pluginConfig") or ()):
            pname = str((pc or {}).get("name", ""))
            if pname in seen:
                errs.append(fld.duplicate(path.child("pluginConfig").index(j), pname))
                continue
            seen.add(pname)
            args = default_plugin_args(pname, (pc or {}).get("args") or {})
            prof.plugin_config[pname] = args if args is not None else {}
            errs.extend(_validate_plugin_args(
                pname, prof.plugin_config[pname], path.child("pluginConfig").index(j).child(
                    "args")))
        for pname in _plugin_names(prof.plugins):
            if pname not in prof.plugin_config:
                args = default_plugin_args(pname)
                if args is not None:
                    prof.plugin_config[pname] = args
        cfg.profiles.append(prof)
    errs.extend(validate(cfg))
    msg = errs.to_aggregate()
    if msg:
        raise ConfigError(msg)
    return cfg


def default_config() -> KubeSchedulerConfiguration:
    """The configuration kube-scheduler runs with when given none."""
    return load_config({})


def _plugin_names(plugins: Mapping[str, PluginSet]) -> list[str]:
    out: list[str] = []
    for s in plugins.values():
        for p in s.enabled:
            if p.name not in out:
                out.append(p.name)
    return out


# -- validation ------------------------------------------------------------------------------


def _pct_error(path: fld.Path, v: int | None) -> list[fld.FieldError]:
    if v is not None and not 0 <= v <= 100:
        return [fld.invalid(path, v, "not in valid range [0-100]")]
    return []


def validate(cfg: KubeSchedulerConfiguration) -> list[fld.FieldError]:
    """``ValidateKubeSchedulerConfiguration`` (the parts the simulator models)."""
    errs: list[fld.FieldError] = []
    profiles_path = fld.Path("profiles")
    if not cfg.profiles:
        errs.append(fld.required(profiles_path))
    existing: dict[str, int] = {}
    for i, p in enumerate(cfg.profiles):
        path = profiles_path.index(i)
        if not p.scheduler_name:
            errs.append(fld.required(path.child("schedulerName")))
        errs.extend(_pct_error(path.child("percentageOfNodesToScore"),
                               p.percentage_of_nodes_to_score))
        if p.scheduler_name in existing:
            errs.append(fld.duplicate(path.child("schedulerName"),
                                      str(profiles_path.index(existing[p.scheduler_name])
                                          .child("schedulerName"))))
        existing[p.scheduler_name] = i
        for point, ps in p.plugins.items():
            for j, ref in enumerate(ps.enabled):
                if ref.weight < 0:
                    errs.append(fld.invalid(path.child("plugins", point, "enabled").index(j)
                                            .child("weight"), ref.weight,
                                            "must be greater than or equal to 0"))
    if cfg.profiles:
        canon = cfg.profiles[0].plugin_set("queueSort")
        for i, p in enumerate(cfg.profiles[1:], start=1):
            if p.plugin_set("queueSort") != canon:
                errs.append(fld.invalid(profiles_path.index(i).child("plugins", "queueSort"),
                                        fld.OMIT_VALUE, "must be the same for all profiles"))
    errs.extend(_pct_error(fld.Path("percentageOfNodesToScore"),
                           cfg.percentage_of_nodes_to_score))
    if cfg.pod_initial_backoff_seconds <= 0:
        errs.append(fld.invalid(fld.Path("podInitialBackoffSeconds"),
                                _num(cfg.pod_initial_backoff_seconds), "must be greater than 0"))
    if cfg.pod_max_backoff_seconds < cfg.pod_initial_backoff_seconds:
        errs.append(fld.invalid(fld.Path("podMaxBackoffSeconds"),
                                _num(cfg.pod_max_backoff_seconds),
                                "must be greater than or equal to PodInitialBackoffSeconds"))
    if cfg.parallelism <= 0:
        errs.append(fld.invalid(fld.Path("parallelism"), cfg.parallelism,
                                "should be an integer value greater than zero"))
    le = cfg.leader_election
    if le.leader_elect:
        lp = fld.Path("leaderElection")
        if le.lease_duration <= le.renew_deadline:
            errs.append(fld.invalid(lp.child("leaseDuration"), _num(le.lease_duration),
                                    "LeaseDuration must be greater than RenewDeadline"))
        if le.retry_period <= 0:
            errs.append(fld.invalid(lp.child("retryPeriod"), _num(le.retry_period),
                                    "must be greater than zero"))
    return errs


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _validate_resources(resources: Sequence[Mapping[str, Any]], path: fld.Path,
                        exactly_one: bool = False) -> list[fld.FieldError]:
    errs: list[fld.FieldError] = []
    seen: set[str] = set()
    for i, r in enumerate(resources):
        w = int(r.get("weight") or 0)
        name = r.get("name", "")
        if exactly_one:
            if name in seen:
                errs.append(fld.duplicate(path.index(i).child("name"), name))
            seen.add(name)
            if w != 1:
                errs.append(fld.invalid(path.index(i).child("weight"), w, "must be 1"))
        elif w <= 0 or w > 100:
            errs.append(fld.invalid(path.index(i).child("weight"), w,
                                    f"resource weight of {name} not in valid range (0, 100]"))
    return errs


def _validate_shape(shape: Sequence[Mapping[str, Any]], path: fld.Path) -> list[fld.FieldError]:
    if not shape:
        return [fld.required(path, "at least one point must be specified")]
    errs: list[fld.FieldError] = []
    for i in range(1, len(shape)):
        if int(shape[i - 1].get("utilization", 0)) >= int(shape[i].get("utilization", 0)):
            errs.append(fld.invalid(path.index(i).child("utilization"),
                                    int(shape[i].get("utilization", 0)),
                                    "utilization values must be sorted in increasing order"))
            break
    for i, p in enumerate(shape):
        u, s = int(p.get("utilization", 0)), int(p.get("score", 0))
        if not 0 <= u <= 100:
            errs.append(fld.invalid(path.index(i).child("utilization"), u,
                                    "not in valid range [0, 100]"))
        if not 0 <= s <= 10:
            errs.append(fld.invalid(path.index(i).child("score"), s,
                                    "not in valid range [0, 10]"))
    return errs


def _validate_plugin_args(name: str, args: Mapping[str, Any],
                          path: fld.Path) -> list[fld.FieldError]:
    """``validatePluginConfig``: the args validators of the in-tree plugins."""
    errs: list[fld.FieldError] = []
    if name == names.DEFAULT_PREEMPTION:
        pct = int(args.get("minCandidateNodesPercentage", 10))
        ab = int(args.get("minCandidateNodesAbsolute", 100))
        if not 0 <= pct <= 100:
            errs.append(fld.invalid(path.child("minCandidateNodesPercentage"), pct,
                                    "not in valid range [0, 100]"))
        if ab < 0:
            errs.append(fld.invalid(path.child("minCandidateNodesAbsolute"), ab,
                                    "not in valid range [0, inf)"))
        if pct == 0 and ab == 0:
            errs.append(fld.invalid(path, fld.OMIT_VALUE, "both minCandidateNodesPercentage and "
                                    "minCandidateNodesAbsolute cannot be zero"))
    elif name == names.INTER_POD_AFFINITY:
        w = int(args.get("hardPodAffinityWeight", 1))
        if not 0 <= w <= 100:
            errs.append(fld.invalid(path.child("hardPodAffinityWeight"), w,
                                    "not in valid range [0, 100]"))
    elif name == names.NODE_RESOURCES_BALANCED_ALLOCATION:
        errs.extend(_validate_resources(args.get("resources") or [], path.child("resources"),
                                        exactly_one=True))
    elif name == names.NODE_RESOURCES_FIT:
        strategy = args.get("scoringStrategy") or {}
        spath = path.child("scoringStrategy")
        supported = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")
        if strategy.get("type") not in supported:
            errs.append(fld.not_supported(spath.child("type"), strategy.get("type"), supported))
        errs.extend(_validate_resources(strategy.get("resources") or [],
                                        spath.child("resources")))
        rtcr = strategy.get("requestedToCapacityRatio")
        if rtcr is not None or strategy.get("type") == "RequestedToCapacityRatio":
            errs.extend(_validate_shape((rtcr or {}).get("shape") or [], spath.child("shape")))
        for i, g in enumerate(args.get("ignoredResourceGroups") or ()):
            if "/" in g:
                errs.append(fld.invalid(path.child("ignoredResourceGroups").index(i), g,
                                        "resource group name can't contain '/'"))
    elif name == names.POD_TOPOLOGY_SPREAD:
        dt = args.get("defaultingType", "System")
        constraints = args.get("defaultConstraints") or []
        if dt not in ("System", "List"):
            errs.append(fld.not_supported(path.child("defaultingType"), dt, ("List", "System")))
        elif dt == "System" and constraints:
            errs.append(fld.invalid(path.child("defaultingType"), dt,
                                    "when .defaultConstraints are not empty"))
        for i, c in enumerate(constraints):
            cpath = path.child("defaultConstraints").index(i)
            if int(c.get("maxSkew") or 0) <= 0:
                errs.append(fld.invalid(cpath.child("maxSkew"), int(c.get("maxSkew") or 0),
                                        "must be greater than zero"))
            if not c.get("topologyKey"):
                errs.append(fld.required(cpath.child("topologyKey"), "can not be empty"))
            if c.get("whenUnsatisfiable") not in ("DoNotSchedule", "ScheduleAnyway"):
                errs.append(fld.not_supported(cpath.child("whenUnsatisfiable"),
                                              c.get("whenUnsatisfiable", ""),
                                              ("DoNotSchedule", "ScheduleAnyway")))
            if c.get("labelSelector") is not None:
                errs.append(fld.forbidden(cpath.child("labelSelector"), "constraint must not "
                                          "define a selector, as they deduced for each pod"))
    elif name == names.VOLUME_BINDING:
        t = int(args.get("bindTimeoutSeconds", 600))
        if t < 0:
            errs.append(fld.invalid(path.child("bindTimeoutSeconds"), t,
                                    "invalid BindTimeoutSeconds, should not be a negative value"))
    return errs
