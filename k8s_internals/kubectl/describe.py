"""``kubectl describe`` — ``staging/src/k8s.io/kubectl/pkg/describe/describe.go``.

Each describer writes ``Key:\\tvalue`` lines through a ``PrefixWriter`` (two spaces per level)
into one ``text/tabwriter`` (minwidth 0, tabwidth 8, padding 2: :func:`.tabwriter.describe_writer`),
so values line up per block; a line without a tab (``Events:``, ``Data``) ends a block. The
``Events`` table is the object's events sorted by ``lastTimestamp``, with ``Age`` showing
``10s (x3 over 2m)`` for repeated events.

Describers here: Pod, Node, Deployment, ReplicaSet, ReplicationController, StatefulSet,
DaemonSet, Job, CronJob, Service, Endpoints, EndpointSlice, Namespace, ConfigMap, Secret,
ServiceAccount, ResourceQuota, LimitRange, RoleBinding, ClusterRoleBinding, PriorityClass,
StorageClass; every other kind gets upstream's generic describer (fields of the object, ``Events``).

Times print in ``RFC1123Z`` in UTC (upstream uses the local zone of the machine running kubectl).
Simplifications: pod QoS from ``status.qosClass`` or computed from requests and limits like
``qos.GetPodQOS``; pod requests for a node's "Allocated resources" are the sum of the containers
with init containers as a floor (no pod overhead, no pod-level resources); Role and ClusterRole
rules are listed one per rule (upstream first breaks them down and compacts them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from ..api.errors import StatusError
from ..api.printers import (
    controller_of,
    find_node_roles,
    format_label_selector,
    format_labels,
    human_duration,
    parse_time,
    translate_timestamp_since,
)
from ..api.resources import ResourceInfo
from ..api.selectors import SelectorError, label_selector_as_selector
from ..api.validation.quantity import Quantity
from .base import Context, Target, resolve_args, resource_for
from .cli import Flag, parse
from .errors import CommandError, format_error
from .manifests import load_objects
from .tabwriter import TabWriter, describe_writer

__all__ = ["DESCRIBERS", "describe_object", "rfc1123z", "run"]

Obj = dict[str, Any]

FLAGS = (
    Flag("selector", "l", "str", ""),
    Flag("all-namespaces", "A", "bool", False),
    Flag("show-events", "", "bool", True),
    Flag("chunk-size", "", "int", 500),
    Flag("filename", "f", "list"),
)

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MAX_ANNOTATION_LEN = 140


def rfc1123z(value: Any) -> str:
    """``Time.Format(time.RFC1123Z)``: ``Wed, 01 Jan 2025 00:00:00 +0000``."""
    t = parse_time(value)
    if t is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _q(value: Any) -> str:
    return str(Quantity(value)) if value not in (None, "") else "0"


def _ios(value: Any) -> str:
    """``intstr.IntOrString.String()``."""
    return "" if value is None else str(value)


class _Sink(Protocol):
    def write(self, text: str) -> None: ...


class PrefixWriter:
    """``describe.PrefixWriter``: ``write(level, text)`` indents by two spaces per level."""

    def __init__(self, w: TabWriter | _Sink) -> None:
        self.w = w

    def write(self, level: int, text: str) -> None:
        self.w.write("  " * level + text)

    def line(self, text: str = "") -> None:
        """``WriteLine`` (``fmt.Sprintln``)."""
        self.w.write(text + "\n")


# -- shared printers -------------------------------------------------------------------------------


def print_labels_multiline(w: PrefixWriter, title: str, labels: Mapping[str, str] | None,
                           initial_indent: str = "", inner_indent: str = "\t",
                           skip: Iterable[str] = ()) -> None:
    """``printLabelsMultilineWithIndent``."""
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    keys = sorted(k for k in (labels or {}) if k not in set(skip))
    if not keys:
        w.line("<none>")
        return
    for i, k in enumerate(keys):
        if i:
            w.write(0, initial_indent + inner_indent)
        w.write(0, f"{k}={(labels or {})[k]}\n")


def print_annotations_multiline(w: PrefixWriter, title: str,
                                annotations: Mapping[str, str] | None) -> None:
    """``printAnnotationsMultiline``: the last-applied annotation is never shown; long or
    multi-line values go on their own lines, cut at 140 characters."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.line("<none>")
        return
    for i, k in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str((annotations or {})[k]).removesuffix("\n")
        if len(value) + len(k) + 2 > _MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{k}:\n")
            for s in value.split("\n"):
                s = s[:_MAX_ANNOTATION_LEN - 2] + "..." if len(s) > _MAX_ANNOTATION_LEN - 2 else s
                w.write(0, f"\t  {s}\n")
        else:
            w.write(0, f"{k}: {value}\n")


def _taint_string(t: Obj) -> str:
    """``Taint.ToString``: ``key=value:Effect`` / ``key:Effect``."""
    key, value, effect = t.get("key", ""), t.get("value", ""), t.get("effect", "")
    if not value:
        return f"{key}:{effect}"
    return f"{key}={value}:{effect}"


def print_taints_multiline(w: PrefixWriter, title: str, taints: list[Obj] | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(taints, key=lambda t: f"{t.get('effect', '')},"
                                                        f"{t.get('key', '')}")):
        if i:
            w.write(0, "\t")
        w.write(0, _taint_string(t) + "\n")


def print_tolerations_multiline(w: PrefixWriter, title: str, tolerations: list[Obj] | None,
                                initial_indent: str = "") -> None:
    """``printTolerationsMultilineWithIndent``."""
    w.write(0, f"{initial_indent}{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, initial_indent + "\t")
        key, value, effect = t.get("key", ""), t.get("value", ""), t.get("effect", "")
        text = key
        if value:
            text += f"={value}"
        if effect:
            text += f":{effect}"
        if t.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def describe_events(ctx: Context, events: list[Obj] | None, w: PrefixWriter) -> None:
    """``DescribeEvents``."""
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    now = ctx.now()

    def last_ts(e: Obj) -> datetime:
        t = parse_time(e.get("lastTimestamp"))
        return t if t is not None else datetime.min.replace(tzinfo=now.tzinfo)

    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=last_ts):
        first = translate_timestamp_since(e.get("eventTime"), now)
        if parse_time(e.get("eventTime")) is None:
            first = translate_timestamp_since(e.get("firstTimestamp"), now)
        series = e.get("series")
        count = int(e.get("count") or 0)
        if series:
            interval = (f"{translate_timestamp_since(series.get('lastObservedTime'), now)} "
                        f"(x{int(series.get('count') or 0)} over {first})")
        elif count > 1:
            interval = (f"{translate_timestamp_since(e.get('lastTimestamp'), now)} "
                        f"(x{count} over {first})")
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        message = str(e.get("message", "")).strip()
        field_path = (e.get("involvedObject") or {}).get("fieldPath")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
                   f"{message}\n")


