"""Client certificates: the subject's CN is the user name, its O values are the groups.

Upstream: ``staging/src/k8s.io/apiserver/pkg/authentication/request/x509/x509.go``
(``Authenticator`` with ``CommonNameUserConversion``), enabled by ``--client-ca-file``. This is
how kubeadm's ``admin.conf`` logs kubectl in: a certificate with ``CN=kubernetes-admin`` and
``O=kubeadm:cluster-admins`` (``O=system:masters`` before 1.29 and in ``super-admin.conf``), and
how kubelets (``CN=system:node:<name>, O=system:nodes``), the scheduler
(``CN=system:kube-scheduler``) and the controller manager authenticate.

- no peer certificate → "not mine" (``None``);
- an empty CN → "not mine" (``CommonNameUserConversion`` returns not ok);
- otherwise the user is ``UserInfo(name=CN, groups=O...)`` with no UID.

Chain verification against the client CA happens in the TLS layer of the HTTPS front here (it
hands over only a verified certificate, as :class:`~k8s_internals.api.authn.request.
ClientCertificate`); in-process clients hand one over directly. When the authenticator has a
clock, it also checks the certificate's validity window on virtual time, failing like Go's
``x509.Verify`` inside upstream's ``verifying certificate SN=..., SKID=..., AKID=... failed:``
wrapper. Upstream's newer optional UID from a custom certificate extension is not modelled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography import x509 as cx509
from cryptography.x509.oid import NameOID

from ..user import UserInfo
from .errors import AuthenticationError
from .request import AuthRequest, AuthResult, ClientCertificate

__all__ = [
    "ClientCertificate",
    "X509Authenticator",
    "certificate_identifier",
    "client_certificate_from_pem",
    "client_certificate_from_x509",
]


def client_certificate_from_x509(cert: cx509.Certificate) -> ClientCertificate:
    """What authentication reads from a real certificate (e.g. the HTTPS front's peer cert)."""
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    orgs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    skid = akid = b""
    with contextlib.suppress(cx509.ExtensionNotFound):
        skid = cert.extensions.get_extension_for_class(cx509.SubjectKeyIdentifier).value.digest
    with contextlib.suppress(cx509.ExtensionNotFound):
        akid = cert.extensions.get_extension_for_class(
            cx509.AuthorityKeyIdentifier).value.key_identifier or b""
    return ClientCertificate(
        common_name=str(cns[0].value) if cns else "",
        organizations=tuple(str(o.value) for o in orgs),
        serial_number=cert.serial_number,
        subject_key_id=skid,
        authority_key_id=akid,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def client_certificate_from_pem(data: bytes) -> ClientCertificate:
    """:func:`client_certificate_from_x509` of a PEM certificate."""
    return client_certificate_from_x509(cx509.load_pem_x509_certificate(data))


def _column_separated_hex(data: bytes) -> str:
    """``columnSeparatedHex``: ``AB:CD:EF``."""
    return ":".join(f"{b:02X}" for b in data)


def certificate_identifier(cert: ClientCertificate) -> str:
    """``certificateIdentifier``: ``SN=<serial>, SKID=<hex>, AKID=<hex>``."""
    return (f"SN={cert.serial_number}, SKID={_column_separated_hex(cert.subject_key_id)}, "
            f"AKID={_column_separated_hex(cert.authority_key_id)}")


def _rfc3339(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class X509Authenticator:
    """``x509.New(verifyOptions, CommonNameUserConversion)``."""

    name = "x509"

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        cert = req.client_certificate
        if cert is None:
            return None
        self._verify(cert)
        if not cert.common_name:
            return None
        user = UserInfo(cert.common_name, groups=tuple(cert.organizations))
        return AuthResult(user, self.name)

    def _verify(self, cert: ClientCertificate) -> None:
        """The validity-window part of ``x509.Verify`` (``CertificateInvalidError{Expired}``)."""
        if self.clock is None:
            return
        now = self.clock()
        detail = ""
        if cert.not_before is not None and now < cert.not_before:
            detail = f"current time {_rfc3339(now)} is before {_rfc3339(cert.not_before)}"
        elif cert.not_after is not None and now > cert.not_after:
            detail = f"current time {_rfc3339(now)} is after {_rfc3339(cert.not_after)}"
        if detail:
            raise AuthenticationError(
                f"verifying certificate {certificate_identifier(cert)} failed: "
                f"x509: certificate has expired or is not yet valid: {detail}", self.name)
