"""kube-proxy's iptables mode: the rules it writes, and a walk through them as the kernel would.

Port of ``pkg/proxy/iptables/proxier.go`` (``syncProxyRules`` and ``writeServiceToEndpointRules``,
the chain-name functions ``portProtoHash`` / ``servicePortPolicyClusterChain`` /
``servicePortEndpointChainName`` and friends, ``computeProbability``, the jump rules of
``iptablesJumpChains``). The text is built token by token as upstream's ``LineBuffer.Write``
does, so for the same Services and EndpointSlices :meth:`IptablesProxier.iptables_save` is
byte-for-byte the expected text of upstream's ``TestOverallIPTablesRules`` (``proxier_test.go``),
which sorts rules with ``sortIPTablesRules`` (ported here as :func:`sort_iptables_rules`).

What a sync writes (``iptables-restore --noflush`` input, :meth:`IptablesProxier.restore_input`):

``*filter``
    ``KUBE-SERVICES`` (REJECT "<svc> has no endpoints"), ``KUBE-EXTERNAL-SERVICES`` (REJECT/DROP
    for external IPs, LB IPs and node ports without (local) endpoints), ``KUBE-FORWARD`` (accept
    marked and established forwarded traffic, drop conntrack INVALID), ``KUBE-NODEPORTS`` (accept
    health-check node ports), ``KUBE-PROXY-FIREWALL`` (DROP what ``loadBalancerSourceRanges``
    did not allow), ``KUBE-FIREWALL`` (the anti-martian rule for localhost node ports).
``*nat``
    ``KUBE-SERVICES`` (one rule per cluster IP / external IP / LB IP, then the tail jump to
    ``KUBE-NODEPORTS`` for local destinations), ``KUBE-NODEPORTS``, ``KUBE-SVC-<hash>`` (masquerade
    off-cluster sources, then one rule per endpoint with ``-m statistic --mode random
    --probability 1/n, 1/(n-1), ...``), ``KUBE-SEP-<hash>`` (hairpin masquerade, then ``DNAT
    --to-destination ip:port``), ``KUBE-EXT-<hash>`` / ``KUBE-SVL-<hash>`` / ``KUBE-FW-<hash>`` for
    external traffic, Local policy and source ranges, ``KUBE-MARK-MASQ`` / ``KUBE-POSTROUTING``
    (mark, then ``MASQUERADE``).

Simplifications (each says what upstream does):

- every sync is a *full* sync; upstream skips the SVC/SEP chains of unchanged Services on a
  partial sync.
- Services are visited in sorted order; upstream ranges over a Go map (random order), which is
  why its tests sort the output.
- the "kernel" here is this object's own state: no real iptables. ``iptables_save()`` prints
  kube-proxy's chains in upstream's test order, not the normalized form a real ``iptables-save``
  prints (``-d 10.96.0.1/32 -p tcp -m comment ... -m tcp --dport 443``, ``--set-xmark`` for
  ``--or-mark``, probabilities as ``%.11f`` of the kernel's fixed-point value).
- :meth:`IptablesProxier.route` is a netfilter walk restricted to what kube-proxy's rules use:
  nat PREROUTING/OUTPUT, filter INPUT/FORWARD/OUTPUT, nat POSTROUTING, with every packet
  conntrack-NEW. The random choice is ``xt_statistic``'s: a 31-bit random number below
  ``lround(p * 2^31)``.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import random
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cmp_to_key
from typing import Any

from .types import (
    EndpointInfo,
    Hop,
    ServicePortInfo,
    ServicePortName,
    categorize_endpoints,
    endpoints_map,
    join_host_port,
    service_port_map,
)

__all__ = [
    "IPTABLES_JUMP_CHAINS",
    "IptablesProxier",
    "Rule",
    "compute_probability",
    "port_proto_hash",
    "service_external_chain_name",
    "service_firewall_chain_name",
    "service_port_endpoint_chain_name",
    "service_port_policy_cluster_chain",
    "service_port_policy_local_chain_name",
    "sort_iptables_rules",
]

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY"
#: kubelet's chain (kube-proxy writes an identical copy of its one rule)
KUBELET_FIREWALL = "KUBE-FIREWALL"

#: above this many endpoints kube-proxy stops writing per-endpoint comments
LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000

#: ``metrics.IPTablesCTStateInvalidDroppedNFAcctCounter`` and
#: ``metrics.LocalhostNodePortAcceptedNFAcctCounter``
NFACCT_CT_INVALID = "ct_state_invalid_dropped_pkts"
NFACCT_LOCALHOST_NODEPORTS = "localhost_nps_accepted_pkts"

SVC_PREFIX = "KUBE-SVC-"
SVL_PREFIX = "KUBE-SVL-"
FW_PREFIX = "KUBE-FW-"
EXT_PREFIX = "KUBE-EXT-"
SEP_PREFIX = "KUBE-SEP-"

#: built-in chains per table, in the order ``iptables-save`` lists them
BUILTIN_CHAINS = {
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}


# -- names and numbers -------------------------------------------------------------------------


def _b32_16(data: str) -> str:
    return base64.b32encode(hashlib.sha256(data.encode()).digest()).decode()[:16]


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: first 16 characters of base32(sha256(name + protocol)). iptables
    chain names are at most 28 characters."""
    return _b32_16(service_port_name + protocol)


