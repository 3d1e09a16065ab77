"""DaemonSet helpers: which nodes a daemon pod may run on, and what its pod looks like.

Upstream (kubernetes/kubernetes):

- ``pkg/controller/daemon/util/daemonset_util.go`` — :func:`add_or_update_daemon_pod_tolerations`,
  :func:`create_pod_template` (labels ``controller-revision-hash`` and, with the deprecated
  annotation, ``pod-template-generation``), :func:`allows_surge`, :func:`surge_count`,
  :func:`unavailable_count`, :func:`is_pod_updated`,
  :func:`replace_daemon_set_pod_node_name_node_affinity`, :func:`get_target_node_name`,
  :func:`get_template_generation`;
- ``pkg/controller/daemon/daemon_controller.go`` — :func:`node_should_run_daemon_pod`
  (``NodeShouldRunDaemonPod`` + ``predicates``), :func:`new_pod`;
- ``staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go``
  (``GetRequiredNodeAffinity(pod).Match(node)``: ``nodeSelector`` AND required node affinity) and
  ``.../corev1/helpers.go`` (``FindMatchingUntoleratedTaint``); ``core/v1/toleration.go``
  (``ToleratesTaint``, ``MatchToleration``).

The tolerations every daemon pod gets (so the node lifecycle controller never evicts it, and a
tainted-by-condition node still runs it)::

    node.kubernetes.io/not-ready            Exists  NoExecute
    node.kubernetes.io/unreachable          Exists  NoExecute
    node.kubernetes.io/disk-pressure        Exists  NoSchedule
    node.kubernetes.io/memory-pressure      Exists  NoSchedule
    node.kubernetes.io/pid-pressure         Exists  NoSchedule
    node.kubernetes.io/unschedulable        Exists  NoSchedule
    node.kubernetes.io/network-unavailable  Exists  NoSchedule   (hostNetwork pods only)

Where a daemon pod should run (``NodeShouldRunDaemonPod``: shouldRun, shouldContinueRunning)::

    nodeName set to another node, or nodeSelector / required affinity fail   → (False, False)
    an untolerated NoSchedule or NoExecute taint   → (False, no untolerated NoExecute taint)
    otherwise                                      → (True, True)

Daemon pods are not given ``spec.nodeName``: they get a required node affinity
``matchFields: metadata.name In [<node>]`` and the scheduler binds them (upstream since 1.12,
``ScheduleDaemonSetPods``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from ..api.selectors import selector_from_set
from ._workload_utils import get_scaled_value_from_int_or_percent

__all__ = [
    "DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY",
    "add_or_update_daemon_pod_tolerations",
    "allows_surge",
    "create_pod_template",
    "find_matching_untolerated_taint",
    "get_target_node_name",
    "is_pod_updated",
    "new_pod",
    "node_should_run_daemon_pod",
    "replace_daemon_set_pod_node_name_node_affinity",
    "surge_count",
    "unavailable_count",
]

JSON = dict[str, Any]

#: ``apps.DefaultDaemonSetUniqueLabelKey`` (= ``ControllerRevisionHashLabelKey``)
DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY = "controller-revision-hash"
#: ``extensions.DaemonSetTemplateGenerationKey``
DAEMON_SET_TEMPLATE_GENERATION_KEY = "pod-template-generation"
#: ``apps.DeprecatedTemplateGeneration``
DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
#: ``metav1.ObjectNameField``
OBJECT_NAME_FIELD = "metadata.name"

NO_SCHEDULE, NO_EXECUTE = "NoSchedule", "NoExecute"


# -- tolerations and taints ------------------------------------------------------------------------


def _toleration(key: str, effect: str) -> JSON:
    return {"key": key, "operator": "Exists", "effect": effect}


def match_toleration(a: JSON, b: JSON) -> bool:
    """``Toleration.MatchToleration``: same key, operator, value and effect."""
    return all((a.get(f) or "") == (b.get(f) or "") for f in ("key", "operator", "value",
                                                              "effect"))


def add_or_update_toleration_in_pod_spec(spec: JSON, toleration: JSON) -> bool:
    """``AddOrUpdateTolerationInPodSpec``: replace a matching toleration, or append it."""
    out, updated = [], False
    for t in spec.get("tolerations") or []:
        if match_toleration(toleration, t):
            if t == toleration:
                return False
            out.append(dict(toleration))
            updated = True
            continue
        out.append(t)
    if not updated:
        out.append(dict(toleration))
    spec["tolerations"] = out
    return True


def add_or_update_daemon_pod_tolerations(spec: JSON) -> None:
    """``AddOrUpdateDaemonPodTolerations``: the table in the module docstring."""
    for key, effect in (("node.kubernetes.io/not-ready", NO_EXECUTE),
                        ("node.kubernetes.io/unreachable", NO_EXECUTE),
                        ("node.kubernetes.io/disk-pressure", NO_SCHEDULE),
                        ("node.kubernetes.io/memory-pressure", NO_SCHEDULE),
                        ("node.kubernetes.io/pid-pressure", NO_SCHEDULE),
                        ("node.kubernetes.io/unschedulable", NO_SCHEDULE)):
        add_or_update_toleration_in_pod_spec(spec, _toleration(key, effect))
    if spec.get("hostNetwork"):
        add_or_update_toleration_in_pod_spec(
            spec, _toleration("node.kubernetes.io/network-unavailable", NO_SCHEDULE))


def tolerates_taint(toleration: JSON, taint: JSON) -> bool:
    """``Toleration.ToleratesTaint``: effect and key match (empty matches all), then ``Exists``
    or ``Equal`` values."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def find_matching_untolerated_taint(taints: Iterable[JSON], tolerations: Iterable[JSON],
                                    taint_filter: Callable[[JSON], bool]) -> JSON | None:
    """``FindMatchingUntoleratedTaint``: the first filtered taint no toleration tolerates."""
    tolerations = list(tolerations)
    for taint in taints:
        if not taint_filter(taint):
            continue
        if not any(tolerates_taint(t, taint) for t in tolerations):
            return taint
    return None


