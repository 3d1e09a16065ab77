"""Fixtures for the authentication tests: a virtual clock, the seed-0 service-account key, a
dict-backed object getter standing in for the API server's registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from k8s_internals.api.authn.service_account import (
    ServiceAccountAuthenticator,
    SigningKey,
    TokenIssuer,
)
from k8s_internals.sim import Kernel


class Objects:
    """``getter(resource, namespace, name)`` over a dict, editable by the test."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], dict[str, Any]] = {}

    def put(self, resource: str, namespace: str, name: str, uid: str,
            deletion_timestamp: str | None = None) -> None:
        meta: dict[str, Any] = {"name": name, "uid": uid}
        if namespace:
            meta["namespace"] = namespace
        if deletion_timestamp:
            meta["deletionTimestamp"] = deletion_timestamp
        self.items[(resource, namespace, name)] = {"metadata": meta}

    def delete(self, resource: str, namespace: str, name: str) -> None:
        del self.items[(resource, namespace, name)]

    def __call__(self, resource: str, namespace: str, name: str) -> Mapping[str, Any] | None:
        return self.items.get((resource, namespace, name))


@pytest.fixture(scope="session")
def sa_key() -> SigningKey:
    return SigningKey.from_seed(0)


@pytest.fixture
def objects() -> Objects:
    objs = Objects()
    objs.put("serviceaccounts", "default", "default", "sa-uid-1")
    objs.put("pods", "default", "web-0", "pod-uid-1")
    objs.put("nodes", "", "node-1", "node-uid-1")
    objs.put("secrets", "default", "tok", "secret-uid-1")
    return objs


@pytest.fixture
def issuer(sa_key: SigningKey, kernel: Kernel) -> TokenIssuer:
    return TokenIssuer(sa_key, clock=kernel.datetime)


@pytest.fixture
def sa_auth(sa_key: SigningKey, kernel: Kernel, objects: Objects) -> ServiceAccountAuthenticator:
    return ServiceAccountAuthenticator([sa_key], getter=objects, clock=kernel.datetime)