def service_port_policy_cluster_chain(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVC-<hash>``: the Service's chain for Cluster traffic policy."""
    return SVC_PREFIX + port_proto_hash(service_port_name, protocol)


def service_port_policy_local_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVL-<hash>``: node-local endpoints only (Local traffic policy)."""
    return SVL_PREFIX + port_proto_hash(service_port_name, protocol)


def service_firewall_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-FW-<hash>``: ``loadBalancerSourceRanges`` filtering."""
    return FW_PREFIX + port_proto_hash(service_port_name, protocol)


def service_external_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-EXT-<hash>``: entry for external destinations (node ports, external/LB IPs)."""
    return EXT_PREFIX + port_proto_hash(service_port_name, protocol)


def service_port_endpoint_chain_name(service_port_name: str, protocol: str,
                                     endpoint: str) -> str:
    """``KUBE-SEP-<hash>``: base32(sha256(name + protocol + "ip:port"))[:16]."""
    return SEP_PREFIX + _b32_16(service_port_name + protocol + endpoint)


def is_service_chain_name(chain: str) -> bool:
    return chain.startswith((SVC_PREFIX, SVL_PREFIX, SEP_PREFIX, FW_PREFIX, EXT_PREFIX))


def compute_probability(n: int) -> str:
    """``computeProbability``: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``."""
    return f"{1.0 / n:.10f}"


def go_sharp_hex(value: int, width: int = 8) -> str:
    """Go's ``fmt.Sprintf("%#08x", v)``: the ``0x`` prefix is *not* counted in the width, so
    bit 14 prints as ``0x00004000`` (what a real kube-proxy writes)."""
    return "0x" + format(value, f"0{width}x")


def _q(text: str) -> str:
    """Upstream writes comments pre-quoted: ``fmt.Sprintf(`"%s cluster IP"`, name)``."""
    return f'"{text}"'


# -- jump rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JumpChain:
    """``iptablesJumpChain``: a rule kube-proxy keeps in a built-in chain (``EnsureRule``
    with ``Prepend``) so that traffic reaches its own chains."""

    table: str
    dst_chain: str
    src_chain: str
    comment: str
    extra_args: tuple[str, ...] = ()

    def rule(self) -> str:
        args = ["-A", self.src_chain, *self.extra_args]
        if self.comment:
            args += ["-m", "comment", "--comment", _q(self.comment)]
        return " ".join([*args, "-j", self.dst_chain])


_NEW = ("-m", "conntrack", "--ctstate", "NEW")
#: ``iptablesJumpChains``, in upstream's order
IPTABLES_JUMP_CHAINS: tuple[JumpChain, ...] = (
    JumpChain("filter", KUBE_EXTERNAL_SERVICES, "INPUT",
              "kubernetes externally-visible service portals", _NEW),
    JumpChain("filter", KUBE_EXTERNAL_SERVICES, "FORWARD",
              "kubernetes externally-visible service portals", _NEW),
    JumpChain("filter", KUBE_NODEPORTS, "INPUT", "kubernetes health check service ports"),
    JumpChain("filter", KUBE_SERVICES, "FORWARD", "kubernetes service portals", _NEW),
    JumpChain("filter", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", _NEW),
    JumpChain("filter", KUBE_FORWARD, "FORWARD", "kubernetes forwarding rules"),
    JumpChain("filter", KUBE_PROXY_FIREWALL, "INPUT", "kubernetes load balancer firewall", _NEW),
    JumpChain("filter", KUBE_PROXY_FIREWALL, "OUTPUT", "kubernetes load balancer firewall", _NEW),
    JumpChain("filter", KUBE_PROXY_FIREWALL, "FORWARD", "kubernetes load balancer firewall",
              _NEW),
    JumpChain("nat", KUBE_SERVICES, "OUTPUT", "kubernetes service portals"),
    JumpChain("nat", KUBE_SERVICES, "PREROUTING", "kubernetes service portals"),
    JumpChain("nat", KUBE_POSTROUTING, "POSTROUTING", "kubernetes postrouting rules"),
)
#: ``iptablesKubeletJumpChains``: kubelet installs these first; kube-proxy only ensures them
IPTABLES_KUBELET_JUMP_CHAINS: tuple[JumpChain, ...] = (
    JumpChain("filter", KUBELET_FIREWALL, "INPUT", ""),
    JumpChain("filter", KUBELET_FIREWALL, "OUTPUT", ""),
)

_KUBELET_FIREWALL_RULE = (
    f'-A {KUBELET_FIREWALL} -m comment --comment "block incoming localnet connections" '
    "-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")


def builtin_jump_rules() -> dict[str, dict[str, list[str]]]:
    """The built-in chains after kubelet and then kube-proxy ensured their jumps: kubelet's
    ``-j KUBE-FIREWALL`` exist first, and every kube-proxy rule is *prepended* in list order, so
    the last one listed ends up first in its chain."""
    out: dict[str, dict[str, list[str]]] = {t: {c: [] for c in cs}
                                            for t, cs in BUILTIN_CHAINS.items()}
    for jump in IPTABLES_KUBELET_JUMP_CHAINS:
        out[jump.table][jump.src_chain].append(jump.rule())
    for jump in IPTABLES_JUMP_CHAINS:
        rules = out[jump.table][jump.src_chain]
        if jump.rule() not in rules:
            rules.insert(0, jump.rule())
    return out


# -- parsed rules ------------------------------------------------------------------------------


@dataclass
class Match:
    """One match of a rule, in rule order (``-s``, ``--dport``, ``-m statistic ...``)."""

    kind: str
    value: str = ""
    negated: bool = False
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class Rule:
    """A rule line parsed the way ``iptablestest.ParseIPTablesDump`` does, keeping its matches in
    order so a walk can evaluate them as the kernel does (left to right)."""

    raw: str
    chain: str
    matches: list[Match]
    jump: str = ""
    target: dict[str, str] = field(default_factory=dict)
    comment: str = ""

    @classmethod
    def parse(cls, line: str) -> Rule:
        tokens = shlex.split(line)
        chain = ""
        matches: list[Match] = []
        jump = ""
        target: dict[str, str] = {}
        comment = ""
        neg = False
        module = ""
        i = 0

        def val() -> str:
            return tokens[i + 1] if i + 1 < len(tokens) else ""

        while i < len(tokens):
            t = tokens[i]
            step = 2
            if t == "!":
                neg = True
                i += 1
                continue
            if jump:
                # target options: --to-destination X, --or-mark X, --random-fully, ...
                if i + 1 < len(tokens) and not tokens[i + 1].startswith("-"):
                    target[t.lstrip("-")] = tokens[i + 1]
                else:
                    target[t.lstrip("-")] = ""
                    step = 1
            elif t in ("-A", "--append"):
                chain = val()
            elif t in ("-m", "--match"):
                module = val()
                if module in ("statistic", "recent"):
                    matches.append(Match(module))
            elif t in ("-s", "--source", "--src"):
                matches.append(Match("src", val(), neg))
            elif t in ("-d", "--destination", "--dst"):
                matches.append(Match("dst", val(), neg))
            elif t in ("-p", "--protocol"):
                matches.append(Match("proto", val().lower(), neg))
            elif t in ("--dport", "--destination-port"):
                matches.append(Match("dport", val(), neg))
            elif t in ("--sport", "--source-port"):
                matches.append(Match("sport", val(), neg))
            elif t == "--dst-type":
                matches.append(Match("dst-type", val(), neg))
            elif t == "--src-type":
                matches.append(Match("src-type", val(), neg))
            elif t == "--comment":
                comment = val()
            elif t in ("--ctstate", "--state"):
                matches.append(Match("ctstate", val(), neg))
            elif t == "--mark":
                matches.append(Match("mark", val(), neg))
            elif t == "--nfacct-name":
                matches.append(Match("nfacct", val()))
            elif t == "--physdev-is-in":
                matches.append(Match("physdev-is-in", "", neg))
                step = 1
            elif t in ("-j", "--jump"):
                jump = val()
            elif module in ("statistic", "recent") and matches and matches[-1].kind == module:
                # option of the current statistic/recent match
                if i + 1 < len(tokens) and not tokens[i + 1].startswith("-"):
                    matches[-1].options[t.lstrip("-")] = tokens[i + 1]
                else:
                    matches[-1].options[t.lstrip("-")] = ""
                    step = 1
            else:
                step = 1  # unknown flag: skip it
            neg = False
            i += step
        return cls(line, chain, matches, jump, target, comment)

    def first(self, kind: str) -> Match | None:
        return next((m for m in self.matches if m.kind == kind), None)

    @property
    def body(self) -> str:
        """The rule without its ``-A CHAIN`` prefix."""
        prefix = f"-A {self.chain} "
        return self.raw[len(prefix):] if self.raw.startswith(prefix) else self.raw

    @property
    def probability(self) -> float | None:
        st = self.first("statistic")
        if st is None or "probability" not in st.options:
            return None
        return float(st.options["probability"])


# -- iptables-restore dumps and upstream's test sort ---------------------------------------------


@dataclass
class _Chain:
    name: str
    policy: str = "-"
    rules: list[str] = field(default_factory=list)


@dataclass
class _Table:
    name: str
    chains: list[_Chain] = field(default_factory=list)

    def chain(self, name: str) -> _Chain | None:
        return next((c for c in self.chains if c.name == name), None)


def _parse_dump(text: str) -> list[_Table]:
    """``iptablestest.ParseIPTablesDump``, enough for what kube-proxy writes; ``-X`` deletes."""
    tables: list[_Table] = []
    table: _Table | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            table = _Table(line[1:])
            tables.append(table)
        elif line == "COMMIT":
            table = None
        elif table is None:
            raise ValueError(f"line outside a table: {line!r}")
        elif line.startswith(":"):
            name, policy = line[1:].split()[:2]
            if table.chain(name) is None:
                table.chains.append(_Chain(name, policy))
        elif line.startswith("-X "):
            name = line.split()[1]
            table.chains = [c for c in table.chains if c.name != name]
        elif line.startswith("-A "):
            name = line.split()[1]
            ch = table.chain(name)
            if ch is None:
                raise ValueError(f"rule for undeclared chain {name}: {line!r}")
            ch.rules.append(line)
        else:
            raise ValueError(f"unparsable line: {line!r}")
    return tables


def _dump_string(tables: list[_Table]) -> str:
    out: list[str] = []
    for t in tables:
        out.append(f"*{t.name}")
        out.extend(f":{c.name} {c.policy} [0:0]" for c in t.chains)
        for c in t.chains:
            out.extend(c.rules)
        out.append("COMMIT")
    return "\n".join(out) + "\n"


def _comment_service(rule: str) -> str | None:
    comment = Rule.parse(rule).comment
    if not comment:
        return None
    for i, ch in enumerate(comment):
        if ch in " :":
            return comment[:i]
    return comment


def _order_by_comment_service_name(r1: str, r2: str) -> int:
    n1, n2 = _comment_service(r1), _comment_service(r2)
    if n1 is None or n2 is None:
        return 0
    return -1 if n1 < n2 else (1 if n2 < n1 else 0)


def _chain_order(name: str) -> tuple[int, str]:
    if name == KUBE_NODEPORTS:
        return (0, "")
    if name == KUBE_SERVICES:
        return (1, "")
    return (2 if name.startswith("KUBE-") else 3, name)


def _sort_tables(tables: list[_Table]) -> list[_Table]:
    tables = sorted(tables, key=lambda t: t.name)
    for t in tables:
        t.chains.sort(key=lambda c: _chain_order(c.name))
        for tname, cname in (("filter", KUBE_NODEPORTS), ("nat", KUBE_NODEPORTS),
                             ("filter", KUBE_SERVICES)):
            ch = t.chain(cname) if t.name == tname else None
            if ch is not None:
                ch.rules.sort(key=cmp_to_key(_order_by_comment_service_name))
        ch = t.chain(KUBE_SERVICES) if t.name == "nat" else None
        if ch is not None:
            def last_rule_cmp(a: str, b: str) -> int:
                la = "must be the last rule" in (Rule.parse(a).comment or "")
                lb = "must be the last rule" in (Rule.parse(b).comment or "")
                if la != lb:
                    return 1 if la else -1
                return _order_by_comment_service_name(a, b)
            ch.rules.sort(key=cmp_to_key(last_rule_cmp))
    return tables


def sort_iptables_rules(rule_data: str) -> str:
    """``sortIPTablesRules`` from upstream's ``proxier_test.go``: tables by name; chains
    ``KUBE-NODEPORTS``, ``KUBE-SERVICES``, other ``KUBE-*`` alphabetically, then the rest; rules
    grouped by chain; ``KUBE-NODEPORTS`` / ``KUBE-SERVICES`` rules stably sorted by the service
    name in their comment, with nat ``KUBE-SERVICES``' "must be the last rule" rule last."""
    return _dump_string(_sort_tables(_parse_dump(rule_data)))


# -- the proxier ---------------------------------------------------------------------------------


@dataclass
class _Packet:
    src: str
    dst: str
    dport: int
    proto: str
    mark: int = 0
    dnat: bool = False
    physdev_in: bool = False


class IptablesProxier:
    """kube-proxy's iptables ``Proxier`` on one node.

    Defaults are a real node's (``--masquerade-bit 14`` printed as Go prints it: ``0x00004000``,
    iptables with ``--random-fully``, nfacct counters available, ``--iptables-localhost-nodeports``
    on, node ports on every local address). Upstream's ``NewFakeProxier`` differs: mark
    ``"0x4000"``, no ``--random-fully``; pass those to reproduce its expected texts.
    """

    def __init__(
        self,
        *,
        masquerade_all: bool = False,
        masquerade_bit: int = 14,
        masquerade_mark: str | None = None,
        random_fully: bool = True,
        localhost_node_ports: bool = True,
        nfacct: bool = True,
        conntrack_tcp_liberal: bool = False,
        node_port_addresses: list[str] | None = None,
        topology_labels: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.masquerade_all = masquerade_all
        self.masquerade_mark = masquerade_mark or go_sharp_hex(1 << masquerade_bit)
        self.random_fully = random_fully
        self.localhost_node_ports = localhost_node_ports
        self.nfacct = nfacct
        self.conntrack_tcp_liberal = conntrack_tcp_liberal
        self.node_port_addresses = list(node_port_addresses or [])
        self.topology_labels = dict(topology_labels or {})
        self.rng = rng or random.Random(0)
        self.node_name = ""
        self.node_ips: list[str] = []
        self.cluster_cidr: str | None = None
        self.svc_port_map: dict[ServicePortName, ServicePortInfo] = {}
        self.endpoints_map: dict[ServicePortName, list[EndpointInfo]] = {}
        self.large_cluster_mode = False
        self.syncs = 0
        self._restore = ""
        self._tables: list[_Table] = []
        self._builtin = builtin_jump_rules()
        self._recent: dict[str, dict[str, float]] = {}
        self._parsed: dict[tuple[str, str], list[Rule]] = {}
        self._precomputed: list[str] = []

    # -- helpers -------------------------------------------------------------------------------

    def probability(self, n: int) -> str:
        """``proxier.probability``: cached ``computeProbability``."""
        if not self._precomputed:
            self._precomputed.append("<bad value>")
        while len(self._precomputed) <= n:
            self._precomputed.append(compute_probability(len(self._precomputed)))
        return self._precomputed[n]

    def _comment(self, args: list[str], text: str) -> list[str]:
        """``appendServiceCommentLocked``: no comments in large-cluster mode."""
        if self.large_cluster_mode:
            return args
        return [*args, "-m", "comment", "--comment", text]

    def _node_port_ips(self) -> list[str]:
        """``nodePortAddresses.GetNodeIPs``: the node IPs inside ``--nodeport-addresses``."""
        out: list[str] = []
        nets = [ipaddress.ip_network(c, strict=False) for c in self.node_port_addresses]
        for ip in [*self.node_ips, "127.0.0.1"]:
            if any(ipaddress.ip_address(ip) in n for n in nets) and ip not in out:
                out.append(ip)
        return out

    # -- syncProxyRules ------------------------------------------------------------------------

    def sync(self, services: Iterable[Mapping[str, Any]],
             slices: Iterable[Mapping[str, Any]], node_name: str,
             node_ips: Iterable[str], cluster_cidr: str | None = None) -> None:
        """``syncProxyRules`` (a full sync): compute every chain and rule from the Services and
        EndpointSlices, then "restore" them. ``cluster_cidr`` is the pod CIDR of
        ``--detect-local-mode=ClusterCIDR`` (``None``: no local-traffic detector)."""
        self.node_name = node_name
        self.node_ips = list(node_ips)
        self.cluster_cidr = cluster_cidr
        self.svc_port_map = service_port_map(services)
        self.endpoints_map = endpoints_map(slices, node_name)
        self.syncs += 1

        filter_chains: list[str] = []
        filter_rules: list[str] = []
        nat_chains: list[str] = []
        nat_rules: list[str] = []

        def write(buf: list[str], *args: str | list[str]) -> None:
            """``LineBuffer.Write``: strings and string slices joined by spaces."""
            words: list[str] = []
            for a in args:
                if isinstance(a, list):
                    words.extend(a)
                else:
                    words.append(a)
            buf.append(" ".join(words))

        def chain_line(name: str) -> str:
            return f":{name} - [0:0]"

        for name in (KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS,
                     KUBE_PROXY_FIREWALL):
            filter_chains.append(chain_line(name))
        for name in (KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ):
            nat_chains.append(chain_line(name))

        mark = self.masquerade_mark
        write(nat_rules, "-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", f"{mark}/{mark}",
              "-j", "RETURN")
        write(nat_rules, "-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark)
        masq_rule = ["-A", KUBE_POSTROUTING, "-m", "comment", "--comment",
                     _q("kubernetes service traffic requiring SNAT"), "-j", "MASQUERADE"]
        if self.random_fully:
            masq_rule.append("--random-fully")
        write(nat_rules, masq_rule)
        write(nat_rules, "-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark)

        if self.localhost_node_ports:
            filter_chains.append(chain_line(KUBELET_FIREWALL))
            write(filter_rules, "-A", KUBELET_FIREWALL, "-m", "comment", "--comment",
                  _q("block incoming localnet connections"), "-d", "127.0.0.0/8", "!", "-s",
                  "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
                  "-j", "DROP")

        active_nat: set[str] = set()
        total = sum(len(self.endpoints_map.get(s, [])) for s in self.svc_port_map)
        self.large_cluster_mode = total > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
        if_local = ["-s", cluster_cidr] if cluster_cidr else None
        if_not_local = ["!", "-s", cluster_cidr] if cluster_cidr else None

        for spn in sorted(self.svc_port_map, key=lambda s: (str(s), s.protocol)):
            svc = self.svc_port_map[spn]
            protocol = svc.protocol.lower()
            name = str(spn)
            cluster_chain = service_port_policy_cluster_chain(name, protocol)
            local_chain = service_port_policy_local_chain_name(name, protocol)
            fw_chain = service_firewall_chain_name(name, protocol)
            ext_chain = service_external_chain_name(name, protocol)

            cluster_eps, local_eps, reachable, has_endpoints = categorize_endpoints(
                self.endpoints_map.get(spn, []), svc, node_name, self.topology_labels)
            uses_cluster_chain = bool(cluster_eps) and svc.uses_cluster_endpoints()
            uses_local_chain = bool(local_eps) and svc.uses_local_endpoints()

            internal_chain = cluster_chain
            has_internal = has_endpoints
            if svc.internal_policy_local:
                internal_chain = local_chain
                if not local_eps:
                    has_internal = False
            external_policy_chain = cluster_chain
            has_external = has_endpoints
            if svc.external_policy_local:
                external_policy_chain = local_chain
                if not local_eps:
                    has_external = False
            uses_ext_chain = has_endpoints and svc.externally_accessible()
            lb_chain = ext_chain
            uses_fw_chain = (has_endpoints and bool(svc.load_balancer_vips)
                             and bool(svc.load_balancer_source_ranges))
            if uses_fw_chain:
                lb_chain = fw_chain

            int_target = int_comment = ext_target = ext_comment = ""
            if not has_endpoints:
                int_target = ext_target = "REJECT"
                int_comment = ext_comment = _q(f"{name} has no endpoints")
            else:
                if not has_internal:
                    int_target = "DROP"
                    int_comment = _q(f"{name} has no local endpoints")
                if not has_external:
                    ext_target = "DROP"
                    ext_comment = _q(f"{name} has no local endpoints")

            port = str(svc.port)
            # Capture the cluster IP.
            if has_internal:
                write(nat_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                      _q(f"{name} cluster IP"), "-m", protocol, "-p", protocol,
                      "-d", svc.cluster_ip, "--dport", port, "-j", internal_chain)
            else:
                write(filter_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                      int_comment, "-m", protocol, "-p", protocol, "-d", svc.cluster_ip,
                      "--dport", port, "-j", int_target)
            # Capture external IPs.
            for ip in svc.external_ips:
                if has_endpoints:
                    write(nat_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                          _q(f"{name} external IP"), "-m", protocol, "-p", protocol,
                          "-d", ip, "--dport", port, "-j", ext_chain)
                if not has_external:
                    write(filter_rules, "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment",
                          "--comment", ext_comment, "-m", protocol, "-p", protocol, "-d", ip,
                          "--dport", port, "-j", ext_target)
            # Capture load-balancer ingress.
            for ip in svc.load_balancer_vips:
                if has_endpoints:
                    write(nat_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                          _q(f"{name} loadbalancer IP"), "-m", protocol, "-p", protocol,
                          "-d", ip, "--dport", port, "-j", lb_chain)
                if uses_fw_chain:
                    write(filter_rules, "-A", KUBE_PROXY_FIREWALL, "-m", "comment",
                          "--comment", _q(f"{name} traffic not accepted by {fw_chain}"),
                          "-m", protocol, "-p", protocol, "-d", ip, "--dport", port,
                          "-j", "DROP")
            if not has_external:
                for ip in svc.load_balancer_vips:
                    write(filter_rules, "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment",
                          "--comment", ext_comment, "-m", protocol, "-p", protocol, "-d", ip,
                          "--dport", port, "-j", ext_target)
            # Capture node ports.
            if svc.node_port:
                node_port = str(svc.node_port)
                if has_endpoints:
                    if self.localhost_node_ports and self.nfacct:
                        write(nat_rules, "-A", KUBE_NODEPORTS, "-m", "comment", "--comment",
                              name, "-m", protocol, "-p", protocol, "-d", "127.0.0.0/8",
                              "--dport", node_port, "-m", "nfacct", "--nfacct-name",
                              NFACCT_LOCALHOST_NODEPORTS, "-j", ext_chain)
                    write(nat_rules, "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", name,
                          "-m", protocol, "-p", protocol, "--dport", node_port, "-j", ext_chain)
                if not has_external:
                    write(filter_rules, "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment",
                          "--comment", ext_comment, "-m", "addrtype", "--dst-type", "LOCAL",
                          "-m", protocol, "-p", protocol, "--dport", node_port,
                          "-j", ext_target)
            # Capture health-check node ports.
            if svc.health_check_node_port:
                write(filter_rules, "-A", KUBE_NODEPORTS, "-m", "comment", "--comment",
                      _q(f"{name} health check node port"), "-m", "tcp", "-p", "tcp",
                      "--dport", str(svc.health_check_node_port), "-j", "ACCEPT")

            # Internal traffic handling.
            if has_internal:
                args = ["-m", "comment", "--comment", _q(f"{name} cluster IP"),
                        "-m", protocol, "-p", protocol, "-d", svc.cluster_ip, "--dport", port]
                if self.masquerade_all:
                    write(nat_rules, "-A", internal_chain, args, "-j", KUBE_MARK_MASQ)
                elif if_not_local is not None:
                    write(nat_rules, "-A", internal_chain, args, if_not_local,
                          "-j", KUBE_MARK_MASQ)
            # External traffic handling.
            if uses_ext_chain:
                nat_chains.append(chain_line(ext_chain))
                active_nat.add(ext_chain)
                if not svc.external_policy_local:
                    write(nat_rules, "-A", ext_chain, "-m", "comment", "--comment",
                          _q(f"masquerade traffic for {name} external destinations"),
                          "-j", KUBE_MARK_MASQ)
                else:
                    if if_local is not None:
                        write(nat_rules, "-A", ext_chain, "-m", "comment", "--comment",
                              _q(f"pod traffic for {name} external destinations"), if_local,
                              "-j", cluster_chain)
                    write(nat_rules, "-A", ext_chain, "-m", "comment", "--comment",
                          _q(f"masquerade LOCAL traffic for {name} external destinations"),
                          "-m", "addrtype", "--src-type", "LOCAL", "-j", KUBE_MARK_MASQ)
                    write(nat_rules, "-A", ext_chain, "-m", "comment", "--comment",
                          _q(f"route LOCAL traffic for {name} external destinations"),
                          "-m", "addrtype", "--src-type", "LOCAL", "-j", cluster_chain)
                if has_external:
                    write(nat_rules, "-A", ext_chain, "-j", external_policy_chain)
            # Firewall chain.
            if uses_fw_chain:
                nat_chains.append(chain_line(fw_chain))
                active_nat.add(fw_chain)
                fw_args = ["-A", fw_chain, "-m", "comment", "--comment",
                           _q(f"{name} loadbalancer IP")]
                allow_from_node = False
                node_ip = self.node_ips[0] if self.node_ips else ""
                for cidr in svc.load_balancer_source_ranges:
                    write(nat_rules, fw_args, "-s", cidr, "-j", ext_chain)
                    if node_ip and ipaddress.ip_address(node_ip) in ipaddress.ip_network(cidr):
                        allow_from_node = True
                if allow_from_node:
                    for ip in svc.load_balancer_vips:
                        write(nat_rules, fw_args, "-s", ip, "-j", ext_chain)
                write(nat_rules, "-A", fw_chain, "-m", "comment", "--comment",
                      _q(f"other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL"))
            # Service → endpoint rules.
            if uses_cluster_chain:
                nat_chains.append(chain_line(cluster_chain))
                active_nat.add(cluster_chain)
                self._write_service_to_endpoint_rules(nat_rules, name, spn, svc,
                                                      cluster_chain, cluster_eps or [])
            if uses_local_chain:
                nat_chains.append(chain_line(local_chain))
                active_nat.add(local_chain)
                self._write_service_to_endpoint_rules(nat_rules, name, spn, svc,
                                                      local_chain, local_eps or [])
            # Per-endpoint chains.
            for ep in reachable:
                ep_chain = self.endpoint_chain(spn, ep)
                nat_chains.append(chain_line(ep_chain))
                active_nat.add(ep_chain)
                args = self._comment(["-A", ep_chain], name)
                write(nat_rules, args, "-s", ep.ip, "-j", KUBE_MARK_MASQ)
                if svc.session_affinity == "ClientIP":
                    args = [*args, "-m", "recent", "--name", ep_chain, "--set"]
                write(nat_rules, args, "-m", protocol, "-p", protocol, "-j", "DNAT",
                      "--to-destination", str(ep))

        # Delete chains no longer in use (upstream reads them back with iptables-save).
        previous = {c.name for t in self._tables if t.name == "nat" for c in t.chains}
        deleted = sorted(c for c in previous - active_nat if is_service_chain_name(c))
        for chain in deleted:
            nat_chains.append(chain_line(chain))
            write(nat_rules, "-X", chain)

        # Finally, the tail call to KUBE-NODEPORTS.
        if not self.node_port_addresses:
            destinations = ["-m", "addrtype", "--dst-type", "LOCAL"]
            if not self.localhost_node_ports:
                destinations += ["!", "-d", "127.0.0.0/8"]
            write(nat_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                  _q("kubernetes service nodeports; NOTE: this must be the last rule in "
                     "this chain"), destinations, "-j", KUBE_NODEPORTS)
        else:
            for ip in self._node_port_ips():
                if ipaddress.ip_address(ip).is_loopback and not self.localhost_node_ports:
                    continue
                write(nat_rules, "-A", KUBE_SERVICES, "-m", "comment", "--comment",
                      _q("kubernetes service nodeports; NOTE: this must be the last rule in "
                         "this chain"), "-d", ip, "-j", KUBE_NODEPORTS)

        if not self.conntrack_tcp_liberal:
            rule = ["-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID"]
            if self.nfacct:
                rule += ["-m", "nfacct", "--nfacct-name", NFACCT_CT_INVALID]
            write(filter_rules, rule, "-j", "DROP")
        write(filter_rules, "-A", KUBE_FORWARD, "-m", "comment", "--comment",
              _q("kubernetes forwarding rules"), "-m", "mark", "--mark", f"{mark}/{mark}",
              "-j", "ACCEPT")
        write(filter_rules, "-A", KUBE_FORWARD, "-m", "comment", "--comment",
              _q("kubernetes forwarding conntrack rule"), "-m", "conntrack", "--ctstate",
              "RELATED,ESTABLISHED", "-j", "ACCEPT")

        self._restore = "\n".join(["*filter", *filter_chains, *filter_rules, "COMMIT",
                                   "*nat", *nat_chains, *nat_rules, "COMMIT"]) + "\n"
        self._tables = _parse_dump(self._restore)
        self._parsed.clear()

    def endpoint_chain(self, spn: ServicePortName, ep: EndpointInfo) -> str:
        """``endpointInfo.ChainName`` (from the endpoint's service port name and protocol)."""
        return service_port_endpoint_chain_name(str(spn), spn.protocol.lower(), str(ep))

    def _write_service_to_endpoint_rules(self, nat_rules: list[str], name: str,
                                         spn: ServicePortName, svc: ServicePortInfo,
                                         chain: str, endpoints: list[EndpointInfo]) -> None:
        """``writeServiceToEndpointRules``: affinity checks first, then one probabilistic rule
        per endpoint (``1/n``, ``1/(n-1)``, ..., the last one unconditional)."""
        if svc.session_affinity == "ClientIP":
            for ep in endpoints:
                ep_chain = self.endpoint_chain(spn, ep)
                args = self._comment(["-A", chain], _q(f"{name} -> {ep}"))
                nat_rules.append(" ".join([*args, "-m", "recent", "--name", ep_chain,
                                           "--rcheck", "--seconds",
                                           str(svc.sticky_max_age_seconds), "--reap",
                                           "-j", ep_chain]))
        n = len(endpoints)
        for i, ep in enumerate(endpoints):
            args = self._comment(["-A", chain], _q(f"{name} -> {ep}"))
            if i < n - 1:
                args += ["-m", "statistic", "--mode", "random", "--probability",
                         self.probability(n - i)]
            nat_rules.append(" ".join([*args, "-j", self.endpoint_chain(spn, ep)]))

    # -- views ---------------------------------------------------------------------------------

    def restore_input(self) -> str:
        """Exactly what the last sync handed to ``iptables-restore --noflush --counters``."""
        return self._restore

    def iptables_save(self, full: bool = False) -> str:
        """The node's filter and nat tables.

        By default: kube-proxy's chains only, ordered as upstream's tests order them
        (``sortIPTablesRules``) — the text of upstream's expected outputs. With ``full=True``:
        also the built-in chains (policy ``ACCEPT``) with the jump rules kubelet and kube-proxy
        keep in them, first, as ``iptables-save`` lists built-in chains first.
        """
        tables = _sort_tables(_parse_dump(_dump_string(self._tables) if self._tables
                                          else "*filter\nCOMMIT\n*nat\nCOMMIT\n"))
        if not full:
            return _dump_string(tables)
        out: list[str] = []
        for t in tables:
            builtin = self._builtin.get(t.name, {})
            out.append(f"*{t.name}")
            out.extend(f":{c} ACCEPT [0:0]" for c in builtin)
            chains = list(t.chains)
            if t.name == "filter" and t.chain(KUBELET_FIREWALL) is None:
                chains.append(_Chain(KUBELET_FIREWALL, "-", [_KUBELET_FIREWALL_RULE]))
                chains.sort(key=lambda c: _chain_order(c.name))
            out.extend(f":{c.name} {c.policy} [0:0]" for c in chains)
            for rules in builtin.values():
                out.extend(rules)
            for c in chains:
                out.extend(c.rules)
            out.append("COMMIT")
        return "\n".join(out) + "\n"

    def chains(self, table: str = "nat") -> list[str]:
        """Chain names of a table (kube-proxy's chains, then the built-in ones)."""
        names = [c.name for t in self._tables if t.name == table for c in t.chains]
        return names + list(self._builtin.get(table, {}))

    def rules(self, table: str, chain: str) -> list[Rule]:
        """Parsed rules of one chain (parsed once per sync)."""
        key = (table, chain)
        cached = self._parsed.get(key)
        if cached is None:
            cached = self._parsed[key] = [Rule.parse(line) for line in self._lines(table, chain)]
        return cached

    def _lines(self, table: str, chain: str) -> list[str]:
        if chain in self._builtin.get(table, {}):
            lines = self._builtin[table][chain]
        else:
            lines = next((c.rules for t in self._tables if t.name == table
                          for c in t.chains if c.name == chain), [])
            if not lines and table == "filter" and chain == KUBELET_FIREWALL:
                lines = [_KUBELET_FIREWALL_RULE]
        return list(lines)

    def _has_chain(self, table: str, chain: str) -> bool:
        if chain in self._builtin.get(table, {}):
            return True
        if table == "filter" and chain == KUBELET_FIREWALL:
            return True
        return any(c.name == chain for t in self._tables if t.name == table for c in t.chains)

    # -- the kernel's walk ---------------------------------------------------------------------

    def _local_ips(self) -> set[str]:
        return set(self.node_ips)

    def _is_local(self, ip: str) -> bool:
        """``-m addrtype --*-type LOCAL``: a node address or anything on ``lo`` (127/8)."""
        try:
            return ip in self._local_ips() or ipaddress.ip_address(ip).is_loopback
        except ValueError:
            return False

    def route(self, dst_ip: str, dst_port: int, protocol: str = "TCP", src_ip: str = "",
              rng: random.Random | None = None, *, now: float = 0.0,
              verbose: bool = False) -> list[Hop]:
        """Send one new connection's first packet through this node's tables.

        ``src_ip`` is the client (a pod IP, a node IP, or an outside address; empty: this node).
        Locally generated packets (source is a node address or loopback) go nat ``OUTPUT`` →
        filter ``OUTPUT`` → nat ``POSTROUTING``; others nat ``PREROUTING`` → routing → filter
        ``INPUT`` (local destination) or ``FORWARD`` → nat ``POSTROUTING``. Each matched rule is
        a :class:`Hop`; a chain that was entered but changed nothing is left out unless
        ``verbose``. ``rng`` draws the ``-m statistic`` choices (default: this proxier's
        ``rng``); ``now`` (virtual seconds) drives ``-m recent`` session affinity.
        """
        rng = rng or self.rng
        src = src_ip or (self.node_ips[0] if self.node_ips else "127.0.0.1")
        pkt = _Packet(src, dst_ip, int(dst_port), protocol.lower(),
                      physdev_in=self._in_cluster(src))
        hops: list[Hop] = []
        walker = _Walker(self, pkt, rng, now, hops, verbose)
        original = join_host_port(dst_ip, int(dst_port))
        local_src = self._is_local(src)
        hops.append(Hop("kernel", "socket" if local_src else "interface", "send",
                        f"{protocol.upper()} {src} → {original}"
                        + (" (from this node)" if local_src else ""),
                        src=src, dst=original))
        verdict = walker.run("nat", "OUTPUT" if local_src else "PREROUTING")
        if verdict in ("DROP", "REJECT"):
            return walker.finish(verdict)
        local_dst = self._is_local(pkt.dst)
        if local_src:
            fchain = "OUTPUT"
        else:
            fchain = "INPUT" if local_dst else "FORWARD"
        verdict = walker.run("filter", fchain)
        if verdict in ("DROP", "REJECT"):
            return walker.finish(verdict)
        if local_src or not local_dst:
            walker.run("nat", "POSTROUTING")
        return walker.finish("ACCEPT")

    def _in_cluster(self, ip: str) -> bool:
        if not self.cluster_cidr:
            return False
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(self.cluster_cidr,
                                                                    strict=False)
        except ValueError:
            return False

    # -- upstream's test tracer ----------------------------------------------------------------

    def trace_packet(self, source_ip: str, protocol: str, dest_ip: str, dest_port: int,
                     node_ips: Iterable[str] | None = None) -> tuple[list[str], str, bool]:
        """``tracePacket`` from upstream's ``proxier_test.go``: follow *every* probabilistic
        branch and report ``(matched rules, outputs, masqueraded)``; outputs are the DNAT
        destinations joined by ``", "`` or one of ``ACCEPT`` / ``DROP`` / ``REJECT``. Rules that
        check state (affinity, mark, conntrack) never match, as upstream's tracer."""
        tracer = _Tracer(self, set(node_ips if node_ips is not None else self.node_ips))
        proto = protocol.lower()
        tracer.run_chain("nat", "PREROUTING", source_ip, proto, dest_ip, str(dest_port))
        if tracer.outputs:
            dest_ip = tracer.outputs[0].rsplit(":", 1)[0]
        for chain in (KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_NODEPORTS,
                      KUBE_PROXY_FIREWALL):
            tracer.run_chain("filter", chain, source_ip, proto, dest_ip, str(dest_port))
        return tracer.matches, ", ".join(tracer.outputs), tracer.mark_masq


def _conditions(rule: Rule) -> str:
    """A rule without a comment, described by its matches (``-j ...`` left out)."""
    body = rule.body
    cut = body.find("-j ")
    body = (body[:cut] if cut >= 0 else body).strip()
    return body or "(every packet)"


def _addr_matches(value: str, ip: str) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
        if "/" in value:
            return addr in ipaddress.ip_network(value, strict=False)
        return addr == ipaddress.ip_address(value)
    except ValueError:
        return False


def _port_matches(value: str, port: int) -> bool:
    if ":" in value:
        lo, hi = value.split(":", 1)
        return int(lo or 0) <= port <= int(hi or 65535)
    return port == int(value)


class _Tracer:
    """``iptablesTracer`` (upstream test code)."""

    def __init__(self, proxier: IptablesProxier, node_ips: set[str]) -> None:
        self.p = proxier
        self.local_ips = {"127.0.0.1", "::1", *node_ips}
        self.matches: list[str] = []
        self.outputs: list[str] = []
        self.mark_masq = False

    def rule_matches(self, rule: Rule, src: str, proto: str, dst: str, dport: str) -> bool:
        checks = {
            "src": lambda m: _addr_matches(m.value, src) != m.negated,
            "src-type": lambda m: ((m.value == "LOCAL") == (src in self.local_ips)) != m.negated,
            "proto": lambda m: (m.value == proto) != m.negated,
            "dst": lambda m: _addr_matches(m.value, dst) != m.negated,
            "dst-type": lambda m: ((m.value == "LOCAL") == (dst in self.local_ips)) != m.negated,
            "dport": lambda m: _port_matches(m.value, int(dport)) != m.negated,
        }
        for kind, check in checks.items():
            m = rule.first(kind)
            if m is not None and not check(m):
                return False
        recent = rule.first("recent")
        if recent is not None and "rcheck" in recent.options:
            return False
        return rule.first("mark") is None and rule.first("ctstate") is None

    def run_chain(self, table: str, chain: str, src: str, proto: str, dst: str,
                  dport: str) -> bool:
        if not self.p._has_chain(table, chain):
            return False
        for rule in self.p.rules(table, chain):
            if not rule.jump:
                continue
            if not self.rule_matches(rule, src, proto, dst, dport):
                continue
            self.matches.append(rule.raw)
            if rule.jump == KUBE_MARK_MASQ:
                self.mark_masq = True
                continue
            if rule.jump in ("ACCEPT", "REJECT", "DROP"):
                self.outputs.append(rule.jump)
                return True
            if rule.jump == "DNAT":
                self.outputs.append(rule.target.get("to-destination", ""))
                return True
            terminated = self.run_chain(table, rule.jump, src, proto, dst, dport)
            if terminated and rule.probability is None:
                return True
        return False


class _Walker:
    """A netfilter traversal of one packet (first packet of a connection: conntrack NEW)."""

    def __init__(self, proxier: IptablesProxier, pkt: _Packet, rng: random.Random, now: float,
                 hops: list[Hop], verbose: bool) -> None:
        self.p = proxier
        self.pkt = pkt
        self.rng = rng
        self.now = now
        self.hops = hops
        self.verbose = verbose
        self.reason = ""
        #: the statistic draw that selected the current rule, appended to its hop
        self.note = ""

    def _addr(self) -> tuple[str, str]:
        return self.pkt.src, join_host_port(self.pkt.dst, self.pkt.dport)

    def hop(self, where: str, action: str, detail: str, rule: str = "") -> None:
        src, dst = self._addr()
        self.hops.append(Hop("iptables", where, action, detail, rule, src, dst))

    def run(self, table: str, chain: str, depth: int = 0) -> str | None:
        """Run ``chain``; return a verdict (``ACCEPT``/``DROP``/``REJECT``) or ``None`` if the
        packet fell off the end / hit ``RETURN``."""
        if depth > 32:
            raise RuntimeError(f"iptables: too many levels of jumps at {table}/{chain}")
        where = f"{table}/{chain}"
        for rule in self.p.rules(table, chain):
            if not self._matches(rule, where):
                continue
            verdict = self._target(rule, table, where, depth)
            if verdict == "RETURN":
                return None
            if verdict is not None:
                return verdict
        return None

    def _matches(self, rule: Rule, where: str) -> bool:
        pkt = self.pkt
        self.note = ""
        for m in rule.matches:
            if m.kind == "src":
                ok = _addr_matches(m.value, pkt.src)
            elif m.kind == "dst":
                ok = _addr_matches(m.value, pkt.dst)
            elif m.kind == "proto":
                ok = m.value == pkt.proto
            elif m.kind == "dport":
                ok = _port_matches(m.value, pkt.dport)
            elif m.kind == "sport":
                ok = True
            elif m.kind == "src-type":
                ok = (m.value == "LOCAL") == self.p._is_local(pkt.src)
            elif m.kind == "dst-type":
                ok = (m.value == "LOCAL") == self.p._is_local(pkt.dst)
            elif m.kind == "ctstate":
                states = {"NEW"} | ({"DNAT"} if pkt.dnat else set())
                ok = bool(states & set(m.value.split(",")))
            elif m.kind == "mark":
                value, _, mask = m.value.partition("/")
                ok = (pkt.mark & int(mask or "0xffffffff", 16)) == int(value, 16)
            elif m.kind == "physdev-is-in":
                ok = pkt.physdev_in
            elif m.kind == "statistic":
                ok = self._statistic(rule, m, where)
            elif m.kind == "recent":
                ok = self._recent(m)
            else:  # nfacct and other counters always match
                ok = True
            if m.negated and m.kind not in ("statistic", "recent"):
                ok = not ok
            if not ok:
                return False
        return True

    def _statistic(self, rule: Rule, m: Match, where: str) -> bool:
        """``xt_statistic`` random mode: ``(get_random_u32() & 0x7FFFFFFF) < probability``
        where iptables stored ``lround(p * 0x80000000)``."""
        p = float(m.options.get("probability", "1"))
        threshold = int(p * 0x80000000 + 0.5)
        draw = self.rng.getrandbits(32) & 0x7FFFFFFF
        won = draw < threshold
        text = (f"-m statistic --mode random --probability {m.options.get('probability')}: "
                f"drew {draw / 0x80000000:.4f}")
        if won:
            self.note = f" [{text} → chosen]"
        else:
            self.hop(where, "random", f"{text} → not chosen, next rule", rule.raw)
        return won

    def _recent(self, m: Match) -> bool:
        """``xt_recent`` on the source address: ``--set`` records it, ``--rcheck --seconds N``
        matches if it was recorded less than N seconds ago (``--reap`` forgets older ones)."""
        name = m.options.get("name", "DEFAULT")
        table = self.p._recent.setdefault(name, {})
        if "set" in m.options:
            table[self.pkt.src] = self.now
            return True
        seen = table.get(self.pkt.src)
        seconds = float(m.options.get("seconds", "0") or 0)
        if seen is None:
            return False
        if seconds and self.now - seen > seconds:
            if "reap" in m.options:
                del table[self.pkt.src]
            return False
        return True

    def _target(self, rule: Rule, table: str, where: str, depth: int) -> str | None:
        pkt = self.pkt
        label = f'"{rule.comment}"' if rule.comment else _conditions(rule)
        label, self.note = label + self.note, ""
        jump = rule.jump
        if not jump:
            if self.verbose or rule.comment:
                self.hop(where, "match", f"{label} (no target: continue)", rule.raw)
            return None
        if jump in ("ACCEPT", "DROP", "REJECT"):
            self.hop(where, jump.lower(), label, rule.raw)
            self.reason = rule.comment
            return jump
        if jump == "RETURN":
            if self.verbose:
                self.hop(where, "return", label, rule.raw)
            return "RETURN"
        if jump == "DNAT":
            before = join_host_port(pkt.dst, pkt.dport)
            host, _, port = rule.target.get("to-destination", "").rpartition(":")
            pkt.dst, pkt.dport, pkt.dnat = host.strip("[]"), int(port), True
            self.hop(where, "dnat", f"{before} → {join_host_port(pkt.dst, pkt.dport)}"
                     + (f" ({rule.comment})" if rule.comment else ""), rule.raw)
            return "ACCEPT"
        if jump == "REDIRECT":
            before = join_host_port(pkt.dst, pkt.dport)
            node = self.p.node_ips[0] if self.p.node_ips else "127.0.0.1"
            pkt.dst, pkt.dport, pkt.dnat = node, int(rule.target.get("to-ports", "0")), True
            self.hop(where, "redirect", f"{before} → {join_host_port(pkt.dst, pkt.dport)} "
                     "(a local port of this node)", rule.raw)
            return "ACCEPT"
        if jump == "MARK":
            old = pkt.mark
            if "or-mark" in rule.target:
                pkt.mark |= int(rule.target["or-mark"], 16)
            if "xor-mark" in rule.target:
                pkt.mark ^= int(rule.target["xor-mark"], 16)
            if "set-xmark" in rule.target:
                value, _, mask = rule.target["set-xmark"].partition("/")
                pkt.mark = (pkt.mark & ~int(mask or "0xffffffff", 16)) ^ int(value, 16)
            if self.verbose or pkt.mark != old:
                self.hop(where, "mark", f"mark {old:#x} → {pkt.mark:#x}", rule.raw)
            return None
        if jump == "MASQUERADE":
            before = pkt.src
            node = self.p.node_ips[0] if self.p.node_ips else before
            pkt.src = node
            self.hop(where, "masquerade", f"source {before} → {node} (SNAT to the node's "
                     "address)", rule.raw)
            return "ACCEPT"
        if not self.p._has_chain(table, jump):
            self.hop(where, "match", f"jump to missing chain {jump}: continue", rule.raw)
            return None
        # a jump into a user chain
        detail = f"{label} → {jump}"
        if jump == KUBE_MARK_MASQ:
            detail = f"{label} → {jump} (mark for masquerade)"
        self.hop(where, "jump", detail, rule.raw)
        mark_before = len(self.hops)
        state_before = (pkt.src, pkt.dst, pkt.dport, pkt.mark)
        verdict = self.run(table, jump, depth + 1)
        if (verdict is None and not self.verbose and len(self.hops) == mark_before
                and state_before == (pkt.src, pkt.dst, pkt.dport, pkt.mark)):
            self.hops.pop()  # entered a chain that did nothing: leave it out
        return verdict

    def finish(self, verdict: str) -> list[Hop]:
        src, dst = self._addr()
        if verdict == "REJECT":
            self.hops.append(Hop("kernel", "netfilter", "reject",
                                 "ICMP port unreachable: the client sees "
                                 f"'connection refused'{self._why()}", src=src, dst=dst))
        elif verdict == "DROP":
            self.hops.append(Hop("kernel", "netfilter", "drop",
                                 f"packet dropped: the client times out{self._why()}",
                                 src=src, dst=dst))
        else:
            how = "this node" if self.p._is_local(self.pkt.dst) else "the pod network"
            self.hops.append(Hop("kernel", "routing", "deliver",
                                 f"to {dst} via {how} (source {src})", src=src, dst=dst))
        return self.hops

    def _why(self) -> str:
        return f" ({self.reason})" if self.reason else ""
