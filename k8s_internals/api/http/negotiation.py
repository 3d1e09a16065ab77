"""Content negotiation: what representation the client's ``Accept`` header asks for.

Upstream: ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go``
(``NegotiateOutputMediaType``: the first media range the server can serve, in the client's
order; a range may carry *profile* parameters ``as``, ``v``, ``g`` naming a transformation),
``handlers/response.go`` (``transformResponseObject``: ``as=Table`` → ``meta.k8s.io`` ``Table``,
``as=PartialObjectMetadata`` / ``PartialObjectMetadataList``) and
``discovery/aggregated/negotiation.go`` (``as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2``
for ``/api`` and ``/apis``).

What kubectl sends (one header, split here at the commas)::

    get:        application/json;as=Table;v=v1;g=meta.k8s.io,
                application/json;as=Table;v=v1beta1;g=meta.k8s.io,
                application/json
    discovery:  application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
                application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,
                application/json

Protobuf (``application/vnd.kubernetes.protobuf``) is not served: a client that accepts only
protobuf gets ``406 Not Acceptable``; one that also accepts JSON gets JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MediaRange", "Negotiated", "negotiate", "parse_accept"]

JSON = "application/json"
YAML = "application/yaml"
SERVED = (JSON, YAML)
#: the text of upstream's 406 (``NewNotAcceptableError`` with the supported types)
NOT_ACCEPTABLE_MESSAGE = "only the following media types are accepted: application/json, " \
    "application/yaml"


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header: ``application/json;as=Table;v=v1;g=meta.k8s.io``."""

    type: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def profile(self) -> tuple[str, str, str]:
        """``(as, v, g)`` — empty strings when the range names no transformation."""
        return (self.params.get("as", ""), self.params.get("v", ""), self.params.get("g", ""))


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header, in the client's order (``q=0`` dropped)."""
    out: list[MediaRange] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params: dict[str, str] = {}
        for p in pieces[1:]:
            k, _, v = p.partition("=")
            params[k.strip().lower()] = v.strip().strip('"')
        if params.get("q") in ("0", "0.0", "0.00", "0.000"):
            continue
        out.append(MediaRange(pieces[0].lower(), params))
    return out


@dataclass(frozen=True)
class Negotiated:
    """The chosen representation: ``media_type`` (``application/json`` or ``application/yaml``)
    and the transformation (``as_kind`` ``Table`` / ``PartialObjectMetadata`` /
    ``PartialObjectMetadataList`` / ``APIGroupDiscoveryList``, with its ``version``)."""

    media_type: str = JSON
    as_kind: str = ""
    version: str = ""
    group: str = ""

    @property
    def table(self) -> bool:
        return self.as_kind == "Table"

    @property
    def partial(self) -> bool:
        return self.as_kind in ("PartialObjectMetadata", "PartialObjectMetadataList")

    @property
    def aggregated(self) -> bool:
        return self.as_kind == "APIGroupDiscoveryList"

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of the answer: aggregated discovery names its profile (client-go
        checks it); other transformations are sent as plain JSON, as upstream."""
        if self.aggregated:
            return f"{JSON};g={self.group};v={self.version};as={self.as_kind}"
        return self.media_type


_TRANSFORMS = {
    ("Table", "meta.k8s.io"): ("v1", "v1beta1"),
    ("PartialObjectMetadata", "meta.k8s.io"): ("v1", "v1beta1"),
    ("PartialObjectMetadataList", "meta.k8s.io"): ("v1", "v1beta1"),
    ("APIGroupDiscoveryList", "apidiscovery.k8s.io"): ("v2", "v2beta1"),
}


def negotiate(accept: str, *, discovery: bool = False) -> Negotiated | None:
    """The first acceptable media range of ``accept`` (``None``: nothing acceptable → 406).

    ``discovery`` allows the aggregated-discovery profile (only ``/api`` and ``/apis`` serve
    it); elsewhere only the ``meta.k8s.io`` transformations are considered.
    """
    ranges = parse_accept(accept) if accept.strip() else [MediaRange("*/*")]
    for r in ranges:
        if r.type not in (JSON, YAML, "application/*", "*/*"):
            continue
        media = YAML if r.type == YAML else JSON
        as_kind, version, group = r.profile
        if not as_kind:
            return Negotiated(media)
        if media != JSON:
            continue
        versions = _TRANSFORMS.get((as_kind, group))
        if versions is None or version not in versions:
            continue
        if (as_kind == "APIGroupDiscoveryList") != discovery:
            continue
        return Negotiated(JSON, as_kind, version, group)
    return None
