"""The trace of every request: which plugins ran and what they decided, what admission changed,
which etcd key and revision were written, which watchers were told — on virtual time.

Upstream has pieces of this spread over audit events (``apiserver/pkg/apis/audit``: the request's
user, verb, objectRef, responseStatus, stage timestamps) and ``k8s.io/utils/trace`` step logs.
Here every request gets one :class:`Trace`; a request a component makes while handling a watch
event carries the id of the request that caused the event (``parent_id``), so a whole flow —
``kubectl apply`` of a Deployment down to the kubelets' status updates — is one causal tree.

:class:`Tracer` keeps traces in a bounded ring, answers queries, and runs observer hooks
(``on_request``, ``on_store_write``, ``on_watch_event``) that widgets subscribe to.

Taught in notebooks/00-start-here.ipynb, notebooks/03-api-server.ipynb.

Taught in notebooks/08-all-together.ipynb.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["Outcome", "StoreWrite", "Trace", "TraceStep", "Tracer", "WatchNotice"]


class Outcome(Enum):
    OK = "ok"
    ALLOWED = "allowed"
    DENIED = "denied"
    PATCHED = "patched"
    REJECTED = "rejected"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(slots=True)
class TraceStep:
    """One step of the chain: ``step`` is the stage (``authentication``, ``authorization``,
    ``mutating-admission``, ``validation``, ``validating-admission``, ``storage``...), ``plugin``
    the plugin that acted (``tokenfile``, ``RBAC``, ``LimitRanger``...)."""

    step: str
    plugin: str
    outcome: Outcome
    detail: Any = None
    time: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "plugin": self.plugin, "outcome": self.outcome.value,
                "detail": self.detail, "time": self.time}


_OUTCOMES = {o.value: o for o in Outcome}


class _Steps:
    """The ``steps`` field of :class:`Trace`. The API server records each step with
    :meth:`Trace.add_step` as a plain tuple: cheap to make and, when the step carries no
    detail, invisible to the garbage collector (a busy server keeps tens of thousands of traces
    in its ring). The :class:`TraceStep` objects are made the first time anyone reads
    ``steps``; from then on that list *is* the trace's steps (appending to it works, and so
    does assigning a new list)."""

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return None  # the dataclass default: no steps yet
        steps: list[TraceStep] | None = obj._steps
        if steps is None:
            steps = obj._steps = [TraceStep(s, p, _OUTCOMES[o], d, t)
                                  for s, p, o, d, t in obj._raw_steps]
            obj._raw_steps = ()
        return steps

    def __set__(self, obj: Any, value: list[TraceStep] | None) -> None:
        if value is None:
            obj._steps = None
            obj._raw_steps = []
        else:
            obj._steps = value
            obj._raw_steps = ()


@dataclass(frozen=True, slots=True)
class StoreWrite:
    """An etcd write made by a request: key, revision, and the operation (PUT/DELETE)."""

    key: str
    revision: int
    op: str
    trace_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "revision": self.revision, "op": self.op,
                "trace_id": self.trace_id}


@dataclass(frozen=True, slots=True)
class WatchNotice:
    """A watch event handed to one watcher."""

    watcher: str
    event_type: str
    resource: str
    key: str
    revision: int
    trace_id: str | None
    time: float

    def to_dict(self) -> dict[str, Any]:
        return {"watcher": self.watcher, "event_type": self.event_type,
                "resource": self.resource, "key": self.key, "revision": self.revision,
                "trace_id": self.trace_id, "time": self.time}


_SMALL = 64  # raw fields kept in a tuple up to this many, then in a list


def _append_raw(raw: Any, fields: tuple[Any, ...]) -> Any:
    """``raw`` with ``fields`` (one record's) appended, flat: a tuple while short (a tuple of
    strings and numbers is untracked by the collector the first time it looks at it; a list
    never is), a list past :data:`_SMALL` fields (so a request that writes or notifies many
    stays linear)."""
    if type(raw) is tuple:
        if len(raw) < _SMALL:
            return raw + fields
        raw = list(raw)
    raw.extend(fields)
    return raw


def _records(raw: Any, n: int) -> Iterator[tuple[Any, ...]]:
    """The records of a flat ``raw``, ``n`` fields each."""
    return zip(*[iter(raw)] * n, strict=True)


class _Records:
    """The ``writes`` / ``notified`` fields of :class:`Trace`. The tracer records each
    :class:`StoreWrite` (:class:`WatchNotice`) as a run of its fields in one flat tuple
    (:func:`_append_raw`) — nothing at all for the many traces with none — and the objects are
    made the first time anyone reads the field; from then on that list *is* the trace's field
    (appending to it works, and so does assigning a new list)."""

    def __init__(self, name: str, record: type[Any], width: int) -> None:
        self._made, self._raw = f"_{name}", f"_raw_{name}"
        self._record, self._width = record, width

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return None  # the dataclass default: none yet
        made: list[Any] | None = getattr(obj, self._made)
        if made is None:
            record = self._record
            made = [record(*r) for r in _records(getattr(obj, self._raw), self._width)]
            setattr(obj, self._made, made)
            setattr(obj, self._raw, ())
        return made

    def __set__(self, obj: Any, value: list[Any] | None) -> None:
        setattr(obj, self._made, value)
        setattr(obj, self._raw, ())


@dataclass
class Trace:
    id: str
    parent_id: str | None
    user: str
    verb: str
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    api_group: str = ""
    path: str = ""
    start: float = 0.0
    end: float = 0.0
    code: int = 0
    steps: list[TraceStep] = _Steps()  # type: ignore[assignment]
    writes: list[StoreWrite] = _Records("writes", StoreWrite, 4)  # type: ignore[assignment]
    notified: list[WatchNotice] = _Records("notified", WatchNotice, 7)  # type: ignore[assignment]
    error: str = ""
    user_agent: str = ""

    def add_step(self, step: str, plugin: str, outcome: Outcome, detail: Any = None,
                 time: float = 0.0) -> None:
        """Record one step (what ``steps.append(TraceStep(...))`` does, cheaper)."""
        steps = self._steps
        if steps is None:
            self._raw_steps.append((step, plugin, outcome._value_, detail, time))
        else:
            steps.append(TraceStep(step, plugin, outcome, detail, time))

    def _write_revisions(self) -> list[int]:
        writes = self._writes
        if writes is None:
            return list(self._raw_writes[1::4])
        return [w.revision for w in writes]

    def _has_writes(self) -> bool:
        return bool(self._writes or self._raw_writes)

    @property
    def component(self) -> str:
        """A short name for who made the request (``kube-scheduler``, ``kubelet/node-1``)."""
        u = self.user
        if self.user_agent.startswith("kubectl"):
            return f"kubectl ({u})" if u else "kubectl"
        if u.startswith("system:node:"):
            return "kubelet/" + u.removeprefix("system:node:")
        if u.startswith("system:serviceaccount:kube-system:") and u.endswith("-controller"):
            return "kube-controller-manager"
        if u.startswith("system:kube-"):
            return u.removeprefix("system:")
        return u

    @property
    def target(self) -> str:
        r = self.resource + (f"/{self.subresource}" if self.subresource else "")
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{r} {where}".strip() if r else self.path

    def step(self, name: str) -> TraceStep | None:
        for s in self.steps:
            if s.step == name:
                return s
        return None

    def summary(self) -> str:
        """One line, e.g.
        ``[req-7 <- req-3] t=1.250 kube-scheduler create pods/binding default/x 201``."""
        parent = f" <- {self.parent_id}" if self.parent_id else ""
        return (f"[{self.id}{parent}] t={self.start:.3f} {self.component} {self.verb} "
                f"{self.target} {self.code}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "parent_id": self.parent_id, "user": self.user, "verb": self.verb,
            "resource": self.resource, "subresource": self.subresource,
            "namespace": self.namespace, "name": self.name, "api_group": self.api_group,
            "path": self.path, "start": self.start, "end": self.end, "code": self.code,
            "steps": [s.to_dict() for s in self.steps],
            "writes": [w.to_dict() for w in self.writes],
            "notified": [n.to_dict() for n in self.notified],
            "error": self.error, "user_agent": self.user_agent,
        }


TraceHook = Callable[[Trace], None]
WriteHook = Callable[[StoreWrite], None]
WatchHook = Callable[[WatchNotice], None]


class Tracer:
    """A bounded ring of traces plus the observer hooks."""

    def __init__(self, capacity: int = 20000) -> None:
        self.capacity = capacity
        self._ring: deque[Trace] = deque(maxlen=capacity)
        self._by_id: dict[str, Trace] = {}
        self._by_revision: dict[int, str] = {}
        self._ids = itertools.count(1)
        self.on_request: list[TraceHook] = []
        self.on_store_write: list[WriteHook] = []
        self.on_watch_event: list[WatchHook] = []

    def new_id(self) -> str:
        return f"req-{next(self._ids)}"

    def begin(self, trace: Trace) -> None:
        if len(self._ring) == self.capacity:
            old = self._ring[0]
            self._by_id.pop(old.id, None)
            if old._has_writes():
                for rev in old._write_revisions():
                    self._by_revision.pop(rev, None)
        self._ring.append(trace)
        self._by_id[trace.id] = trace

    def finish(self, trace: Trace) -> None:
        if self.on_request:
            for hook in list(self.on_request):
                hook(trace)

    def record_write(self, trace: Trace, write: StoreWrite) -> None:
        writes = trace._writes
        if writes is None:
            trace._raw_writes = _append_raw(trace._raw_writes, (
                write.key, write.revision, write.op, write.trace_id))
        else:
            writes.append(write)
        self._by_revision[write.revision] = trace.id
        if self.on_store_write:
            for hook in list(self.on_store_write):
                hook(write)

    def record_notice(self, notice: WatchNotice) -> None:
        if notice.trace_id is not None:
            t = self._by_id.get(notice.trace_id)
            if t is not None:
                notified = t._notified
                if notified is None:
                    t._raw_notified = _append_raw(t._raw_notified, (
                        notice.watcher, notice.event_type, notice.resource, notice.key,
                        notice.revision, notice.trace_id, notice.time))
                else:
                    notified.append(notice)
        if self.on_watch_event:
            for hook in list(self.on_watch_event):
                hook(notice)

    def trace_for_revision(self, revision: int) -> str | None:
        """The id of the request whose write produced ``revision`` (the cause of a watch event)."""
        return self._by_revision.get(revision)

    # -- queries ------------------------------------------------------------------------------

    def get(self, trace_id: str) -> Trace | None:
        return self._by_id.get(trace_id)

    def __iter__(self) -> Iterator[Trace]:
        return iter(self._ring)

    def __len__(self) -> int:
        return len(self._ring)

    def query(
        self,
        *,
        user: str | None = None,
        verb: str | None = None,
        resource: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        since: float | None = None,
        writes_only: bool = False,
    ) -> list[Trace]:
        out = []
        for t in self._ring:
            if user is not None and t.user != user:
                continue
            if verb is not None and t.verb != verb:
                continue
            if resource is not None and t.resource != resource:
                continue
            if namespace is not None and t.namespace != namespace:
                continue
            if name is not None and t.name != name:
                continue
            if since is not None and t.start < since:
                continue
            if writes_only and not t._has_writes():
                continue
            out.append(t)
        return out

    def children(self, trace_id: str) -> list[Trace]:
        return [t for t in self._ring if t.parent_id == trace_id]

    def tree(self, root_id: str) -> list[tuple[int, Trace]]:
        """The causal tree under ``root_id`` as ``(depth, trace)`` in time order, depth first."""
        kids: dict[str, list[Trace]] = {}
        for t in self._ring:
            if t.parent_id is not None:
                kids.setdefault(t.parent_id, []).append(t)
        out: list[tuple[int, Trace]] = []

        def walk(tid: str, depth: int) -> None:
            t = self._by_id.get(tid)
            if t is None:
                return
            out.append((depth, t))
            for c in kids.get(tid, []):
                walk(c.id, depth + 1)

        walk(root_id, 0)
        return out
