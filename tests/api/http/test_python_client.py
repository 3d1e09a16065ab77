"""The official Python client (``kubernetes`` on PyPI, the classic 32.x generation that matches
1.32) against the HTTPS front: it loads the written kubeconfig as any user would."""

from __future__ import annotations

import threading
import time

import pytest

from .conftest import Served

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402


@pytest.fixture(scope="module")
def api_client(served: Served) -> client.ApiClient:
    return config.new_client_from_config(config_file=str(served.kubeconfig))


def test_list_namespaces(api_client: client.ApiClient) -> None:
    names = [n.metadata.name for n in client.CoreV1Api(api_client).list_namespace().items]
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(names)
    assert client.VersionApi(api_client).get_code().minor == "32"


def test_create_a_configmap(api_client: client.ApiClient) -> None:
    v1 = client.CoreV1Api(api_client)
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="from-python"),
                              data={"lang": "python"})
    made = v1.create_namespaced_config_map("default", body)
    assert made.metadata.uid and made.data == {"lang": "python"}
    # the manager is the User-Agent's product ("OpenAPI-Generator/32.0.1/python")
    assert made.metadata.managed_fields[0].manager == "OpenAPI-Generator"
    assert made.metadata.managed_fields[0].operation == "Update"
    with pytest.raises(client.ApiException) as err:
        v1.create_namespaced_config_map("default", body)
    assert err.value.status == 409 and "already exists" in err.value.body
    apps = client.AppsV1Api(api_client)
    with pytest.raises(client.ApiException) as err:
        apps.read_namespaced_deployment("missing", "default")
    assert err.value.status == 404


def test_watch_with_timeout_seconds(api_client: client.ApiClient) -> None:
    v1 = client.CoreV1Api(api_client)
    rv = v1.list_namespaced_config_map("default").metadata.resource_version

    def later() -> None:
        time.sleep(0.3)
        v1.create_namespaced_config_map("default", {
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched-py"}})
        v1.patch_namespaced_config_map("watched-py", "default", {"data": {"x": "1"}})
        v1.delete_namespaced_config_map("watched-py", "default")

    t = threading.Thread(target=later)
    t.start()
    seen = []
    start = time.monotonic()
    for ev in watch.Watch().stream(v1.list_namespaced_config_map, "default",
                                   resource_version=rv, timeout_seconds=2):
        seen.append((ev["type"], ev["object"].metadata.name))
    t.join()
    assert 1.5 < time.monotonic() - start < 5
    assert seen == [("ADDED", "watched-py"), ("MODIFIED", "watched-py"),
                    ("DELETED", "watched-py")]
