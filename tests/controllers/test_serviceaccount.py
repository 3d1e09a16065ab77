"""The service account controller: a ``default`` ServiceAccount in every active namespace."""

from __future__ import annotations

import pytest

from k8s_internals.client.client import ApiError, Client
from k8s_internals.controllers.serviceaccount import ServiceAccountsController
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import exists, namespace, pod, start


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_namespace_gets_a_default_service_account(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, ServiceAccountsController)
    admin.create("namespaces", namespace("team-a"))
    kernel.run_for(1)
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease", "team-a"):
        assert exists(admin, "serviceaccounts", "default", ns), ns


def test_a_new_namespace_is_usable_once_its_account_exists(admin: Client,
                                                          kernel: Kernel) -> None:
    admin.create("namespaces", namespace("team-b"))
    with pytest.raises(ApiError) as err:  # the ServiceAccount admission plugin refuses it
        admin.create("pods", pod("web", "team-b"))
    assert err.value.code == 403
    start(admin, kernel, ServiceAccountsController)
    assert admin.create("pods", pod("web", "team-b"))["spec"]["serviceAccountName"] == "default"


@pytest.mark.parametrize("how", ["delete", "delete-twice"])
def test_a_deleted_default_account_is_recreated(admin: Client, kernel: Kernel, how: str) -> None:
    (ctrl,) = start(admin, kernel, ServiceAccountsController)
    first = admin.get("serviceaccounts", "default", "default")["metadata"]["uid"]
    for _ in range(2 if how == "delete-twice" else 1):
        admin.delete("serviceaccounts", "default", "default")
        kernel.run_for(0.1)
    again = admin.get("serviceaccounts", "default", "default")
    assert again["metadata"]["uid"] != first
    assert ctrl.errors == []


def test_extra_accounts_can_be_ensured(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, ServiceAccountsController, service_accounts=("default", "builder"))
    assert exists(admin, "serviceaccounts", "builder", "kube-system")