def search_events(ctx: Context, info: ResourceInfo, obj: Obj, with_kind: bool = True
                  ) -> list[Obj] | None:
    """``searchEvents``: the object's events by ``involvedObject`` field selector."""
    meta = obj.get("metadata") or {}
    terms = []
    if with_kind:
        terms.append(f"involvedObject.kind={info.kind}")
    terms.append(f"involvedObject.name={meta.get('name', '')}")
    terms.append(f"involvedObject.namespace={meta.get('namespace', '')}")
    if meta.get("uid"):
        terms.append(f"involvedObject.uid={meta['uid']}")
    try:
        listing = ctx.client.list("events", meta.get("namespace", ""),
                                  field_selector=",".join(terms))
    except StatusError:
        return None
    return list(listing.get("items") or [])


def describe_probe(probe: Obj) -> str:
    """``DescribeProbe``."""
    attrs = (f"delay={int(probe.get('initialDelaySeconds') or 0)}s "
             f"timeout={int(probe.get('timeoutSeconds') or 0)}s "
             f"period={int(probe.get('periodSeconds') or 0)}s "
             f"#success={int(probe.get('successThreshold') or 0)} "
             f"#failure={int(probe.get('failureThreshold') or 0)}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join((probe['exec'] or {}).get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        h = probe["httpGet"]
        port = _ios(h.get("port"))
        host = h.get("host", "")
        hostport = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if port else host
        scheme = str(h.get("scheme") or "").lower()
        url = f"{scheme}://{hostport}{h.get('path', '')}" if scheme else f"//{hostport}"
        return f"http-get {url} {attrs}"
    if probe.get("tcpSocket") is not None:
        t = probe["tcpSocket"]
        return f"tcp-socket {t.get('host', '')}:{_ios(t.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        g = probe["grpc"]
        return f"grpc <pod>:{g.get('port')} {g.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _describe_status(w: PrefixWriter, name: str, state: Obj | None) -> None:
    state = state or {}
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z((state['running'] or {}).get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if (state["waiting"] or {}).get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"] or {}
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{int(t.get('exitCode') or 0)}\n")
        if int(t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{int(t['signal'])}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _describe_resources(w: PrefixWriter, resources: Obj | None, level: int) -> None:
    resources = resources or {}
    limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
    if limits:
        w.write(level, "Limits:\n")
    for name in sorted(limits):
        w.write(level + 1, f"{name}:\t{_q(limits[name])}\n")
    if requests:
        w.write(level, "Requests:\n")
    for name in sorted(requests):
        w.write(level + 1, f"{name}:\t{_q(requests[name])}\n")


def _ports_string(ports: list[Obj], host: bool) -> str:
    out = []
    for p in ports:
        num = int(p.get("hostPort") or 0) if host else int(p.get("containerPort") or 0)
        s = f"{num}/{p.get('protocol', '')}"
        if p.get("name"):
            s = f"{s} ({p['name']})"
        out.append(s)
    return ", ".join(out)


def describe_containers(w: PrefixWriter, label: str, containers: list[Obj] | None,
                        statuses: list[Obj] | None, space: str, pod: Obj | None = None) -> None:
    """``describeContainers``."""
    by_name = {s.get("name"): s for s in statuses or []}
    cs = list(containers or [])
    w.write(0, f"{space}{label}:{' <none>' if not cs else ''}\n")
    name_indent = " " if space else ""
    for c in cs:
        status = by_name.get(c.get("name"))
        w.write(1, f"{name_indent}{c.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = _ports_string(c.get("ports") or [], False)
        if "," in ports:
            w.write(2, f"Ports:\t{ports}\n")
        else:
            w.write(2, f"Port:\t{ports or '<none>'}\n")
        host_ports = _ports_string(c.get("ports") or [], True)
        if "," in host_ports:
            w.write(2, f"Host Ports:\t{host_ports}\n")
        else:
            w.write(2, f"Host Port:\t{host_ports or '<none>'}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for item in c[key]:
                    for s in str(item).split("\n"):
                        w.write(3, s + "\n")
        if status is not None:
            _describe_status(w, "State", status.get("state"))
            if (status.get("lastState") or {}).get("terminated") is not None:
                _describe_status(w, "Last State", status.get("lastState"))
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")
        _describe_resources(w, c.get("resources"), 2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                           ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for e in c["envFrom"]:
                kind, ref = ("ConfigMap", e["configMapRef"]) if e.get("configMapRef") else (
                    "Secret", e.get("secretRef") or {})
                optional = "true" if ref.get("optional") else "false"
                if e.get("prefix"):
                    w.write(3, f"{ref.get('name', '')}\t{kind} with prefix '{e['prefix']}'\t"
                               f"Optional: {optional}\n")
                else:
                    w.write(3, f"{ref.get('name', '')}\t{kind}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            vf = e.get("valueFrom")
            if vf is None:
                for i, s in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name', '')}:\t{s}\n" if i == 0 else f"\t{s}\n")
            elif vf.get("fieldRef"):
                fr = vf["fieldRef"]
                value = _field_value(pod, fr.get("fieldPath", "")) if pod else ""
                w.write(3, f"{e.get('name', '')}:\t{value} ({fr.get('apiVersion', '')}:"
                           f"{fr.get('fieldPath', '')})\n")
            elif vf.get("resourceFieldRef"):
                w.write(3, f"{e.get('name', '')}:\t ({vf['resourceFieldRef'].get('resource')})\n")
            elif vf.get("secretKeyRef"):
                r = vf["secretKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' in "
                           f"secret '{r.get('name', '')}'>\tOptional: "
                           f"{'true' if r.get('optional') else 'false'}\n")
            elif vf.get("configMapKeyRef"):
                r = vf["configMapKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' of "
                           f"config map '{r.get('name', '')}'>\tOptional: "
                           f"{'true' if r.get('optional') else 'false'}\n")
        mounts = c.get("volumeMounts") or []
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")


def _field_value(pod: Obj | None, path: str) -> str:
    cur: Any = pod or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return str(((cur.get("metadata") or {}).get(m.group(1)) or {}).get(m.group(2), ""))
    for part in path.split("."):
        cur = cur.get(part, "") if isinstance(cur, dict) else ""
    return str(cur)


def describe_volumes(w: PrefixWriter, volumes: list[Obj] | None, space: str) -> None:
    """``describeVolumes`` (the volume sources the simulator's pods use)."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for v in volumes:
        w.write(1, f"{name_indent}{v.get('name', '')}:\n")
        if v.get("hostPath") is not None:
            hp = v["hostPath"]
            w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                       f"    Path:\t{hp.get('path', '')}\n"
                       f"    HostPathType:\t{hp.get('type') or '<none>'}\n")
        elif v.get("emptyDir") is not None:
            ed = v["emptyDir"] or {}
            limit = _q(ed["sizeLimit"]) if ed.get("sizeLimit") else "<unset>"
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{ed.get('medium', '')}\n    SizeLimit:\t{limit}\n")
        elif v.get("secret") is not None:
            s = v["secret"]
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
                       f"    SecretName:\t{s.get('secretName', '')}\n"
                       f"    Optional:\t{'true' if s.get('optional') else 'false'}\n")
        elif v.get("configMap") is not None:
            cm = v["configMap"]
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{cm.get('name', '')}\n"
                       f"    Optional:\t{'true' if cm.get('optional') else 'false'}\n")
        elif v.get("persistentVolumeClaim") is not None:
            pvc = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in "
                       "the same namespace)\n"
                       f"    ClaimName:\t{pvc.get('claimName', '')}\n"
                       f"    ReadOnly:\t{'true' if pvc.get('readOnly') else 'false'}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple "
                       "sources)\n")
            for src in (v["projected"] or {}).get("sources") or []:
                if src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name', '')}\n"
                               f"    Optional:\t"
                               f"{'true' if src['secret'].get('optional') else 'false'}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif src.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n"
                               f"    Optional:\t"
                               f"{'true' if src['configMap'].get('optional') else 'false'}\n")
                elif src.get("serviceAccountToken") is not None:
                    w.write(2, "TokenExpirationSeconds:\t"
                               f"{int(src['serviceAccountToken'].get('expirationSeconds') or 0)}\n")
        elif v.get("downwardAPI") is not None:
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n"
                       "    Items:\n")
            for item in (v["downwardAPI"] or {}).get("items") or []:
                if item.get("fieldRef"):
                    w.write(3, f"{item['fieldRef'].get('fieldPath')} -> {item.get('path')}\n")
                if item.get("resourceFieldRef"):
                    w.write(3, f"{item['resourceFieldRef'].get('resource')} -> "
                               f"{item.get('path')}\n")
        else:
            w.write(1, "<unknown>\n")


def describe_pod_template(w: PrefixWriter, template: Obj | None) -> None:
    """``DescribePodTemplate``."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    print_labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations_multiline(w, "  Annotations", meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, "  ")
    describe_containers(w, "Containers", spec.get("containers"), None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


# -- describers ----------------------------------------------------------------------------------


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def pod_qos(pod: Obj) -> str:
    """``qos.GetPodQOS``: ``status.qosClass``, else computed from requests and limits."""
    if (pod.get("status") or {}).get("qosClass"):
        return str(pod["status"]["qosClass"])
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    spec = pod.get("spec") or {}
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        res = c.get("resources") or {}
        for name, v in (res.get("requests") or {}).items():
            if name in ("cpu", "memory") and not Quantity(v).is_zero():
                requests[name] = requests.get(name, Quantity(0)) + Quantity(v)
        c_limits = {n for n, v in (res.get("limits") or {}).items()
                    if n in ("cpu", "memory") and not Quantity(v).is_zero()}
        for name, v in (res.get("limits") or {}).items():
            if name in ("cpu", "memory") and not Quantity(v).is_zero():
                limits[name] = limits.get(name, Quantity(0)) + Quantity(v)
        if c_limits != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(requests.get(n) == limits.get(n) for n in requests):
        return "Guaranteed"
    return "Burstable"


def describe_pod(ctx: Context, info: ResourceInfo, pod: Obj, w: PrefixWriter,
                 show_events: bool) -> None:
    """``describePod``."""
    meta, spec, status = _meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    events = search_events(ctx, info, pod, with_kind=False) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{int(spec['priority'])}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    if meta.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        w.write(0, "Status:\tTerminating (lasts "
                   f"{translate_timestamp_since(meta['deletionTimestamp'], ctx.now())})\n")
        w.write(0, f"Termination Grace Period:\t{int(meta.get('deletionGracePeriodSeconds') or 0)}"
                   "s\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    ref = controller_of(pod)
    if ref is not None:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"],
                            status.get("initContainerStatuses"), "", pod)
    describe_containers(w, "Containers", spec.get("containers"), status.get("containerStatuses"),
                        "", pod)
    gates = spec.get("readinessGates") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in gates:
            value = "<none>"
            for c in status.get("conditions") or []:
                if c.get("type") == g.get("conditionType"):
                    value = str(c.get("status", ""))
                    break
            w.write(1, f"{g.get('conditionType', '')} \t{value} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    describe_volumes(w, spec.get("volumes"), "")
    w.write(0, f"QoS Class:\t{pod_qos(pod)}\n")
    print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    describe_events(ctx, events, w)


def _pods_status(ctx: Context, namespace: str, selector: Obj | dict[str, str] | None,
                 uid: str, map_selector: bool = False) -> tuple[int, int, int, int]:
    """``getPodStatusForController``: Running / Waiting / Succeeded / Failed among the pods
    the controller owns."""
    try:
        if map_selector:
            sel = ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))
        else:
            sel = str(label_selector_as_selector(selector))
    except SelectorError:
        sel = ""
    pods = ctx.client.list("pods", namespace, label_selector=sel).get("items") or []
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for p in pods:
        ref = controller_of(p)
        if ref is None or ref.get("uid") != uid:
            continue
        phase = (p.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def _conditions_type_status_reason(w: PrefixWriter, conditions: list[Obj] | None) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def describe_replica_set(ctx: Context, info: ResourceInfo, rs: Obj, w: PrefixWriter,
                         show_events: bool) -> None:
    """``describeReplicaSet`` (and ``describeReplicationController``)."""
    meta, spec, status = _meta(rs), rs.get("spec") or {}, rs.get("status") or {}
    rc = info.kind == "ReplicationController"
    running, waiting, succeeded, failed = _pods_status(
        ctx, meta.get("namespace", ""), spec.get("selector"), meta.get("uid", ""), rc)
    events = search_events(ctx, info, rs) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    selector = (format_labels(spec.get("selector")) if rc
                else format_label_selector(spec.get("selector")))
    w.write(0, f"Selector:\t{selector}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    ref = controller_of(rs)
    if ref is not None and not rc:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, f"Replicas:\t{int(status.get('replicas') or 0)} current / "
               f"{int(spec.get('replicas') or 0)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} "
               "Failed\n")
    describe_pod_template(w, spec.get("template"))
    _conditions_type_status_reason(w, status.get("conditions"))
    describe_events(ctx, events, w)


def _replica_sets_of(ctx: Context, dep: Obj) -> tuple[list[Obj], Obj | None]:
    """``deploymentutil.GetAllReplicaSets``: (all old, new) ReplicaSets the Deployment owns."""
    meta, spec = _meta(dep), dep.get("spec") or {}
    try:
        sel = str(label_selector_as_selector(spec.get("selector")))
    except SelectorError:
        return [], None
    items = ctx.client.list("replicasets", meta.get("namespace", ""),
                            label_selector=sel).get("items") or []
    owned = [rs for rs in items if (controller_of(rs) or {}).get("uid") == meta.get("uid")]
    template = _without_hash(spec.get("template"))
    new = None
    for rs in sorted(owned, key=lambda r: (_meta(r).get("creationTimestamp", ""),
                                           _meta(r).get("name", ""))):
        if _without_hash((rs.get("spec") or {}).get("template")) == template:
            new = rs
            break
    return [rs for rs in owned if rs is not new], new


def _without_hash(template: Obj | None) -> Obj:
    """A pod template without the ``pod-template-hash`` label, for ``EqualIgnoreHash`` (a null
    ``creationTimestamp`` equals a missing one, as in Go's semantic equality)."""
    t = dict(template or {})
    meta = {k: v for k, v in (t.get("metadata") or {}).items() if v is not None}
    labels = dict(meta.get("labels") or {})
    labels.pop("pod-template-hash", None)
    meta["labels"] = labels
    t["metadata"] = meta
    return t


def describe_deployment(ctx: Context, info: ResourceInfo, dep: Obj, w: PrefixWriter,
                        show_events: bool) -> None:
    """``describeDeployment``."""
    meta, spec, status = _meta(dep), dep.get("spec") or {}, dep.get("status") or {}
    events = search_events(ctx, info, dep) if show_events else None
    old, new = _replica_sets_of(ctx, dep)
    try:
        selector = str(label_selector_as_selector(spec.get("selector")))
    except SelectorError as exc:
        raise CommandError(str(exc)) from None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector}\n")
    w.write(0, f"Replicas:\t{int(spec.get('replicas') or 0)} desired | "
               f"{int(status.get('updatedReplicas') or 0)} updated | "
               f"{int(status.get('replicas') or 0)} total | "
               f"{int(status.get('availableReplicas') or 0)} available | "
               f"{int(status.get('unavailableReplicas') or 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{int(spec.get('minReadySeconds') or 0)}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        w.write(0, f"RollingUpdateStrategy:\t{_ios(ru.get('maxUnavailable'))} max unavailable, "
                   f"{_ios(ru.get('maxSurge'))} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions_type_status_reason(w, status.get("conditions"))

    def rs_list(items: list[Obj]) -> str:
        parts = []
        for r in items:
            created = int((r.get("status") or {}).get("replicas") or 0)
            wanted = int((r.get("spec") or {}).get("replicas") or 0)
            parts.append(f"{_meta(r).get('name', '')} ({created}/{wanted} replicas created)")
        return ", ".join(parts) or "<none>"

    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{rs_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{rs_list([new] if new is not None else [])}\n")
    describe_events(ctx, events, w)


def describe_stateful_set(ctx: Context, info: ResourceInfo, sts: Obj, w: PrefixWriter,
                          show_events: bool) -> None:
    """``describeStatefulSet``."""
    meta, spec, status = _meta(sts), sts.get("spec") or {}, sts.get("status") or {}
    running, waiting, succeeded, failed = _pods_status(
        ctx, meta.get("namespace", ""), spec.get("selector"), meta.get("uid", ""))
    events = search_events(ctx, info, sts) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Selector:\t{label_selector_as_selector(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Replicas:\t{int(spec.get('replicas') or 0)} desired | "
               f"{int(status.get('replicas') or 0)} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None and ru.get("partition") is not None:
        w.write(1, f"Partition:\t{int(ru['partition'])}\n")
        if ru.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{_ios(ru['maxUnavailable'])}\n")
    w.write(0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / "
               f"{failed} Failed\n")
    describe_pod_template(w, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.write(0, "Volume Claims:\t<none>\n")
    else:
        w.write(0, "Volume Claims:\n")
        for pvc in claims:
            pmeta, pspec = _meta(pvc), pvc.get("spec") or {}
            w.write(1, f"Name:\t{pmeta.get('name', '')}\n")
            w.write(1, f"StorageClass:\t{pspec.get('storageClassName') or ''}\n")
            print_labels_multiline(w, "Labels", pmeta.get("labels"), "  ")
            print_labels_multiline(w, "Annotations", pmeta.get("annotations"), "  ")
            storage = ((pspec.get("resources") or {}).get("requests") or {}).get("storage")
            w.write(1, f"Capacity:\t{_q(storage) if storage else '<default>'}\n")
            w.write(1, f"Access Modes:\t[{' '.join(pspec.get('accessModes') or [])}]\n")
    describe_events(ctx, events, w)


def describe_daemon_set(ctx: Context, info: ResourceInfo, ds: Obj, w: PrefixWriter,
                        show_events: bool) -> None:
    """``describeDaemonSet``."""
    meta, spec, status = _meta(ds), ds.get("spec") or {}, ds.get("status") or {}
    running, waiting, succeeded, failed = _pods_status(
        ctx, meta.get("namespace", ""), spec.get("selector"), meta.get("uid", ""))
    events = search_events(ctx, info, ds) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{label_selector_as_selector(spec.get('selector'))}\n")
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    w.write(0, f"Node-Selector:\t{format_labels(node_selector)}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Desired Number of Nodes Scheduled: "
               f"{int(status.get('desiredNumberScheduled') or 0)}\n")
    w.write(0, "Current Number of Nodes Scheduled: "
               f"{int(status.get('currentNumberScheduled') or 0)}\n")
    w.write(0, "Number of Nodes Scheduled with Up-to-date Pods: "
               f"{int(status.get('updatedNumberScheduled') or 0)}\n")
    w.write(0, "Number of Nodes Scheduled with Available Pods: "
               f"{int(status.get('numberAvailable') or 0)}\n")
    w.write(0, f"Number of Nodes Misscheduled: {int(status.get('numberMisscheduled') or 0)}\n")
    w.write(0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / "
               f"{failed} Failed\n")
    describe_pod_template(w, spec.get("template"))
    describe_events(ctx, events, w)


def _bool_ptr(value: Any) -> str:
    """``printBoolPtr``: ``True`` / ``False`` / ``<unset>``."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def _go_bool(value: Any) -> str:
    """A ``bool`` printed with ``%v``."""
    return "true" if value else "false"


def _selector_line(w: PrefixWriter, selector: Obj | None) -> None:
    try:
        w.write(0, f"Selector:\t{label_selector_as_selector(selector)}\n")
    except SelectorError as exc:
        w.write(0, f"Selector:\tFailed to get selector: {exc}\n")


def cap_indexes_list_or_none(indexes: str | None, soft_limit: int = 50) -> str:
    """``capIndexesListOrNone``: the list cut at the first comma from ``soft_limit`` on."""
    if not indexes:
        return "<none>"
    ix = indexes.find(",", soft_limit)
    if ix < 0:
        return indexes
    return indexes[:ix + 1] + "..."


def describe_job(ctx: Context, info: ResourceInfo, job: Obj, w: PrefixWriter,
                 show_events: bool) -> None:
    """``describeJob``."""
    meta, spec, status = _meta(job), job.get("spec") or {}, job.get("status") or {}
    events = search_events(ctx, info, job) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _selector_line(w, spec.get("selector"))
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    ref = controller_of(job)
    if ref is not None:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{int(spec['parallelism'])}\n")
    if spec.get("completions") is not None:
        w.write(0, f"Completions:\t{int(spec['completions'])}\n")
    else:
        w.write(0, "Completions:\t<unset>\n")
    if spec.get("completionMode") is not None:
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{_go_bool(spec['suspend'])}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{int(spec['backoffLimit'])}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{int(spec['ttlSecondsAfterFinished'])}\n")
    start, done = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    if start is not None:
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    if done is not None:
        w.write(0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
    if start is not None and done is not None:
        w.write(0, f"Duration:\t{human_duration(done - start)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{int(spec['activeDeadlineSeconds'])}s\n")
    active, succeeded = int(status.get("active") or 0), int(status.get("succeeded") or 0)
    failed = int(status.get("failed") or 0)
    if status.get("ready") is None:
        w.write(0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} "
                   "Failed\n")
    else:
        w.write(0, f"Pods Statuses:\t{active} Active ({int(status['ready'])} Ready) / "
                   f"{succeeded} Succeeded / {failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.write(0, "Completed Indexes:\t"
                   f"{cap_indexes_list_or_none(status.get('completedIndexes'))}\n")
    describe_pod_template(w, spec.get("template") or {})
    describe_events(ctx, events, w)


def _describe_job_template(w: PrefixWriter, template: Obj | None) -> None:
    """``describeJobTemplate``."""
    spec = (template or {}).get("spec") or {}
    if spec.get("selector") is not None:
        _selector_line(w, spec["selector"])
    else:
        w.write(0, "Selector:\t<unset>\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{int(spec['parallelism'])}\n")
    else:
        w.write(0, "Parallelism:\t<unset>\n")
    if spec.get("completions") is not None:
        w.write(0, f"Completions:\t{int(spec['completions'])}\n")
    else:
        w.write(0, "Completions:\t<unset>\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{int(spec['activeDeadlineSeconds'])}s\n")
    describe_pod_template(w, spec.get("template") or {})


def describe_cron_job(ctx: Context, info: ResourceInfo, cj: Obj, w: PrefixWriter,
                      show_events: bool) -> None:
    """``describeCronJob``."""
    meta, spec, status = _meta(cj), cj.get("spec") or {}, cj.get("status") or {}
    events = search_events(ctx, info, cj) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    w.write(0, f"Suspend:\t{_bool_ptr(spec.get('suspend'))}\n")
    for key, title in (("successfulJobsHistoryLimit", "Successful Job History Limit"),
                       ("failedJobsHistoryLimit", "Failed Job History Limit")):
        value = spec.get(key)
        w.write(0, f"{title}:\t{'<unset>' if value is None else int(value)}\n")
    if spec.get("startingDeadlineSeconds") is not None:
        w.write(0, f"Starting Deadline Seconds:\t{int(spec['startingDeadlineSeconds'])}s\n")
    else:
        w.write(0, "Starting Deadline Seconds:\t<unset>\n")
    _describe_job_template(w, spec.get("jobTemplate"))
    if parse_time(status.get("lastScheduleTime")) is not None:
        w.write(0, f"Last Schedule Time:\t{rfc1123z(status['lastScheduleTime'])}\n")
    else:
        w.write(0, "Last Schedule Time:\t<unset>\n")
    w.write(0, "Active Jobs:\t")
    active = status.get("active") or []
    if not active:
        w.line("<none>")
    else:
        w.write(0, ", ".join(str(ref.get("name", "")) for ref in active))
        w.line("")
    describe_events(ctx, events, w)


def _format_endpoint_slices(slices: list[Obj], port_name: str) -> str:
    """``formatEndpointSlices`` for one service port."""
    if not slices:
        return "<none>"
    items: list[str] = []
    max_, more, count = 3, False, 0
    for s in slices:
        ports = s.get("ports") or []
        if not ports:
            for ep in s.get("endpoints") or []:
                if len(items) == max_:
                    more = True
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    items.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            for ep in s.get("endpoints") or []:
                if len(items) == max_:
                    more = True
                addr = (ep.get("addresses") or [""])[0]
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    items.append(f"[{addr}]:{port.get('port')}" if ":" in addr
                                 else f"{addr}:{port.get('port')}")
                count += 1
    ret = ",".join(items)
    return f"{ret} + {count - max_} more..." if more else ret


def describe_service(ctx: Context, info: ResourceInfo, svc: Obj, w: PrefixWriter,
                     show_events: bool) -> None:
    """``describeService``."""
    meta, spec, status = _meta(svc), svc.get("spec") or {}, svc.get("status") or {}
    try:
        slices = ctx.client.list("endpointslices", meta.get("namespace", ""),
                                 label_selector=f"kubernetes.io/service-name={meta.get('name')}"
                                 ).get("items") or []
    except StatusError:
        slices = []
    events = search_events(ctx, info, svc) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    families = spec.get("ipFamilies") or []
    w.write(0, f"IP Families:\t{','.join(families) if families else '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    ips = spec.get("clusterIPs") or []
    w.write(0, f"IPs:\t{','.join(ips) if ips else '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        text = ", ".join(i.get("ip") + (f" ({i['ipMode']})" if i.get("ipMode") else "")
                         if i.get("ip") else i.get("hostname", "") for i in ingress)
        w.write(0, f"LoadBalancer Ingress:\t{text}\n")
    for p in spec.get("ports") or []:
        name = p.get("name") or "<unset>"
        proto = p.get("protocol", "")
        w.write(0, f"Port:\t{name}\t{int(p.get('port') or 0)}/{proto}\n")
        w.write(0, f"TargetPort:\t{_ios(p.get('targetPort'))}/{proto}\n")
        if p.get("appProtocol"):
            w.write(0, f"AppProtocol:\t{p['appProtocol']}\n")
        if int(p.get("nodePort") or 0):
            w.write(0, f"NodePort:\t{name}\t{int(p['nodePort'])}/{proto}\n")
        w.write(0, f"Endpoints:\t{_format_endpoint_slices(slices, p.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if int(spec.get("healthCheckNodePort") or 0):
        w.write(0, f"HealthCheck NodePort:\t{int(spec['healthCheckNodePort'])}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    describe_events(ctx, events, w)


def describe_endpoints(ctx: Context, info: ResourceInfo, ep: Obj, w: PrefixWriter,
                       show_events: bool) -> None:
    """``describeEndpoints``."""
    meta = _meta(ep)
    events = search_events(ctx, info, ep) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Subsets:\n")
    for ss in ep.get("subsets") or []:
        addrs = ",".join(a.get("ip", "") for a in ss.get("addresses") or []) or "<none>"
        w.write(1, f"Addresses:\t{addrs}\n")
        not_ready = ",".join(a.get("ip", "") for a in ss.get("notReadyAddresses") or [])
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if ss.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ss["ports"]:
                w.write(2, f"{p.get('name') or '<unset>'}\t{int(p.get('port') or 0)}\t"
                           f"{p.get('protocol', '')}\n")
        w.write(0, "\n")
    describe_events(ctx, events, w)


def describe_endpoint_slice(ctx: Context, info: ResourceInfo, eps: Obj, w: PrefixWriter,
                            show_events: bool) -> None:
    """``describeEndpointSliceV1``."""
    meta = _meta(eps)
    events = search_events(ctx, info, eps) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for p in ports:
            port = str(p["port"]) if p.get("port") is not None else "<unset>"
            w.write(1, f"{p.get('name') or '<unset>'}\t{port}\t{p.get('protocol', '')}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in endpoints:
            w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
            if ep.get("targetRef"):
                w.write(2, f"TargetRef:\t{ep['targetRef'].get('kind', '')}/"
                           f"{ep['targetRef'].get('name', '')}\n")
            w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
            w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
    describe_events(ctx, events, w)


def _quota_section(w: PrefixWriter, quotas: list[Obj]) -> None:
    if not quotas:
        w.write(0, "No resource quota.\n")
        return
    w.write(0, "Resource Quotas\n")
    for q in sorted(quotas, key=lambda q: _meta(q).get("name", "")):
        w.write(1, f"Name:\t{_meta(q).get('name', '')}\n")
        scopes = sorted((q.get("spec") or {}).get("scopes") or [])
        if scopes:
            w.write(1, f"Scopes:\t{', '.join(scopes)}\n")
        w.write(1, "Resource\tUsed\tHard\n")
        w.write(1, "--------\t---\t---\n")
        hard = (q.get("status") or {}).get("hard") or {}
        used = (q.get("status") or {}).get("used") or {}
        for r in sorted(hard):
            w.write(1, f"{r}\t{_q(used.get(r))}\t{_q(hard[r])}\n")


def _limit_range_rows(w: PrefixWriter, spec: Obj, prefix: str) -> None:
    for item in spec.get("limits") or []:
        keys: set[str] = set()
        for k in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            keys.update((item.get(k) or {}).keys())
        for r in sorted(keys):
            vals = []
            for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio"):
                v = (item.get(k) or {}).get(r)
                vals.append(_q(v) if v is not None else "-")
            w.write(0, f"{prefix}{item.get('type', '')}\t{r}\t" + "\t".join(vals) + "\n")


def describe_namespace(ctx: Context, info: ResourceInfo, ns: Obj, w: PrefixWriter,
                       show_events: bool) -> None:
    """``describeNamespace``."""
    meta = _meta(ns)
    name = meta.get("name", "")
    quotas: list[Obj] | None
    limits: list[Obj] | None
    try:
        quotas = ctx.client.list("resourcequotas", name).get("items") or []
    except StatusError:
        quotas = None
    try:
        limits = ctx.client.list("limitranges", name).get("items") or []
    except StatusError:
        limits = None
    w.write(0, f"Name:\t{name}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(ns.get('status') or {}).get('phase', '')}\n")
    conditions = (ns.get("status") or {}).get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t"
                       f"{rfc1123z(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                       f"{c.get('message', '')}\n")
    if quotas is not None:
        w.write(0, "\n")
        _quota_section(w, quotas)
    if limits is not None:
        w.write(0, "\n")
        if not limits:
            w.write(0, "No LimitRange resource.\n")
        else:
            w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\t"
                       "Default Limit\tMax Limit/Request Ratio\n")
            w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t"
                       "-----------------------\n")
            for lr in limits:
                _limit_range_rows(w, lr.get("spec") or {}, " ")


def describe_limit_range(ctx: Context, info: ResourceInfo, lr: Obj, w: PrefixWriter,
                         show_events: bool) -> None:
    meta = _meta(lr)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
               "Max Limit/Request Ratio\n")
    w.write(0, "----\t--------\t---\t---\t---------------\t-------------\t"
               "-----------------------\n")
    _limit_range_rows(w, lr.get("spec") or {}, "")


#: ``helpTextForResourceQuotaScope``
_QUOTA_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
                   "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually "
                      "include long running pods whose container command is not expected to "
                      "terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have "
                  "a best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These "
                     "pods have a burstable or guaranteed quality of service.",
}


def describe_resource_quota(ctx: Context, info: ResourceInfo, q: Obj, w: PrefixWriter,
                            show_events: bool) -> None:
    """``describeQuota``: the scopes with their help text, then each resource of
    ``status.hard`` (sorted) with its used and hard quantities; a used quantity written in
    another format than the hard one is shown in the hard one's (a missing one as ``0``)."""
    meta = _meta(q)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    scopes = sorted((q.get("spec") or {}).get("scopes") or [])
    if scopes:
        w.write(0, f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            help_text = _QUOTA_SCOPE_HELP.get(scope, "")
            if help_text:
                w.write(0, f" * {help_text}\n")
    w.write(0, "Resource\tUsed\tHard\n")
    w.write(0, "--------\t----\t----\n")
    hard = (q.get("status") or {}).get("hard") or {}
    used = (q.get("status") or {}).get("used") or {}
    for r in sorted(hard):
        hard_q = Quantity(hard[r])
        raw = used.get(r)
        used_q = Quantity(raw) if raw not in (None, "") else None
        if used_q is None or used_q.fmt != hard_q.fmt:
            used_q = Quantity.from_int(used_q.value() if used_q is not None else 0, hard_q.fmt)
        w.write(0, f"{r}\t{used_q}\t{hard_q}\n")


def describe_config_map(ctx: Context, info: ResourceInfo, cm: Obj, w: PrefixWriter,
                        show_events: bool) -> None:
    """``ConfigMapDescriber``."""
    meta = _meta(cm)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for k in sorted(data):
        w.write(0, f"{k}:\n----\n")
        w.write(0, f"{data[k]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for k in sorted(binary):
        import base64

        w.write(0, f"{k}: {len(base64.b64decode(binary[k]))} bytes\n")
    w.write(0, "\n")
    if show_events:
        describe_events(ctx, search_events(ctx, info, cm), w)


def describe_secret(ctx: Context, info: ResourceInfo, s: Obj, w: PrefixWriter,
                    show_events: bool) -> None:
    """``describeSecret``: sizes only, except a service-account token."""
    import base64

    meta = _meta(s)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"\nType:\t{s.get('type', '')}\n")
    w.write(0, "\nData\n====\n")
    data = s.get("data") or {}
    for k in sorted(data):
        raw = base64.b64decode(data[k] or "")
        if k == "token" and s.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{k}:\t{raw.decode(errors='replace')}\n")
        else:
            w.write(0, f"{k}:\t{len(raw)} bytes\n")


def describe_service_account(ctx: Context, info: ResourceInfo, sa: Obj, w: PrefixWriter,
                             show_events: bool) -> None:
    """``describeServiceAccount``."""
    meta = _meta(sa)
    events = search_events(ctx, info, sa) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    pulls = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    header, empty = "Image pull secrets:", "                   "
    if not pulls:
        w.write(0, f"{header}\t<none>\n")
    for i, name in enumerate(pulls):
        w.write(0, f"{header if i == 0 else empty}\t{name}\n")
    describe_events(ctx, events, w)


def describe_role_binding(ctx: Context, info: ResourceInfo, rb: Obj, w: PrefixWriter,
                          show_events: bool) -> None:
    """``RoleBindingDescriber`` / ``ClusterRoleBindingDescriber``."""
    meta = _meta(rb)
    ref = rb.get("roleRef") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Role:\n")
    w.write(1, f"Kind:\t{ref.get('kind', '')}\n")
    w.write(1, f"Name:\t{ref.get('name', '')}\n")
    w.write(0, "Subjects:\n")
    w.write(1, "Kind\tName\tNamespace\n")
    w.write(1, "----\t----\t---------\n")
    for s in rb.get("subjects") or []:
        w.write(1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")


def describe_role(ctx: Context, info: ResourceInfo, role: Obj, w: PrefixWriter,
                  show_events: bool) -> None:
    """``RoleDescriber`` / ``ClusterRoleDescriber`` (one line per rule, not compacted)."""
    meta = _meta(role)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "PolicyRule:\n")
    w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(1, "---------\t-----------------\t--------------\t-----\n")
    for r in role.get("rules") or []:
        groups = r.get("apiGroups") or [""]
        resources = ", ".join(
            f"{res}.{g}" if g else res for res in r.get("resources") or [] for g in groups)
        w.write(1, f"{resources}\t[{' '.join(r.get('nonResourceURLs') or [])}]\t"
                   f"[{' '.join(r.get('resourceNames') or [])}]\t"
                   f"[{' '.join(r.get('verbs') or [])}]\n")


def describe_priority_class(ctx: Context, info: ResourceInfo, pc: Obj, w: PrefixWriter,
                            show_events: bool) -> None:
    """``describePriorityClass``."""
    meta = _meta(pc)
    events = search_events(ctx, info, pc) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Value:\t{int(pc.get('value') or 0)}\n")
    w.write(0, f"GlobalDefault:\t{'true' if pc.get('globalDefault') else 'false'}\n")
    w.write(0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy', '')}\n")
    w.write(0, f"Description:\t{pc.get('description', '')}\n")
    w.write(0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    describe_events(ctx, events, w)


def describe_storage_class(ctx: Context, info: ResourceInfo, sc: Obj, w: PrefixWriter,
                           show_events: bool) -> None:
    """``describeStorageClass``."""
    meta = _meta(sc)
    ann = meta.get("annotations") or {}
    events = search_events(ctx, info, sc) if show_events else None
    default = "Yes" if (ann.get("storageclass.kubernetes.io/is-default-class") == "true" or
                        ann.get("storageclass.beta.kubernetes.io/is-default-class") == "true"
                        ) else "No"
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"IsDefaultClass:\t{default}\n")
    w.write(0, f"Annotations:\t{format_labels(ann)}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    ave = sc.get("allowVolumeExpansion")
    ave_text = "<unset>" if ave is None else ("True" if ave else "False")
    w.write(0, f"AllowVolumeExpansion:\t{ave_text}\n")
    opts = sc.get("mountOptions") or []
    if not opts:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for o in opts:
            w.write(1, f"{o}\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    describe_events(ctx, events, w)


def _pod_requests_limits(pod: Obj) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """Pod requests / limits: containers summed, init containers as a floor."""
    spec = pod.get("spec") or {}
    totals: list[dict[str, Quantity]] = []
    for which in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for c in spec.get("containers") or []:
            for name, v in ((c.get("resources") or {}).get(which) or {}).items():
                total[name] = total.get(name, Quantity(0)) + Quantity(v)
        for c in spec.get("initContainers") or []:
            for name, v in ((c.get("resources") or {}).get(which) or {}).items():
                if Quantity(v) > total.get(name, Quantity(0)):
                    total[name] = Quantity(v)
        totals.append(total)
    return totals[0], totals[1]


def _pct(part: Quantity, whole: Quantity, milli: bool) -> int:
    a = part.milli_value() if milli else part.value()
    b = whole.milli_value() if milli else whole.value()
    return int(a / b * 100) if b else 0


_STANDARD = {"cpu", "memory", "storage", "ephemeral-storage", "pods"}


def describe_node(ctx: Context, info: ResourceInfo, node: Obj, w: PrefixWriter,
                  show_events: bool) -> None:
    """``describeNode``."""
    meta, spec, status = _meta(node), node.get("spec") or {}, node.get("status") or {}
    name = meta.get("name", "")
    can_view = True
    pods: list[Obj] = []
    try:
        pods = ctx.client.list("pods", "", field_selector=(
            f"spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed")
        ).get("items") or []
    except StatusError as exc:
        if exc.code != 403:
            raise
        can_view = False
    events: list[Obj] | None = None
    if show_events:
        events = search_events(ctx, info, node) or []
        by_name = dict(node, metadata={**meta, "uid": name})
        events += search_events(ctx, info, by_name) or []
    w.write(0, f"Name:\t{name}\n")
    roles = find_node_roles(node)
    w.write(0, f"Roles:\t{','.join(roles) if roles else '<none>'}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    print_taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    try:
        lease = ctx.client.get("leases", name, "kube-node-lease")
        lspec = lease.get("spec") or {}
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{lspec.get('holderIdentity') or '<unset>'}\n")
        w.write(1, "AcquireTime:\t"
                   f"{rfc1123z(lspec['acquireTime']) if lspec.get('acquireTime') else '<unset>'}\n")
        w.write(1, "RenewTime:\t"
                   f"{rfc1123z(lspec['renewTime']) if lspec.get('renewTime') else '<unset>'}\n")
    except StatusError as exc:
        w.write(0, f"Lease:\tFailed to get lease: {exc.message}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
                   "Message\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t"
                       f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type', '')}:\t{a.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        resources = status.get(key) or {}
        if resources:
            w.write(0, f"{title}:\n")
            for r in sorted(resources):
                w.write(0, f"  {r}:\t{_q(resources[r])}\n")
    ni = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"),
                       ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
                       ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                       ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion")):
        w.write(0, f"  {label}:\t{ni.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    if not can_view:
        w.write(0, "Pods:\tnot authorized\n")
    else:
        _node_resources(ctx, w, node, pods)
    describe_events(ctx, events, w)


def _node_resources(ctx: Context, w: PrefixWriter, node: Obj, pods: list[Obj]) -> None:
    """``describeNodeResource``."""
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc = {k: Quantity(v) for k, v in allocatable.items()}
    zero = Quantity(0)
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\t"
               "Age\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t"
               "---\n")
    now = ctx.now()
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for p in pods:
        req, lim = _pod_requests_limits(p)
        cr, cl = req.get("cpu", zero), lim.get("cpu", zero)
        mr, ml = req.get("memory", zero), lim.get("memory", zero)
        pm = _meta(p)
        w.write(1, f"{pm.get('namespace', '')}\t{pm.get('name', '')}\t\t"
                   f"{cr} ({_pct(cr, alloc.get('cpu', zero), True)}%)\t"
                   f"{cl} ({_pct(cl, alloc.get('cpu', zero), True)}%)\t"
                   f"{mr} ({_pct(mr, alloc.get('memory', zero), False)}%)\t"
                   f"{ml} ({_pct(ml, alloc.get('memory', zero), False)}%)\t"
                   f"{translate_timestamp_since(pm.get('creationTimestamp'), now)}\n")
        for k, v in req.items():
            reqs[k] = reqs[k] + v if k in reqs else Quantity(v)
        for k, v in lim.items():
            limits[k] = limits[k] + v if k in limits else Quantity(v)
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
               "overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for r, milli in (("cpu", True), ("memory", False), ("ephemeral-storage", False)):
        rq, lm = reqs.get(r, zero), limits.get(r, zero)
        w.write(1, f"{r}\t{rq} ({_pct(rq, alloc.get(r, zero), milli)}%)\t"
                   f"{lm} ({_pct(lm, alloc.get(r, zero), milli)}%)\n")
    huge = sorted(r for r in alloc if r.startswith("hugepages-"))
    ext = sorted(r for r in alloc if r not in _STANDARD and not r.startswith("hugepages-")
                 and "/" in r)
    for r in huge:
        rq, lm = reqs.get(r, zero), limits.get(r, zero)
        w.write(1, f"{r}\t{rq} ({_pct(rq, alloc[r], False)}%)\t"
                   f"{lm} ({_pct(lm, alloc[r], False)}%)\n")
    for r in ext:
        w.write(1, f"{r}\t{reqs.get(r, zero)}\t{limits.get(r, zero)}\n")


_ACRONYMS = {"API", "URL", "UID", "GUID"}


def smart_label(field: str) -> str:
    """``smartLabelFor``: ``holderIdentity`` → ``Holder Identity``, ``apiVersion`` →
    ``API Version``."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+|[A-Z]+|-+", field)
    out = []
    for p in parts:
        if p == "_":
            continue
        if p.upper() in _ACRONYMS:
            p = p.upper()
        elif p.lower() == p:
            p = p[:1].upper() + p[1:]
        out.append(p)
    return " ".join(out)


def _go_value(v: Any) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _unstructured(w: PrefixWriter, level: int, content: Mapping[str, Any], prefix: str,
                  skip: set[str]) -> None:
    """``printUnstructuredContent``."""
    for k in sorted(content):
        v = content[k]
        path = f"{prefix}.{k}"
        if path in skip:
            continue
        if isinstance(v, dict):
            w.write(level, f"{smart_label(k)}:\n")
            _unstructured(w, level + 1, v, path, skip)
        elif isinstance(v, list):
            w.write(level, f"{smart_label(k)}:\n")
            for child in v:
                if isinstance(child, dict):
                    _unstructured(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(k)}:\t{_go_value(v)}\n")


def describe_generic(ctx: Context, info: ResourceInfo, obj: Obj, w: PrefixWriter,
                     show_events: bool) -> None:
    """``genericDescriber``: every field of the object, then its events."""
    meta = _meta(obj)
    events = search_events(ctx, info, obj) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    full = {"apiVersion": info.api_version, "kind": info.kind, **obj}
    _unstructured(w, 0, full, "", {".metadata.managedFields", ".metadata.name",
                                   ".metadata.namespace", ".metadata.labels",
                                   ".metadata.annotations"})
    describe_events(ctx, events, w)


def describe_pod_disruption_budget(ctx: Context, info: ResourceInfo, pdb: Obj,
                                   w: PrefixWriter, show_events: bool) -> None:
    """``describePodDisruptionBudgetV1``."""
    meta, spec, status = _meta(pdb), pdb.get("spec") or {}, pdb.get("status") or {}
    events = search_events(ctx, info, pdb) if show_events else None
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("minAvailable") is not None:
        w.write(0, f"Min available:\t{_ios(spec['minAvailable'])}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(0, f"Max unavailable:\t{_ios(spec['maxUnavailable'])}\n")
    if spec.get("selector") is not None:
        w.write(0, f"Selector:\t{format_label_selector(spec['selector'])}\n")
    else:
        w.write(0, "Selector:\t<unset>\n")
    w.write(0, "Status:\n")
    w.write(2, f"Allowed disruptions:\t{int(status.get('disruptionsAllowed') or 0)}\n")
    w.write(2, f"Current:\t{int(status.get('currentHealthy') or 0)}\n")
    w.write(2, f"Desired:\t{int(status.get('desiredHealthy') or 0)}\n")
    w.write(2, f"Total:\t{int(status.get('expectedPods') or 0)}\n")
    describe_events(ctx, events, w)


Describer = Any

DESCRIBERS: dict[tuple[str, str], Describer] = {
    ("", "Pod"): describe_pod,
    ("", "ReplicationController"): describe_replica_set,
    ("", "Service"): describe_service,
    ("", "Node"): describe_node,
    ("", "Namespace"): describe_namespace,
    ("", "Endpoints"): describe_endpoints,
    ("", "ConfigMap"): describe_config_map,
    ("", "Secret"): describe_secret,
    ("", "ServiceAccount"): describe_service_account,
    ("", "LimitRange"): describe_limit_range,
    ("", "ResourceQuota"): describe_resource_quota,
    ("apps", "Deployment"): describe_deployment,
    ("apps", "ReplicaSet"): describe_replica_set,
    ("apps", "StatefulSet"): describe_stateful_set,
    ("apps", "DaemonSet"): describe_daemon_set,
    ("batch", "Job"): describe_job,
    ("batch", "CronJob"): describe_cron_job,
    ("discovery.k8s.io", "EndpointSlice"): describe_endpoint_slice,
    ("policy", "PodDisruptionBudget"): describe_pod_disruption_budget,
    ("rbac.authorization.k8s.io", "Role"): describe_role,
    ("rbac.authorization.k8s.io", "ClusterRole"): describe_role,
    ("rbac.authorization.k8s.io", "RoleBinding"): describe_role_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): describe_role_binding,
    ("scheduling.k8s.io", "PriorityClass"): describe_priority_class,
    ("storage.k8s.io", "StorageClass"): describe_storage_class,
}


def describe_object(ctx: Context, info: ResourceInfo, obj: Obj, show_events: bool = True
                    ) -> str:
    """The full ``kubectl describe`` text of one object."""
    tw = describe_writer()
    describer = DESCRIBERS.get((info.group, info.kind), describe_generic)
    describer(ctx, info, obj, PrefixWriter(tw), show_events)
    return tw.flush()


def run(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "describe")
    if not pos and not flags["filename"]:
        raise CommandError("You must specify the type of resource to describe. Use \"kubectl "
                           "api-resources\" for a complete list of supported resources.\n")
    targets: list[Target]
    if flags["filename"]:
        targets = [Target(resource_for(o, src), o["metadata"]["name"])
                   for o, src in load_objects(ctx, flags["filename"])]
    else:
        targets = resolve_args(pos)
    objects: list[tuple[ResourceInfo, Obj]] = []
    errors: list[BaseException] = []
    for t in targets:
        ns = "" if flags["all_namespaces"] else ctx.namespace_for(t.info, flags)
        try:
            if t.name:
                try:
                    objects.append((t.info, ctx.client.get(t.info, t.name, ns)))
                except StatusError as exc:
                    if exc.code != 404 or len(pos) != 2:
                        raise
                    # DescribeMatchingResources: names starting with the argument
                    items = ctx.client.list(t.info, ns).get("items") or []
                    matches = [o for o in items
                               if _meta(o).get("name", "").startswith(t.name)]
                    if not matches:
                        raise
                    objects.extend((t.info, o) for o in matches)
            else:
                items = ctx.client.list(t.info, ns,
                                        label_selector=flags["selector"]).get("items") or []
                objects.extend((t.info, o) for o in items)
        except StatusError as exc:
            errors.append(exc)
    first = True
    for info, obj in objects:
        text = describe_object(ctx, info, obj, flags["show_events"])
        ctx.out(text if first else "\n\n" + text)
        first = False
    if not objects and not errors and targets and not targets[0].name:
        ns = flags["namespace"] or ctx.namespace
        if targets[0].info.namespaced and not flags["all_namespaces"]:
            ctx.err(f"No resources found in {ns} namespace.\n")
        else:
            ctx.err("No resources found\n")
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0
