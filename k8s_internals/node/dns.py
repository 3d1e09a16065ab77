"""Cluster DNS: CoreDNS's ``kubernetes`` plugin answering A queries, and the pod's stub resolver
(``/etc/resolv.conf`` with ``ndots:5``) deciding which names to ask.

The server side follows ``coredns/coredns`` ``plugin/kubernetes``:

- ``parse.go`` ``parseRequest``: a name in the zone is read right to left as ``svc`` or ``pod``,
  namespace, service, then either one more label (an *endpoint*:
  ``<hostname>.<svc>.<ns>.svc.cluster.local``) or two (``_port._proto`` for SRV-style names);
  longer names are NXDOMAIN; the apex, ``svc.<zone>`` and ``pod.<zone>`` are NODATA;
- ``kubernetes.go`` ``findServices``: a ClusterIP Service answers its cluster IP; a headless
  Service (``clusterIP: None``) answers one A record per *ready* endpoint address (EndpointSlices
  through ``object.EndpointSliceToEndpoints``: ``ready`` unset counts as ready, a slice without
  ports gets a sentinel port); an endpoint name matches the endpoint's ``hostname`` (set by the
  EndpointSlice controller for pods with ``spec.hostname`` + ``spec.subdomain`` = the Service,
  i.e. StatefulSet pods) or its dashed IP (``10-244-1-5``); an ``ExternalName`` Service answers a
  CNAME; an unknown Service or namespace is NXDOMAIN; a namespace that exists with no such
  name is NXDOMAIN too, while ``<ns>.svc.<zone>`` itself is NODATA;
- ``findPods`` in ``pods insecure`` mode (the kubeadm default Corefile): ``1-2-3-4.<ns>.pod.<zone>``
  answers ``1.2.3.4``; ``pods verified`` answers only if such a pod exists;
- ``backend_lookup.go`` ``A``: duplicates are dropped; TTL 5 s (the plugin's default ``ttl``);
- the ``loadbalance`` plugin of the default Corefile shuffles A records (``roundRobinShuffle``,
  from a random message id — the seeded RNG here).

The client side is glibc's ``res_nsearch``: a name ending in ``.`` is asked as is; otherwise, if it
has at least ``ndots`` dots it is asked as is first, then with each search domain appended, then
(if not yet) as is; the first answer with records wins, NXDOMAIN and NODATA move on. kubelet gives
a ``ClusterFirst`` pod ``search <ns>.svc.cluster.local svc.cluster.local cluster.local`` and
``options ndots:5``, which is why ``kubia`` and even ``kubia.default`` resolve, and why
``example.com`` is first tried as ``example.com.default.svc.cluster.local``.

Simplifications: A records only (no AAAA/SRV/PTR); names outside the cluster zone are answered
from an ``upstream`` table given to :class:`ClusterDNS` (there is no Internet here; CoreDNS would
``forward . /etc/resolv.conf``) and are otherwise NXDOMAIN; no ``cache`` plugin; without a
namespace list every namespace counts as existing.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client.client import Client
from ..client.informer import Informer, InformerFactory
from ..sim import Kernel
from .proxy.types import LABEL_SERVICE_NAME, Hop

__all__ = ["ClusterDNS", "DNSAnswer", "DNSQuery", "DNSRecord", "resolv_conf", "search_path"]

DEFAULT_ZONE = "cluster.local"
#: the kubernetes plugin's default TTL
DEFAULT_TTL = 5


def search_path(namespace: str, cluster_domain: str = DEFAULT_ZONE) -> list[str]:
    """The search list kubelet gives a ``ClusterFirst`` pod in ``namespace``."""
    return [f"{namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain]


def resolv_conf(namespace: str, nameserver: str = "10.96.0.10",
                cluster_domain: str = DEFAULT_ZONE, ndots: int = 5) -> str:
    """The pod's ``/etc/resolv.conf`` as containerd writes it from kubelet's DNS config."""
    return (f"search {' '.join(search_path(namespace, cluster_domain))}\n"
            f"nameserver {nameserver}\n"
            f"options ndots:{ndots}\n")


def _fqdn(name: str) -> str:
    """``dns.Fqdn``: add the final dot (case is kept: answers echo the question's case)."""
    name = name.strip()
    return name if name.endswith(".") else name + "."


@dataclass(frozen=True)
class DNSRecord:
    """One resource record, printed as ``dig`` prints an answer line."""

    name: str
    rtype: str
    data: str
    ttl: int = DEFAULT_TTL

    def __str__(self) -> str:
        return f"{self.name}\t{self.ttl}\tIN\t{self.rtype}\t{self.data}"


@dataclass
class DNSQuery:
    """One question sent to the cluster DNS server and its answer."""

    name: str
    rcode: str
    records: list[DNSRecord] = field(default_factory=list)
    #: who answered: ``"kubernetes"`` (the plugin), ``"forward"`` (outside the zone)
    source: str = "kubernetes"

    @property
    def nodata(self) -> bool:
        return self.rcode == "NOERROR" and not self.records

    def summary(self) -> str:
        if self.records:
            return ", ".join(f"{r.rtype} {r.data}" for r in self.records)
        return "NODATA" if self.nodata else self.rcode


@dataclass
class DNSAnswer:
    """What ``getaddrinfo`` in the pod gets: every name tried, in order, and the result.

    ``rcode`` is ``"NOERROR"`` when some name had A records, ``"NODATA"`` when none did but one
    of them exists without A records (glibc's ``NO_DATA``), else ``"NXDOMAIN"``."""

    question: str
    search: list[str]
    ndots: int
    queries: list[DNSQuery]
    rcode: str
    records: list[DNSRecord]
    nameserver: str = "10.96.0.10"

    @property
    def names_tried(self) -> list[str]:
        return [q.name for q in self.queries]

    @property
    def addresses(self) -> list[str]:
        return [r.data for r in self.records if r.rtype == "A"]

    @property
    def fqdn(self) -> str | None:
        """The name that answered, or ``None``."""
        return self.queries[-1].name if self.records else None

    def describe(self) -> str:
        lines = [f"resolve {self.question!r} (search {' '.join(self.search) or '-'}, "
                 f"ndots:{self.ndots})"]
        for q in self.queries:
            lines.append(f"  {q.name} A? → {q.summary()}")
        lines.append(f"  = {', '.join(self.addresses) if self.records else self.rcode}")
        return "\n".join(lines)

    def hops(self, client: str = "") -> list[Hop]:
        """One :class:`Hop` per query the pod sent to the DNS Service."""
        server = f"{self.nameserver}:53"
        return [Hop("dns", server, "query", f"{q.name} A? → {q.summary()}", src=client,
                    dst=server) for q in self.queries]


@dataclass
class _Request:
    """``recordRequest``."""

    port: str = "*"
    protocol: str = "*"
    endpoint: str = ""
    service: str = ""
    namespace: str = ""
    pod_or_svc: str = ""


class _InvalidRequest(Exception):
    pass


def _wildcard(s: str) -> bool:
    return s in ("*", "any")


def _match(a: str, b: str) -> bool:
    return _wildcard(a) or _wildcard(b) or a.lower() == b.lower()


def _dashed(ip: str) -> str:
    return ip.replace(".", "-") if "." in ip else ip.replace(":", "-")


class ClusterDNS:
    """CoreDNS with the ``kubernetes`` plugin for one cluster zone.

    Give it lists (``services``, ``slices``, ``pods``, ``namespaces``) or a ``client`` + ``kernel``
    to watch them through informers, as CoreDNS watches the API server (call :meth:`run`).
    """

    def __init__(
        self,
        services: Iterable[Mapping[str, Any]] | None = None,
        slices: Iterable[Mapping[str, Any]] | None = None,
        pods: Iterable[Mapping[str, Any]] | None = None,
        namespaces: Iterable[str] | None = None,
        *,
        zone: str = DEFAULT_ZONE,
        ttl: int = DEFAULT_TTL,
        pods_mode: str = "insecure",
        upstream: Mapping[str, list[str]] | None = None,
        loadbalance: bool = True,
        nameserver: str = "10.96.0.10",
        rng: random.Random | None = None,
        client: Client | None = None,
        kernel: Kernel | None = None,
        factory: InformerFactory | None = None,
    ) -> None:
        self.zone = zone.strip(".").lower()
        self.ttl = ttl
        self.pods_mode = pods_mode
        self.upstream = {_fqdn(k).lower(): list(v) for k, v in (upstream or {}).items()}
        self.loadbalance = loadbalance
        self.nameserver = nameserver
        self.rng = rng or (kernel.rng if kernel is not None else random.Random(0))
        self._services = list(services or [])
        self._slices = list(slices or [])
        self._pods = list(pods or [])
        self._namespaces = set(namespaces) if namespaces is not None else None
        self._informers: dict[str, Informer] = {}
        if client is not None:
            if kernel is None:
                raise ValueError("ClusterDNS with a client needs the kernel too")
            self.factory = factory or InformerFactory(client, kernel)
            for res in ("services", "endpointslices", "namespaces"):
                self._informers[res] = self.factory.informer(res)
            if pods_mode == "verified":
                self._informers["pods"] = self.factory.informer("pods")
        self.queries = 0

    def run(self) -> None:
        """Start the informers (informer mode)."""
        if self._informers:
            self.factory.start()

    # -- the data ------------------------------------------------------------------------------

    def _list(self, resource: str, given: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        inf = self._informers.get(resource)
        return list(inf.list()) if inf is not None else given

    def namespace_exposed(self, namespace: str) -> bool:
        """``namespaceExposed``: the namespace exists."""
        inf = self._informers.get("namespaces")
        if inf is not None:
            return inf.get(namespace.lower()) is not None
        if self._namespaces is not None:
            return namespace.lower() in self._namespaces
        return True

    def _endpoints(self, namespace: str, service: str) -> list[dict[str, Any]]:
        """``EpIndex``: the service's EndpointSlices as CoreDNS's ``object.Endpoints``
        (addresses of ready endpoints, the slice's ports or a sentinel)."""
        out: list[dict[str, Any]] = []
        for es in self._list("endpointslices", self._slices):
            meta = es.get("metadata", {})
            if (meta.get("namespace", "").lower() != namespace.lower()
                    or (meta.get("labels") or {}).get(LABEL_SERVICE_NAME, "").lower()
                    != service.lower()):
                continue
            if es.get("addressType", "IPv4") != "IPv4":
                continue
            addrs: list[dict[str, str]] = []
            for ep in es.get("endpoints") or []:
                ready = (ep.get("conditions") or {}).get("ready")
                if ready is not None and not ready:
                    continue
                for a in ep.get("addresses") or []:
                    addrs.append({"ip": a, "hostname": ep.get("hostname") or "",
                                  "target": (ep.get("targetRef") or {}).get("name", "")})
            ports = [{"name": p.get("name") or "", "protocol": p.get("protocol") or "TCP",
                      "port": p.get("port")} for p in es.get("ports") or []]
            if not ports:
                ports = [{"name": "", "protocol": "", "port": -1, "sentinel": True}]
            out.append({"addresses": addrs, "ports": ports})
        return out

    # -- the server ----------------------------------------------------------------------------

    def _parse(self, base: str) -> _Request:
        """``parseRequest``."""
        r = _Request()
        if base in ("", "svc", "pod"):
            return r
        segs = base.split(".")
        last = len(segs) - 1
        r.pod_or_svc = segs[last]
        if r.pod_or_svc not in ("svc", "pod"):
            raise _InvalidRequest(base)
        last -= 1
        if last < 0:
            return r
        r.namespace = segs[last]
        last -= 1
        if last < 0:
            return r
        r.service = segs[last]
        last -= 1
        if last < 0:
            return r
        if last == 0:
            r.endpoint = segs[0]
        elif last == 1:
            r.protocol = segs[1].removeprefix("_")
            r.port = segs[0].removeprefix("_")
        else:
            raise _InvalidRequest(base)
        return r

    def query(self, name: str) -> DNSQuery:
        """Answer one A query the way CoreDNS would."""
        self.queries += 1
        qname = _fqdn(name)
        lname = qname.lower()
        zone = self.zone + "."
        if lname != zone and not lname.endswith("." + zone):
            return self._forward(qname)
        base = lname[:-len(zone)].rstrip(".")
        try:
            r = self._parse(base)
        except _InvalidRequest:
            return DNSQuery(qname, "NXDOMAIN")
        if r.pod_or_svc == "":
            return DNSQuery(qname, "NOERROR")
        if not _wildcard(r.namespace) and not self.namespace_exposed(r.namespace):
            return DNSQuery(qname, "NXDOMAIN")
        if r.pod_or_svc == "pod":
            ips = self._find_pods(r)
            if ips is None:
                return DNSQuery(qname, "NXDOMAIN")
            return DNSQuery(qname, "NOERROR", self._a_records(qname, ips))
        found = self._find_services(r)
        if found is None:
            return DNSQuery(qname, "NXDOMAIN")
        records: list[DNSRecord] = []
        hosts: list[str] = []
        for kind, value in found:
            if kind == "CNAME":
                records.append(DNSRecord(qname, "CNAME", _fqdn(value), self.ttl))
                target = self._forward(_fqdn(value))
                records += [DNSRecord(_fqdn(value), "A", a.data, self.ttl)
                            for a in target.records]
            else:
                hosts.append(value)
        return DNSQuery(qname, "NOERROR", records + self._a_records(qname, hosts))

    def _a_records(self, qname: str, ips: list[str]) -> list[DNSRecord]:
        seen: list[str] = []
        for ip in ips:
            try:
                if ipaddress.ip_address(ip).version != 4:
                    continue
            except ValueError:
                continue
            if ip not in seen:
                seen.append(ip)
        records = [DNSRecord(qname, "A", ip, self.ttl) for ip in seen]
        if self.loadbalance:
            self._round_robin_shuffle(records)
        return records

    def _round_robin_shuffle(self, records: list[DNSRecord]) -> None:
        """The ``loadbalance`` plugin's ``roundRobinShuffle`` with ``dns.Id()`` from the RNG."""
        n = len(records)
        if n == 2:
            if self.rng.getrandbits(16) % 2 == 0:
                records[0], records[1] = records[1], records[0]
        elif n > 2:
            for j in range(n):
                p = j + self.rng.getrandbits(16) % (n - j)
                if p != j:
                    records[j], records[p] = records[p], records[j]

    def _forward(self, qname: str) -> DNSQuery:
        ips = self.upstream.get(qname.lower())
        if ips is None:
            return DNSQuery(qname, "NXDOMAIN", source="forward")
        return DNSQuery(qname, "NOERROR", [DNSRecord(qname, "A", ip, 30) for ip in ips],
                        source="forward")

    def _find_pods(self, r: _Request) -> list[str] | None:
        """``findPods``: ``None`` is NXDOMAIN, ``[]`` NODATA."""
        if r.service == "":
            return []
        podname = r.service
        if podname.count("-") == 3 and "--" not in podname:
            ip = podname.replace("-", ".")
        else:
            ip = podname.replace("-", ":")
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return None
        if self.pods_mode == "insecure":
            return [ip]
        for pod in self._list("pods", self._pods):
            status = pod.get("status", {})
            if status.get("podIP") == ip and _match(r.namespace,
                                                    pod.get("metadata", {}).get("namespace", "")):
                return [ip]
        return None

    def _find_services(self, r: _Request) -> list[tuple[str, str]] | None:
        """``findServices``: ``[("A", ip) | ("CNAME", target)]``; ``None`` is NXDOMAIN, ``[]``
        NODATA."""
        if r.service == "":
            return []
        found: list[tuple[str, str]] = []
        any_match = False
        for svc in self._list("services", self._services):
            meta = svc.get("metadata", {})
            if not (_match(r.namespace, meta.get("namespace", ""))
                    and _match(r.service, meta.get("name", ""))):
                continue
            spec = svc.get("spec", {})
            if spec.get("clusterIP") == "None" or r.endpoint:
                for ep in self._endpoints(meta.get("namespace", ""), meta.get("name", "")):
                    for addr in ep["addresses"]:
                        if r.endpoint and not _match(r.endpoint,
                                                     addr["hostname"] or _dashed(addr["ip"])):
                            continue
                        for p in ep["ports"]:
                            if p.get("sentinel") or (_match(r.port, p["name"])
                                                     and _match(r.protocol, p["protocol"])):
                                found.append(("A", addr["ip"]))
                                any_match = True
                continue
            if spec.get("type") == "ExternalName":
                if spec.get("externalName"):
                    found.append(("CNAME", spec["externalName"]))
                    any_match = True
                continue
            for p in spec.get("ports") or []:
                if _match(r.port, p.get("name") or "") and _match(r.protocol,
                                                                  p.get("protocol") or "TCP"):
                    any_match = True
                    ips = [ip for ip in (spec.get("clusterIPs") or [spec.get("clusterIP", "")])
                           if ip]
                    found += [("A", ip) for ip in ips]
        if not any_match:
            if _wildcard(r.service) and not _wildcard(r.namespace):
                return []
            return None
        return found

    # -- the client ----------------------------------------------------------------------------

    def resolve(self, name: str, search: list[str] | None = None, ndots: int = 5, *,
                namespace: str | None = None) -> DNSAnswer:
        """What a pod's resolver does with ``name`` (glibc ``res_nsearch``). ``search`` defaults
        to the pod search path of ``namespace`` (none if neither is given)."""
        if search is None:
            search = search_path(namespace, self.zone) if namespace else []
        queries: list[DNSQuery] = []

        def ask(q: str) -> DNSQuery:
            ans = self.query(q)
            queries.append(ans)
            return ans

        def done(ans: DNSQuery | None) -> DNSAnswer:
            if ans is not None and ans.records:
                return DNSAnswer(name, list(search), ndots, queries, "NOERROR", ans.records,
                                 self.nameserver)
            rcode = "NODATA" if any(q.nodata for q in queries) else "NXDOMAIN"
            return DNSAnswer(name, list(search), ndots, queries, rcode, [], self.nameserver)

        if name.endswith("."):
            return done(ask(name))
        tried_as_is = False
        if name.count(".") >= ndots:
            tried_as_is = True
            ans = ask(name)
            if ans.records:
                return done(ans)
        for domain in search:
            ans = ask(f"{name}.{domain}")
            if ans.records:
                return done(ans)
        if not tried_as_is:
            ans = ask(name)
            if ans.records:
                return done(ans)
        return done(None)

    def search_path(self, namespace: str) -> list[str]:
        """The search list of a ``ClusterFirst`` pod in ``namespace`` for this zone."""
        return search_path(namespace, self.zone)

    def resolv_conf(self, namespace: str, ndots: int = 5) -> str:
        return resolv_conf(namespace, self.nameserver, self.zone, ndots)
