"""Certificates and kubeconfigs (no server needed)."""

from __future__ import annotations

import base64
import ipaddress
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from k8s_internals.api.authn.x509 import client_certificate_from_pem
from k8s_internals.api.http.kubeconfig import (
    Identity,
    identities_from_tokens,
    standard_identities,
    token_entries,
    with_client_certs,
    write_all,
)
from k8s_internals.api.http.tls import DEFAULT_SANS, new_ca


def test_serving_certificate_names_and_usages() -> None:
    ca = new_ca()
    assert ca.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "kubernetes"
    cert = ca.serving_cert().certificate
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(sans.get_values_for_type(x509.DNSName)) == {
        "kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local", "localhost"}
    assert set(sans.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.96.0.1")}
    assert set(DEFAULT_SANS) >= {"127.0.0.1", "10.96.0.1"}
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert cert.issuer == ca.cert.subject


def test_client_certificates_carry_user_and_groups() -> None:
    pair = new_ca().client_cert("system:node:node-1", ["system:nodes"])
    ident = client_certificate_from_pem(pair.cert_pem)
    assert (ident.common_name, ident.organizations) == ("system:node:node-1",
                                                        ("system:nodes",))


def test_kubeconfig_files(tmp_path: Path) -> None:
    ca = new_ca()
    ids = standard_identities(["node-1"])
    assert [i.name for i in ids] == ["admin", "viewer", "kube-scheduler",
                                     "kube-controller-manager", "kube-proxy", "kubelet-node-1"]
    assert {e.user for e in token_entries(ids)} >= {"kubernetes-admin", "system:node:node-1"}
    ids = with_client_certs(ids[:1], ca) + ids[1:]
    files = write_all(tmp_path, "https://127.0.0.1:6443", ca.cert_pem, ids)
    cfg = yaml.safe_load(files["kubeconfig"].read_text())
    assert cfg["current-context"] == "admin@k8s-internals"
    assert cfg["clusters"] == [{"name": "k8s-internals", "cluster": {
        "certificate-authority-data": base64.b64encode(ca.cert_pem).decode(),
        "server": "https://127.0.0.1:6443"}}]
    users = {u["name"]: u["user"] for u in cfg["users"]}
    assert users["admin"] == {"token": ids[0].token}
    assert set(users["admin-cert"]) == {"client-certificate-data", "client-key-data"}
    assert files["kubeconfig"].stat().st_mode & 0o777 == 0o600
    sched = yaml.safe_load(files["kube-scheduler"].read_text())
    assert sched["current-context"] == "kube-scheduler@k8s-internals"
    lines = files["tokens.csv"].read_text().splitlines()
    assert lines[0] == f'{ids[0].token},kubernetes-admin,,"system:masters"'
    assert f"{ids[1].token},viewer," in lines
    assert files["ca.crt"].read_bytes() == ca.cert_pem


def test_identities_from_a_clusters_tokens() -> None:
    from k8s_internals.api.authn.token_file import TokenEntry

    ids = identities_from_tokens({"admin": TokenEntry("t1", "kubernetes-admin", "",
                                                      ("system:masters",)),
                                  "node/node-1": TokenEntry("t2", "system:node:node-1", "",
                                                            ("system:nodes",))})
    assert ids == [Identity("admin", "kubernetes-admin", ("system:masters",), "t1"),
                   Identity("node-node-1", "system:node:node-1", ("system:nodes",), "t2")]
