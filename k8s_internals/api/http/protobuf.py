"""Reading the few protobuf request bodies kubectl sends.

kubectl's typed clients (client-go ``kubernetes.Clientset``) send
``Content-Type: application/vnd.kubernetes.protobuf`` — ``kubectl auth can-i`` posts a
``SelfSubjectAccessReview`` that way (and ``auth can-i --list`` a ``SelfSubjectRulesReview``,
``create token`` a ``TokenRequest``, ``drain`` an ``Eviction``). They accept JSON answers, so
only the request bodies need reading.

Upstream's encoding (``apimachinery/pkg/runtime/serializer/protobuf/protobuf.go``): the 4
bytes ``k8s\\x00``, then a ``runtime.Unknown`` message (``typeMeta`` = 1 with ``apiVersion`` = 1
and ``kind`` = 2; ``raw`` = 2, the object's own message), each message field numbered as in the
type's ``generated.proto``. :func:`decode` turns such a body into the JSON-shaped dict the API
server handles, for the kinds in :data:`MESSAGES`; anything else is ``415 Unsupported Media
Type`` (the simulator does not carry every type's protobuf field numbers).
"""

from __future__ import annotations

from typing import Any

from .. import errors

__all__ = ["MAGIC", "MESSAGES", "PROTOBUF", "decode", "is_protobuf"]

PROTOBUF = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

# Field tables from the types' generated.proto: number → (JSON name, type). Types: "string",
# "bool", "int", "bytes", a message name, "[]string", "[]<message>", "map".
Fields = dict[int, tuple[str, str]]

MESSAGES: dict[str, Fields] = {
    # k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto
    "ObjectMeta": {1: ("name", "string"), 2: ("generateName", "string"),
                   3: ("namespace", "string"), 5: ("uid", "string"),
                   6: ("resourceVersion", "string"), 11: ("labels", "map"),
                   12: ("annotations", "map"), 14: ("finalizers", "[]string")},
    "DeleteOptions": {1: ("gracePeriodSeconds", "int"), 2: ("preconditions", "Preconditions"),
                      3: ("orphanDependents", "bool"), 4: ("propagationPolicy", "string"),
                      5: ("dryRun", "[]string")},
    "Preconditions": {1: ("uid", "string"), 2: ("resourceVersion", "string")},
    # k8s.io/api/authorization/v1/generated.proto
    "SelfSubjectAccessReview": {1: ("metadata", "ObjectMeta"),
                                2: ("spec", "SelfSubjectAccessReviewSpec")},
    "SelfSubjectAccessReviewSpec": {1: ("resourceAttributes", "ResourceAttributes"),
                                    2: ("nonResourceAttributes", "NonResourceAttributes")},
    "ResourceAttributes": {1: ("namespace", "string"), 2: ("verb", "string"),
                           3: ("group", "string"), 4: ("version", "string"),
                           5: ("resource", "string"), 6: ("subresource", "string"),
                           7: ("name", "string")},
    "NonResourceAttributes": {1: ("path", "string"), 2: ("verb", "string")},
    "SelfSubjectRulesReview": {1: ("metadata", "ObjectMeta"),
                               2: ("spec", "SelfSubjectRulesReviewSpec")},
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "string")},
    # k8s.io/api/authentication/v1/generated.proto
    "TokenRequest": {1: ("metadata", "ObjectMeta"), 2: ("spec", "TokenRequestSpec")},
    "TokenRequestSpec": {1: ("audiences", "[]string"), 3: ("boundObjectRef",
                                                           "BoundObjectReference"),
                         4: ("expirationSeconds", "int")},
    "BoundObjectReference": {1: ("kind", "string"), 2: ("apiVersion", "string"),
                             3: ("name", "string"), 4: ("uid", "string")},
    # k8s.io/api/policy/v1/generated.proto
    "Eviction": {1: ("metadata", "ObjectMeta"), 2: ("deleteOptions", "DeleteOptions")},
}


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

    def fields(self) -> list[tuple[int, int, Any]]:
        out: list[tuple[int, int, Any]] = []
        while self.pos < len(self.data):
            key = self.varint()
            number, wire = key >> 3, key & 7
            if wire == 0:
                out.append((number, wire, self.varint()))
            elif wire == 2:
                n = self.varint()
                out.append((number, wire, self.data[self.pos:self.pos + n]))
                self.pos += n
            elif wire == 1:
                out.append((number, wire, self.data[self.pos:self.pos + 8]))
                self.pos += 8
            elif wire == 5:
                out.append((number, wire, self.data[self.pos:self.pos + 4]))
                self.pos += 4
            else:
                raise ValueError(f"unsupported wire type {wire}")
        return out


def _message(data: bytes, name: str) -> dict[str, Any]:
    table = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, _, value in _Reader(data).fields():
        if number not in table:
            continue
        key, typ = table[number]
        if typ == "string":
            out[key] = bytes(value).decode()
        elif typ == "bool":
            out[key] = bool(value)
        elif typ == "int":
            out[key] = value - (1 << 64) if value >= 1 << 63 else value
        elif typ == "[]string":
            out.setdefault(key, []).append(bytes(value).decode())
        elif typ == "map":
            entry = dict((n, bytes(v).decode()) for n, _, v in _Reader(value).fields())
            out.setdefault(key, {})[entry.get(1, "")] = entry.get(2, "")
        elif typ.startswith("[]"):
            out.setdefault(key, []).append(_message(value, typ[2:]))
        else:
            out[key] = _message(value, typ)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The JSON-shaped object of a protobuf request body; 415 for kinds not in
    :data:`MESSAGES`, 400 for a body that is not upstream's envelope."""
    if not body.startswith(MAGIC):
        raise errors.bad_request("provided data does not appear to be a protobuf message, "
                                 "expected prefix [107 56 115 0]")
    try:
        unknown = {n: v for n, _, v in _Reader(body[len(MAGIC):]).fields()}
        type_meta = {n: bytes(v).decode() for n, _, v in _Reader(unknown.get(1, b"")).fields()}
        api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
        if kind not in MESSAGES:
            raise errors.StatusError({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": f"the body of the request was in an unknown format - accepted "
                           f"media types include: application/json, application/yaml "
                           f"(protobuf is read for {', '.join(_TOP)} only; {kind} was sent)",
                "reason": "UnsupportedMediaType", "code": 415})
        obj = {"kind": kind, "apiVersion": api_version}
        obj.update(_message(unknown.get(2, b""), kind))
        return obj
    except (ValueError, UnicodeDecodeError, IndexError) as exc:
        raise errors.bad_request(f"unable to decode protobuf body: {exc}") from None


_TOP = ("SelfSubjectAccessReview", "SelfSubjectRulesReview", "TokenRequest", "Eviction")