# -- node affinity ---------------------------------------------------------------------------------

def _label_requirement_matches(expr: JSON, labels: dict[str, str]) -> bool:
    op = expr.get("operator")
    key = expr.get("key", "")
    values = [str(v) for v in expr.get("values") or []]
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt"):
        if key not in labels or len(values) != 1:
            return False
        try:
            have, want = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def _term_matches(term: JSON, node: JSON) -> bool:
    """``nodeSelectorTerm``: every matchExpression and matchField holds; an empty term matches
    nothing."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    labels = (node.get("metadata") or {}).get("labels") or {}
    if not all(_label_requirement_matches(e, labels) for e in exprs):
        return False
    name = (node.get("metadata") or {}).get("name", "")
    for f in fields:
        if f.get("key") != OBJECT_NAME_FIELD or f.get("operator") not in ("In", "NotIn"):
            return False
        values = list(f.get("values") or [])
        if (name in values) != (f["operator"] == "In"):
            return False
    return True


def required_node_affinity_matches(pod: JSON, node: JSON) -> bool:
    """``GetRequiredNodeAffinity(pod).Match(node)``: the ``nodeSelector`` labels all match, and
    one of the required ``nodeSelectorTerms`` (if any) matches."""
    spec = pod.get("spec") or {}
    labels = (node.get("metadata") or {}).get("labels") or {}
    if spec.get("nodeSelector") and not selector_from_set(spec["nodeSelector"]).matches(labels):
        return False
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is None:
        return True
    return any(_term_matches(t, node) for t in required.get("nodeSelectorTerms") or [])


# -- placement -------------------------------------------------------------------------------------


def new_pod(ds: JSON, node_name: str) -> JSON:
    """``NewPod``: the template as a pod on ``node_name``, with the daemon tolerations."""
    template = (ds.get("spec") or {}).get("template") or {}
    pod = {"metadata": copy.deepcopy(template.get("metadata") or {}),
           "spec": copy.deepcopy(template.get("spec") or {})}
    pod["metadata"]["namespace"] = (ds.get("metadata") or {}).get("namespace", "")
    pod["spec"]["nodeName"] = node_name
    add_or_update_daemon_pod_tolerations(pod["spec"])
    return pod


def node_should_run_daemon_pod(node: JSON, ds: JSON) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: ``(shouldRun, shouldContinueRunning)``."""
    node_name = (node.get("metadata") or {}).get("name", "")
    pod = new_pod(ds, node_name)
    template_node = (((ds.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "nodeName") or ""
    if template_node not in ("", node_name):
        return False, False
    taints = (node.get("spec") or {}).get("taints") or []
    tolerations = pod["spec"].get("tolerations") or []
    # predicates(): fitsNodeName is always true here (nodeName was just set to this node)
    if not required_node_affinity_matches(pod, node):
        return False, False
    untolerated = find_matching_untolerated_taint(
        taints, tolerations, lambda t: t.get("effect") in (NO_EXECUTE, NO_SCHEDULE))
    if untolerated is not None:
        # "Scheduled daemon pods should continue running if they tolerate NoExecute taint."
        no_execute = find_matching_untolerated_taint(
            taints, tolerations, lambda t: t.get("effect") == NO_EXECUTE)
        return False, no_execute is None
    return True, True


# -- pod templates and updates ---------------------------------------------------------------


def get_template_generation(ds: JSON) -> int | None:
    """``GetTemplateGeneration``: the ``deprecated.daemonset.template.generation`` annotation,
    or None (also when it does not parse)."""
    value = ((ds.get("metadata") or {}).get("annotations") or {}).get(
        DEPRECATED_TEMPLATE_GENERATION)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def create_pod_template(template: JSON, generation: int | None, hash_: str) -> JSON:
    """``CreatePodTemplate``: a copy with the daemon tolerations and the generation / hash
    labels."""
    out = copy.deepcopy(template)
    add_or_update_daemon_pod_tolerations(out.setdefault("spec", {}))
    labels = out.setdefault("metadata", {}).setdefault("labels", {})
    if generation is not None:
        labels[DAEMON_SET_TEMPLATE_GENERATION_KEY] = str(generation)
    if hash_:
        labels[DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY] = hash_
    return out


def _rolling_update(ds: JSON) -> JSON | None:
    strategy = (ds.get("spec") or {}).get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        return None
    ru = strategy.get("rollingUpdate")
    return ru if isinstance(ru, dict) else None


def surge_count(ds: JSON, number_to_schedule: int) -> int:
    """``SurgeCount``: ``maxSurge`` of ``number_to_schedule`` (percentages round up), 0 unless a
    RollingUpdate asks for surge."""
    ru = _rolling_update(ds)
    if ru is None or ru.get("maxSurge") is None:
        return 0
    return get_scaled_value_from_int_or_percent(ru["maxSurge"], number_to_schedule, True)


def unavailable_count(ds: JSON, number_to_schedule: int) -> int:
    """``UnavailableCount``: ``maxUnavailable`` of ``number_to_schedule`` (rounded up)."""
    ru = _rolling_update(ds)
    if ru is None:
        return 0
    return get_scaled_value_from_int_or_percent(ru.get("maxUnavailable"), number_to_schedule,
                                                True)


def allows_surge(ds: JSON) -> bool:
    """``AllowsSurge``: more than one pod per node is allowed during an update."""
    try:
        return surge_count(ds, 1) > 0
    except ValueError:
        return False


def is_pod_updated(pod: JSON, hash_: str, template_generation: int | None) -> bool:
    """``IsPodUpdated``: the hash label matches (or the deprecated generation label does)."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    template_matches = (template_generation is not None and
                        labels.get(DAEMON_SET_TEMPLATE_GENERATION_KEY) == str(template_generation))
    hash_matches = bool(hash_) and labels.get(DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) == hash_
    return hash_matches or template_matches


def replace_daemon_set_pod_node_name_node_affinity(affinity: JSON | None, node_name: str) -> JSON:
    """``ReplaceDaemonSetPodNodeNameNodeAffinity``: the required node affinity becomes exactly
    ``matchFields: [{key: metadata.name, operator: In, values: [node_name]}]`` (other affinity
    kinds are kept)."""
    term = {"matchFields": [{"key": OBJECT_NAME_FIELD, "operator": "In",
                             "values": [node_name]}]}
    affinity = copy.deepcopy(affinity) if affinity else {}
    node_affinity = affinity.setdefault("nodeAffinity", {})
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
            "nodeSelectorTerms": [term]}
    else:
        required["nodeSelectorTerms"] = [term]
    return affinity


def get_target_node_name(pod: JSON) -> str | None:
    """``GetTargetNodeName``: ``spec.nodeName``, else the single ``metadata.name In [...]``
    value of the required node affinity, else None (upstream: an error)."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if not isinstance(required, dict):
        return None
    for term in required.get("nodeSelectorTerms") or []:
        for expr in term.get("matchFields") or []:
            if expr.get("key") == OBJECT_NAME_FIELD and expr.get("operator") == "In":
                values = expr.get("values") or []
                return str(values[0]) if len(values) == 1 else None
    return None
