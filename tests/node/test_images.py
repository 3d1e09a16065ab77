"""The simulated registry's images: references, pull errors, and what the programs do."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.node.images import (
    CatalogImage,
    ImageStore,
    lookup,
    parse_image_ref,
    pull_error,
    register_image,
    resolve_argv,
    resolve_program,
)
from k8s_internals.node.process import FileSystem, HttpRequest, Process
from k8s_internals.sim import Kernel


@pytest.mark.parametrize("ref, full", [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.27", "docker.io/library/nginx:1.27"),
    ("luksa/kubia", "docker.io/luksa/kubia:latest"),
    ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
    ("localhost:5000/app:v1", "localhost:5000/app:v1"),
    ("k8s.gcr.io/pause", "k8s.gcr.io/pause:latest"),
])
def test_references_are_normalised_like_the_runtime(ref: str, full: str) -> None:
    assert str(parse_image_ref(ref)) == full


def test_a_bad_reference_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid reference format"):
        parse_image_ref("Nginx")


def test_tags_of_the_same_content_share_digest_and_id() -> None:
    a, b = lookup("nginx"), lookup("nginx:1.27")
    assert a is b and a is not None
    assert a.repo_digest.startswith("docker.io/library/nginx@sha256:")
    assert lookup("nginx:1.26") is not a
    assert lookup(a.repo_digest) is a


def test_pull_errors_use_containerds_texts() -> None:
    assert str(pull_error("nginx:nope")) == (
        'rpc error: code = NotFound desc = failed to pull and unpack image '
        '"docker.io/library/nginx:nope": failed to resolve reference '
        '"docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found')
    assert "pull access denied, repository does not exist or may require authorization" in \
        str(pull_error("nosuchuser/app"))
    assert str(pull_error("registry.k8s.io/nope:1")).endswith("registry.k8s.io/nope:1: not found")


def test_command_and_args_combine_with_entrypoint_and_cmd() -> None:
    nginx = lookup("nginx")
    assert resolve_argv(nginx, None, None) == ["/docker-entrypoint.sh", "nginx", "-g",
                                              "daemon off;"]
    assert resolve_argv(nginx, None, ["nginx-debug"]) == ["/docker-entrypoint.sh",
                                                          "nginx-debug"]
    assert resolve_argv(nginx, ["sleep"], None) == ["sleep"]
    assert resolve_argv(nginx, ["sleep"], ["5"]) == ["sleep", "5"]


def test_a_command_missing_from_the_image_cannot_run() -> None:
    program, error = resolve_program(lookup("registry.k8s.io/kube-apiserver:v1.32.0"),
                                     ["sh", "-c", "true"])
    assert program is None
    assert error == 'exec: "sh": executable file not found in $PATH'


def _run(image_ref: str, argv: list[str] | None = None, env: dict[str, str] | None = None,
         until: float = 5.0) -> tuple[Process, list[str], Kernel]:
    kernel = Kernel(seed=1)
    image = lookup(image_ref)
    assert image is not None
    argv = argv or resolve_argv(image, None, None)
    lines: list[str] = []
    proc = Process(kernel, argv=argv, env=dict(env or {}), hostname="web",
                   fs=FileSystem(dict(image.files)), image=image, ip="10.244.1.2",
                   log=lambda stream, line: lines.append(line))
    program, error = resolve_program(image, argv)
    assert program is not None, error
    proc.start(program)
    kernel.run(until=until)
    return proc, lines, kernel


def test_nginx_serves_its_default_page_and_logs_the_access() -> None:
    proc, lines, _ = _run("nginx:1.27")
    assert lines[-1] == "2025/01/01 00:00:00 [notice] 1#1: start worker process 29"
    resp = proc.http(80, HttpRequest("GET", "/", {"User-Agent": "curl/8.5.0"}, "10.244.2.3"))
    assert resp.status == 200 and "<title>Welcome to nginx!</title>" in resp.body
    assert len(resp.body.encode()) == 615
    assert lines[-1].startswith('10.244.2.3 - - [01/Jan/2025:00:00:05 +0000] "GET / HTTP/1.1" '
                                '200 615 "-" "curl/8.5.0"')
    assert proc.http(80, HttpRequest("GET", "/missing")).status == 404


def test_nginx_stops_gracefully_on_sigquit() -> None:
    proc, lines, _ = _run("nginx")
    proc.signal("SIGQUIT")
    assert proc.exit_code == 0
    assert "signal 3 (SIGQUIT) received, shutting down" in "\n".join(lines)


def test_kubia_answers_with_its_hostname() -> None:
    proc, lines, _ = _run("luksa/kubia")
    assert lines == ["Kubia server starting..."]
    assert proc.http(8080, HttpRequest(remote_addr="10.244.1.1")).body == "You've hit web\n"
    assert lines[-1] == "Received request from ::ffff:10.244.1.1"


def test_kubia_v3_and_unhealthy_fail_after_their_fifth_request() -> None:
    v3, _, _ = _run("luksa/kubia:v3")
    answers = [v3.http(8080, HttpRequest()).status for _ in range(6)]
    assert answers == [200, 200, 200, 200, 500, 500]
    bad, _, _ = _run("luksa/kubia-unhealthy")
    answers = [bad.http(8080, HttpRequest()).status for _ in range(7)]
    assert answers == [200] * 5 + [500, 500]
    assert bad.http(8080, HttpRequest()).body == "I'm not well. Please restart me!"


def test_node_as_pid_1_ignores_sigterm() -> None:
    proc, _, _ = _run("luksa/kubia")
    proc.signal("SIGTERM")
    assert proc.exit_code is None and proc.ignored_signals == ["SIGTERM"]
    proc.signal("SIGKILL")
    assert proc.exit_code == 137


def test_crashloop_honours_its_environment() -> None:
    proc, lines, kernel = _run("k8s-internals/crashloop", env={"CRASH_AFTER": "3",
                                                               "EXIT_CODE": "2"}, until=2.0)
    assert proc.exit_code is None
    kernel.run(until=3.5)
    assert proc.exit_code == 2
    assert lines == ["Starting app...",
                     "Error: cannot connect to database at db:5432: connection refused"]


def test_control_plane_images_answer_their_health_checks() -> None:
    for ref, port, path, body in (
            ("registry.k8s.io/kube-apiserver:v1.32.0", 6443, "/livez", "ok"),
            ("registry.k8s.io/etcd:3.5.16-0", 2381, "/health", '{"health":"true","reason":""}'),
            ("registry.k8s.io/kube-scheduler:v1.32.0", 10259, "/healthz", "ok"),
            ("registry.k8s.io/kube-controller-manager:v1.32.0", 10257, "/healthz", "ok")):
        image = lookup(ref)
        assert image is not None
        name = next(iter(image.programs))
        proc, _, _ = _run(ref, argv=[name])
        assert proc.http(port, HttpRequest("GET", path)).body == body
        proc.signal("SIGTERM")
        assert proc.exit_code == 0


def test_the_node_image_store_lists_largest_first_and_moves_tags() -> None:
    store = ImageStore()
    store.add("busybox")
    store.add("nginx:1.27")
    store.add("myapp:1.0", "60Mi")
    assert [s.size for s in store.list()] == [72_080_558, 62_914_560, 2_155_124]
    nginx = store.get("docker.io/library/nginx:1.27")
    assert nginx is not None and nginx.repo_tags == ["docker.io/library/nginx:1.27"]
    store.add("nginx")  # the same content under a second tag
    assert store.get("nginx") is nginx
    assert nginx.repo_tags == ["docker.io/library/nginx:1.27", "docker.io/library/nginx:latest"]


def test_learners_can_register_images() -> None:
    def hello(proc: Process) -> Any:
        proc.stdout("hello from my image\n")
        return 0
        yield  # pragma: no cover

    image = register_image(CatalogImage("docker.io/learner/hello", ("v1",), 1_000_000,
                                        entrypoint=("/hello",), programs={"hello": hello}))
    try:
        assert lookup("learner/hello:v1") is image
        proc, lines, _ = _run("learner/hello:v1")
        assert lines == ["hello from my image"] and proc.exit_code == 0
    finally:
        from k8s_internals.node.images import CATALOGUE

        CATALOGUE.remove(image)
