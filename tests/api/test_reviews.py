"""Reviews answered from the requester's identity: ``SelfSubjectReview`` (``kubectl auth
whoami``, ``pkg/registry/authentication/selfsubjectreview/rest.go``)."""

from __future__ import annotations

import pytest

from k8s_internals.api.resources import lookup
from k8s_internals.client.client import ApiError, Client

SSR = lookup("authentication.k8s.io", "selfsubjectreviews")
assert SSR is not None

BODY = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview", "metadata": {}}


def test_self_subject_review_answers_who_is_asking(admin: Client, alice: Client) -> None:
    out = alice.create(SSR, BODY)
    assert out == {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                   "metadata": {"creationTimestamp": "2025-01-01T00:00:00Z"},
                   "status": {"userInfo": {"username": "alice", "uid": "alice-uid",
                                           "groups": ["developers", "system:authenticated"]}}}
    assert admin.create(SSR, BODY)["status"]["userInfo"]["username"] == "kubernetes-admin"


def test_self_subject_review_is_create_only(admin: Client) -> None:
    with pytest.raises(ApiError) as err:
        admin.list(SSR)
    assert err.value.code == 405


def test_self_subject_review_is_not_stored(admin: Client, api: object) -> None:
    admin.create(SSR, BODY)
    assert "selfsubjectreviews" not in api.etcdctl(  # type: ignore[attr-defined]
        "get /registry --prefix --keys-only")
