"""The HTTPS front: the Kubernetes REST API over TLS, for the real kubectl and other clients.

- :mod:`.routing` — URL + method → ``RequestInfo`` (upstream's ``requestinfo.go``);
- :mod:`.negotiation` — ``Accept`` → JSON / YAML, ``Table``, ``PartialObjectMetadata``,
  aggregated discovery;
- :mod:`.discovery` — ``/api``, ``/apis``, ``/api/v1``, ``/apis/<g>/<v>`` (legacy and
  ``apidiscovery.k8s.io/v2``);
- :mod:`.server` — the threaded HTTPS server, watches, health, OpenAPI, :func:`serve_api`;
- :mod:`.exec` — ``pods/exec`` and ``pods/attach`` (``kubectl exec``, ``attach``) over
  :mod:`.websocket` (RFC 6455 and the ``v5.channel.k8s.io`` channels);
- :mod:`.portforward` — ``pods/portforward`` (``kubectl port-forward``) over :mod:`.spdy`
  (SPDY/3.1, tunnelled in a WebSocket or bare);
- :mod:`.tls` — CA, serving and client certificates made at start;
- :mod:`.kubeconfig` — identities (tokens, certificates), kubeconfigs, the token file and the
  viewer's ClusterRoleBinding.

Serving one API server for a test or a notebook::

    from k8s_internals.api.http import serve_api
    driver = RealTimeDriver(kernel); driver.start()        # the kernel on the wall clock
    httpd, url = serve_api(api, driver)                    # https://127.0.0.1:<free port>
    write_kubeconfig(path, url, httpd.ca_pem, identities)  # identities' tokens in the config
    ...
    httpd.stop(); driver.stop()

``k8s-internals serve`` (the whole cluster) is the same with the cluster's parts (the cluster
must be built on a kernel whose epoch is "now", or its first objects look ~a year old)::

    cluster = Cluster(nodes=3, seed=0)                     # settles in virtual time
    driver = RealTimeDriver(cluster.kernel); driver.start()
    viewer = Identity("viewer", "viewer", (), secrets.token_urlsafe(24))
    driver.call(add_tokens, cluster.api, token_entries([viewer]))
    driver.call(ensure_viewer_binding, cluster.api)
    httpd, url = serve_api(cluster.api, driver, port=6443, host="127.0.0.1")
    ids = identities_from_tokens(cluster.tokens) + [viewer]
    write_all(state_dir, url, httpd.ca_pem, ids)           # kubeconfig, <name>.kubeconfig,
    print(f"export KUBECONFIG={state_dir}/kubeconfig")     # tokens.csv, ca.crt
    ...                                                    # until SIGINT / SIGTERM
    httpd.stop(); driver.stop(); cluster.close()
"""

from __future__ import annotations

from .server import (
    CAUSE_HEADER,
    PARENT_HEADER,
    PUBLIC_INFO_PATHS,
    VERSION_INFO,
    APIHTTPServer,
    enable_client_certificates,
    limit_anonymous,
    serve_api,
)

__all__ = [
    "CAUSE_HEADER",
    "PARENT_HEADER",
    "PUBLIC_INFO_PATHS",
    "VERSION_INFO",
    "APIHTTPServer",
    "enable_client_certificates",
    "limit_anonymous",
    "serve_api",
    "stop",
]


def stop(httpd: APIHTTPServer) -> None:
    """Stop a server :func:`serve_api` started: no new connections, watches ended, open
    connections closed."""
    httpd.stop()
