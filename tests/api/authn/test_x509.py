"""Client certificates: CN → user, O → groups (x509.go CommonNameUserConversion)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from k8s_internals.api.authn.errors import AuthenticationError
from k8s_internals.api.authn.request import AuthRequest, ClientCertificate
from k8s_internals.api.authn.x509 import (
    X509Authenticator,
    certificate_identifier,
    client_certificate_from_pem,
    client_certificate_from_x509,
)
from k8s_internals.api.user import UserInfo
from k8s_internals.sim import Kernel


def test_subject_to_user() -> None:
    cert = ClientCertificate("system:node:node-1", ("system:nodes",))
    result = X509Authenticator().authenticate(AuthRequest(credential=cert))
    assert result is not None
    assert result.user == UserInfo("system:node:node-1", groups=("system:nodes",))
    assert result.authenticator == "x509"
    assert result.audiences == ()


def test_no_certificate_is_not_mine() -> None:
    assert X509Authenticator().authenticate(AuthRequest()) is None


def test_empty_common_name_is_not_mine() -> None:
    r = AuthRequest(credential=ClientCertificate("", ("system:masters",)))
    assert X509Authenticator().authenticate(r) is None


def test_validity_window_on_the_virtual_clock() -> None:
    kernel = Kernel()  # 2025-01-01T00:00:00Z
    cert = ClientCertificate(
        "kubernetes-admin", ("kubeadm:cluster-admins",), serial_number=4242,
        subject_key_id=bytes([0xAB, 0x01]), authority_key_id=bytes([0x0F]),
        not_before=datetime(2024, 12, 31, tzinfo=UTC),
        not_after=datetime(2025, 1, 1, 1, 0, tzinfo=UTC))
    auth = X509Authenticator(clock=kernel.datetime)
    assert auth.authenticate(AuthRequest(credential=cert)) is not None
    kernel.run_for(3601)
    with pytest.raises(AuthenticationError) as exc:
        auth.authenticate(AuthRequest(credential=cert))
    assert exc.value.reason == (
        "verifying certificate SN=4242, SKID=AB:01, AKID=0F failed: x509: certificate has "
        "expired or is not yet valid: current time 2025-01-01T01:00:01Z is after "
        "2025-01-01T01:00:00Z")
    early = ClientCertificate("x", not_before=datetime(2025, 6, 1, tzinfo=UTC))
    with pytest.raises(AuthenticationError, match=r"is before 2025-06-01T00:00:00Z$"):
        auth.authenticate(AuthRequest(credential=early))


def test_from_a_real_certificate() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dev"),
        x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes-admin"),
    ])
    start = datetime(2025, 1, 1, tzinfo=UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(start).not_valid_after(start + timedelta(days=365))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    client = client_certificate_from_x509(cert)
    assert client.common_name == "kubernetes-admin"
    assert client.organizations == ("system:masters", "dev")
    assert client.serial_number == 7
    assert client.not_after == start + timedelta(days=365)
    assert certificate_identifier(client).startswith("SN=7, SKID=")
    assert certificate_identifier(client).endswith(", AKID=")
    from cryptography.hazmat.primitives.serialization import Encoding
    assert client_certificate_from_pem(cert.public_bytes(Encoding.PEM)) == client
    result = X509Authenticator().authenticate(AuthRequest(credential=client))
    assert result is not None
    assert result.user == UserInfo("kubernetes-admin", groups=("system:masters", "dev"))
