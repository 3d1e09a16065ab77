"""Reading the protobuf request bodies kubectl's typed clients send.

kubectl's typed clients (client-go ``kubernetes.Clientset``) send
``Content-Type: application/vnd.kubernetes.protobuf``. Measured with kubectl 1.32: ``auth can-i``
(a ``SelfSubjectAccessReview``; ``--list`` a ``SelfSubjectRulesReview``), ``create token`` (a
``TokenRequest``), ``drain`` (an ``Eviction``), and every typed ``kubectl create`` generator:
``create deployment``, ``configmap``, ``secret generic|tls|docker-registry``, ``namespace``,
``serviceaccount``, ``service clusterip|nodeport|loadbalancer|externalname``, ``role``,
``clusterrole``, ``rolebinding``, ``clusterrolebinding``, ``quota``, ``priorityclass``,
``poddisruptionbudget``, ``job``, ``cronjob``, ``ingress``; and ``autoscale`` (a
``HorizontalPodAutoscaler``). (``run``, ``expose``, ``create -f`` and ``delete`` send JSON;
``label``, ``annotate``, ``set``, ``scale``, ``patch`` and ``rollout`` send JSON patches.)
The replies may be JSON, so only the request bodies need reading.

Upstream's encoding (``apimachinery/pkg/runtime/serializer/protobuf/protobuf.go``): the 4
bytes ``k8s\\x00``, then a ``runtime.Unknown`` message (``typeMeta`` = 1 with ``apiVersion`` = 1
and ``kind`` = 2; ``raw`` = 2, the object's own message), each message field numbered as in the
type's ``generated.proto``. :func:`decode` turns such a body into the JSON-shaped dict the Go API
server would have produced (protobuf → Go object → JSON), for the kinds in :data:`KINDS`;
any other kind is ``415 Unsupported Media Type``.

The tables in :data:`MESSAGES` (in :mod:`.protobuf_messages`: message → field number →
(JSON name, type)) are transcribed from upstream's ``generated.proto`` files in
``kubernetes/kubernetes``:
``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`` (ObjectMeta,
LabelSelector, OwnerReference, DeleteOptions, Time), ``.../pkg/util/intstr/generated.proto``
(IntOrString: type = 1, intVal = 2, strVal = 3), ``.../pkg/api/resource/generated.proto``
(Quantity: string = 1), and ``staging/src/k8s.io/api/<group>/<version>/generated.proto`` for
core/v1 (Pod, PodSpec and the whole container tree, ConfigMap, Secret, Namespace,
ServiceAccount, Service, ResourceQuota), apps/v1 (Deployment, ReplicaSet, DaemonSet),
rbac/v1, scheduling/v1, policy/v1, batch/v1, networking/v1 (Ingress), autoscaling/v1,
authorization/v1, authentication/v1. Kinds the simulator does not serve (Ingress,
HorizontalPodAutoscaler) have tables too, so a body of theirs decodes
wherever it is sent; posted to their own URLs they are not read at all — the HTTPS front
answers upstream's ``404`` for a resource that is not served before looking at the body.

What the Go round trip means for the JSON (go-to-protobuf writes every non-pointer field, even
empty, and pointer fields only when set; encoding/json then drops ``omitempty`` zero values but
never structs):

- a scalar of type ``"string"``, ``"int"``, ``"bool"`` is a non-pointer ``omitempty`` field: a
  zero value (``""``, ``0``, ``false``) is dropped;
- a ``"string!"``, ``"int!"``, ``"bool!"`` is a pointer (``replicas``, ``immutable``,
  ``automountServiceAccountToken`` ...) or a field without ``omitempty``
  (``containerPort``, ``value`` of a PriorityClass ...): present on the wire, present in the
  JSON, zero included;
- a nested message that is present is emitted even when empty (``"resources": {}``,
  ``"strategy": {}``, ``"status": {}``), as encoding/json does for structs; ``"inline:X"`` merges
  an embedded struct's fields into its parent (``LocalObjectReference`` in key selectors,
  ``VolumeSource`` in a Volume, ``ProbeHandler`` in a Probe);
- a zero ``Time`` (an empty message) is Go's ``null`` and left out (the API server reads a
  null and a missing field alike), others are RFC 3339 in UTC, whole seconds;
  ``IntOrString`` becomes an int or a string; ``Quantity`` its string; ``bytes`` and
  ``map<string, bytes>`` values (Secret ``data``, ConfigMap ``binaryData``) base64, as Go's
  ``[]byte`` in JSON;
- int32 and int64 arrive as varints, negatives as ten-byte two's complement;
- repeated fields and maps are emitted when they have entries (an empty Go slice or map is not
  written, and nil is ``null``, i.e. absent).

Not decoded: fields (and whole sub-messages, e.g. most status types, ephemeral containers,
the cloud volume sources, managedFields) that are not in the tables are skipped safely by wire
type (0, 1, 2, 5), as an unknown field; a non-omitempty field a non-Go client leaves out is not
filled with its zero value.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

from .. import errors
from .protobuf_messages import KINDS, MESSAGES

__all__ = ["KINDS", "MAGIC", "MESSAGES", "PROTOBUF", "decode", "is_protobuf"]

PROTOBUF = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

_SCALAR_ZERO: dict[str, Any] = {"string": "", "int": 0, "bool": False}


def is_protobuf(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == PROTOBUF


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def varint(self) -> int:
        shift = result = 0
        while True:
            if self.pos >= len(self.data):
                raise ValueError("truncated varint")
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated field")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def fields(self) -> list[tuple[int, int, Any]]:
        out: list[tuple[int, int, Any]] = []
        while self.pos < len(self.data):
            key = self.varint()
            number, wire = key >> 3, key & 7
            if wire == 0:
                out.append((number, wire, self.varint()))
            elif wire == 2:
                out.append((number, wire, self.take(self.varint())))
            elif wire == 1:
                out.append((number, wire, self.take(8)))
            elif wire == 5:
                out.append((number, wire, self.take(4)))
            else:
                raise ValueError(f"unsupported wire type {wire}")
        return out


def _signed(value: int) -> int:
    """int32 and int64 are varints of the 64-bit two's complement (negatives take 10 bytes)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _need(wire: int, want: int, name: str) -> None:
    if wire != want:
        raise ValueError(f"field {name}: wire type {wire}, expected {want}")


