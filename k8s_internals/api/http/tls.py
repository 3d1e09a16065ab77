"""The certificates ``serve`` needs, made at start with ``cryptography``.

What kubeadm makes for a cluster (``cmd/kubeadm/app/phases/certs``), reduced to what a local
API server needs:

- a self-signed CA (``CN=kubernetes``, like kubeadm's ``ca.crt``), valid 10 years;
- the serving certificate ``CN=kube-apiserver`` with the subject alternative names kubeadm puts
  on ``apiserver.crt``: ``kubernetes``, ``kubernetes.default``, ``kubernetes.default.svc``,
  ``kubernetes.default.svc.cluster.local``, ``localhost``, the service IP ``10.96.0.1`` and
  ``127.0.0.1`` (plus any extra names given), valid one year;
- client certificates: the subject's ``CN`` is the user and its ``O`` values the groups, read
  by the x509 authenticator (:mod:`k8s_internals.api.authn.x509`) — e.g. ``CN=kubernetes-admin,
  O=system:masters``, ``CN=system:node:node-1, O=system:nodes``.

Keys are ECDSA P-256 (kubeadm can use them too; they are fast to make). The private keys never
touch the disk here; :func:`server_ssl_context` writes the PEMs to a private temporary
directory only for the moment ``ssl`` loads them (Python's ``ssl`` loads keys from files).
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "DEFAULT_SANS",
    "CertificateAuthority",
    "KeyPair",
    "client_ssl_context",
    "new_ca",
    "peer_identity",
    "server_ssl_context",
]

#: the names kubeadm puts on the API server's serving certificate (service IP 10.96.0.1)
DEFAULT_SANS = ("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", "localhost", "127.0.0.1", "10.96.0.1")


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common_name: str, organizations: Iterable[str] = ()) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organizations]
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


class CertificateAuthority:
    """A CA that signs serving and client certificates."""

    def __init__(self, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        self.cert = cert
        self.key = key

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def _sign(self, subject: x509.Name, days: int,
              extensions: Sequence[tuple[x509.ExtensionType, bool]]) -> KeyPair:
        key = _key()
        now = datetime.now(UTC) - timedelta(minutes=5)
        builder = (x509.CertificateBuilder()
                   .subject_name(subject)
                   .issuer_name(self.cert.subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now)
                   .not_valid_after(now + timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                  False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.key.public_key()), False))
        for ext, critical in extensions:
            builder = builder.add_extension(ext, critical)
        cert = builder.sign(self.key, hashes.SHA256())
        return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))

    def serving_cert(self, names: Iterable[str] = DEFAULT_SANS, days: int = 365) -> KeyPair:
        """``apiserver.crt``: ``CN=kube-apiserver`` with DNS and IP SANs."""
        sans: list[x509.GeneralName] = []
        for n in dict.fromkeys(names):
            try:
                sans.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                sans.append(x509.DNSName(n))
        return self._sign(_name("kube-apiserver"), days, [
            (x509.KeyUsage(digital_signature=True, key_encipherment=True,
                           content_commitment=False, data_encipherment=False,
                           key_agreement=False, key_cert_sign=False, crl_sign=False,
                           encipher_only=False, decipher_only=False), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
            (x509.SubjectAlternativeName(sans), False),
        ])

    def client_cert(self, user: str, groups: Iterable[str] = (), days: int = 365) -> KeyPair:
        """A client certificate for ``user`` in ``groups`` (``CN`` / ``O``)."""
        return self._sign(_name(user, groups), days, [
            (x509.KeyUsage(digital_signature=True, key_encipherment=True,
                           content_commitment=False, data_encipherment=False,
                           key_agreement=False, key_cert_sign=False, crl_sign=False,
                           encipher_only=False, decipher_only=False), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
        ])


def new_ca(common_name: str = "kubernetes", days: int = 3650) -> CertificateAuthority:
    """A fresh self-signed CA (kubeadm's ``ca.crt``)."""
    key = _key()
    now = datetime.now(UTC) - timedelta(minutes=5)
    name = _name(common_name)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True,
                                         content_commitment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256()))
    return CertificateAuthority(cert, key)


def _load_chain(ctx: ssl.SSLContext, pair: KeyPair) -> None:
    with tempfile.TemporaryDirectory(prefix="k8s-internals-tls-") as d:
        os.chmod(d, 0o700)
        cert, key = os.path.join(d, "tls.crt"), os.path.join(d, "tls.key")
        with open(cert, "wb") as f:
            f.write(pair.cert_pem)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pair.key_pem)
        ctx.load_cert_chain(cert, key)


def server_ssl_context(serving: KeyPair, client_ca_pem: bytes | None = None) -> ssl.SSLContext:
    """The API server's TLS: TLS 1.2+, HTTP/1.1 by ALPN, client certificates optional and,
    when given, verified against ``client_ca_pem`` (``--client-ca-file``)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    _load_chain(ctx, serving)
    ctx.set_alpn_protocols(["http/1.1"])
    if client_ca_pem:
        ctx.load_verify_locations(cadata=client_ca_pem.decode())
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def client_ssl_context(ca_pem: bytes, client: KeyPair | None = None) -> ssl.SSLContext:
    """A client's TLS: trust ``ca_pem`` only; present ``client`` if given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=ca_pem.decode())
    ctx.set_alpn_protocols(["http/1.1"])
    if client is not None:
        _load_chain(ctx, client)
    return ctx


def peer_identity(sock: ssl.SSLSocket) -> tuple[str, tuple[str, ...]] | None:
    """The verified client certificate's ``(CN, (O, ...))`` (``getpeercert()`` returns a
    subject only for a certificate that verified against the client CA), or ``None``."""
    try:
        cert = sock.getpeercert()
    except (ValueError, OSError):
        return None
    if not cert:
        return None
    cn = ""
    orgs: list[str] = []
    subject: Any = cert.get("subject", ())
    for rdn in subject:
        for key, value in rdn:
            if key == "commonName":
                cn = value
            elif key == "organizationName":
                orgs.append(value)
    return cn, tuple(orgs)