def _time(data: bytes) -> str | None:
    """``meta.v1.Time`` (seconds = 1, nanos = 2) as Go's JSON: RFC 3339, UTC, whole seconds.
    Go writes the zero time as an empty message and reads one back as zero (``null``); it
    drops the nanos when reading (``metav1.Time.Unmarshal``)."""
    if not data:
        return None
    seconds = 0
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 0:
            seconds = _signed(v)
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_or_string(data: bytes) -> int | str:
    """``intstr.IntOrString``: type = 1 (0 Int, 1 String), intVal = 2, strVal = 3."""
    kind, int_val, str_val = 0, 0, ""
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 0:
            kind = _signed(v)
        elif n == 2 and wire == 0:
            int_val = _signed(v)
        elif n == 3 and wire == 2:
            str_val = bytes(v).decode()
    return str_val if kind == 1 else int_val


def _quantity(data: bytes) -> str:
    """``resource.Quantity``: string = 1 (the canonical form, as in JSON)."""
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 2:
            return bytes(v).decode()
    return "0"


def _map_value(typ: str, data: bytes) -> Any:
    if typ == "map":
        return bytes(data).decode()
    if typ == "map:bytes":
        return base64.b64encode(data).decode()
    if typ == "map:Quantity":
        return _quantity(data)
    return _time(data)  # map:Time


def _message(data: bytes, name: str) -> dict[str, Any]:
    table = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, wire, value in _Reader(data).fields():
        if number not in table:
            continue  # a field this table does not carry: skipped by its wire type
        key, typ = table[number]
        base = typ.rstrip("!")
        if base in _SCALAR_ZERO:
            if base == "string":
                _need(wire, 2, key)
                scalar: Any = bytes(value).decode()
            else:
                _need(wire, 0, key)
                scalar = _signed(value) if base == "int" else bool(value)
            if typ.endswith("!") or scalar != _SCALAR_ZERO[base]:
                out[key] = scalar
            else:
                out.pop(key, None)
        elif typ == "[]string":
            _need(wire, 2, key)
            out.setdefault(key, []).append(bytes(value).decode())
        elif typ == "[]int":
            if wire == 2:  # packed
                packed = _Reader(value)
                while packed.pos < len(packed.data):
                    out.setdefault(key, []).append(_signed(packed.varint()))
            else:
                _need(wire, 0, key)
                out.setdefault(key, []).append(_signed(value))
        elif typ.startswith("map"):
            _need(wire, 2, key)
            entry = {n: v for n, _, v in _Reader(value).fields()}
            k = bytes(entry.get(1, b"")).decode()
            out.setdefault(key, {})[k] = _map_value(typ, bytes(entry.get(2, b"")))
        else:
            _need(wire, 2, key)
            if typ == "bytes":
                out[key] = base64.b64encode(value).decode()
            elif typ == "Time":
                stamp = _time(value)
                if stamp is None:
                    out.pop(key, None)
                else:
                    out[key] = stamp
            elif typ == "IntOrString":
                out[key] = _int_or_string(value)
            elif typ == "Quantity":
                out[key] = _quantity(value)
            elif typ.startswith("inline:"):
                out.update(_message(value, typ[len("inline:"):]))
            elif typ.startswith("[]"):
                out.setdefault(key, []).append(_message(value, typ[2:]))
            else:
                out[key] = _message(value, typ)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The JSON-shaped object of a protobuf request body; 415 for kinds not in
    :data:`KINDS`, 400 for a body that is not upstream's envelope."""
    if not body.startswith(MAGIC):
        raise errors.bad_request("provided data does not appear to be a protobuf message, "
                                 "expected prefix [107 56 115 0]")
    try:
        unknown = {n: v for n, _, v in _Reader(body[len(MAGIC):]).fields()}
        type_meta = {n: bytes(v).decode() for n, _, v in _Reader(unknown.get(1, b"")).fields()}
        api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
        if api_version not in KINDS.get(kind, ()):
            raise errors.StatusError({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": f"the body of the request was in an unknown format - accepted "
                           f"media types include: application/json, application/yaml "
                           f"(protobuf is read only for the kinds kubectl's typed clients "
                           f"send; {api_version} {kind} is not one of them)",
                "reason": "UnsupportedMediaType", "code": 415})
        obj = {"kind": kind, "apiVersion": api_version}
        obj.update(_message(bytes(unknown.get(2, b"")), kind))
        return obj
    except (ValueError, UnicodeDecodeError, IndexError) as exc:
        raise errors.bad_request(f"unable to decode protobuf body: {exc}") from None
