"""The images the simulated registry serves, and what their programs do.

An image here is what a real one is to Kubernetes: a name with tags, a size (pulling takes
``size / bandwidth`` virtual seconds), an ``ENTRYPOINT``/``CMD``, environment, files, and the
programs it contains. What a container *does* follows from its image and the pod's
``command``/``args``/``env``/ports, exactly as on a real node — there are no hidden switches:

============================  ==================================================================
``nginx`` (``:1.27``, ...)    serves ``/usr/share/nginx/html`` on port 80 (the default "Welcome
                              to nginx!" page, 615 bytes), access log on stdout; stops
                              gracefully on ``SIGQUIT`` (its ``STOPSIGNAL``)
``luksa/kubia`` (``v1..v3``)  the app of *Kubernetes in Action* (the seed's example): on 8080,
                              ``You've hit <hostname>``; ``v2`` and ``v3`` as in the book (v3
                              fails from its fifth request); ``node`` as PID 1 ignores SIGTERM
``luksa/kubia-unhealthy``     answers 500 after its fifth request (the liveness-probe demo)
``luksa/fortune``             writes a fortune to ``/var/htdocs/index.html`` every 10 s
``busybox``                   runs its command: ``sleep``, ``echo``, ``sh -c "..."`` (see
                              :mod:`k8s_internals.node.shell`), ``wget``, ``nslookup``...
``registry.k8s.io/pause``     the sandbox's infra container: waits, exits on SIGTERM
``k8s-internals/crashloop``   prints a line, then exits 1 after ``$CRASH_AFTER`` s (default 1)
control-plane images          ``etcd``, ``kube-apiserver``, ``kube-controller-manager``,
                              ``kube-scheduler``, ``kube-proxy``, ``coredns``: health endpoints
                              on their upstream ports, klog-style start-up lines
============================  ==================================================================

A reference is normalised as the container runtime does (``ParseNormalizedNamed``): ``nginx`` is
``docker.io/library/nginx:latest``. An unknown reference fails to pull with containerd's texts
(``... not found`` for an unknown tag, ``pull access denied ...`` for an unknown Docker Hub
repository). Learners can add images with :func:`register_image`.

Sizes are the compressed sizes containerd reports (``crictl images``, ``node.status.images``);
digests are derived deterministically from the name so that every run prints the same ids.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .process import HttpRequest, HttpResponse, Process, Program
from .shell import APPLETS, COREUTILS, run_applet, sh_program

__all__ = [
    "CATALOGUE",
    "CatalogImage",
    "ImageRef",
    "ImageStore",
    "PullError",
    "lookup",
    "parse_image_ref",
    "pull_error",
    "register_image",
    "resolve_argv",
    "resolve_program",
]

DOCKER_HUB = "docker.io"
PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
KUBERNETES_VERSION = "v1.32.0"
ETCD_VERSION = "3.5.16-0"
COREDNS_VERSION = "v1.11.3"

Gen = Generator[Any, Any, int | None]


# --------------------------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    """A normalised image reference (``docker.io/library/nginx:1.27``)."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag or 'latest'}"


_PATH = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
_REF = re.compile(r"^(?:(?P<domain>[a-zA-Z0-9.-]+(?::[0-9]+)?)/)?(?P<path>" + _PATH + r")"
                  r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$")


def parse_image_ref(ref: str) -> ImageRef:
    """``reference.ParseNormalizedNamed`` + the default ``latest`` tag (raises ValueError with
    upstream's ``invalid reference format`` for a bad reference)."""
    m = _REF.match(ref)
    if not m:
        raise ValueError("invalid reference format" if ref == ref.lower() else
                         "invalid reference format: repository name must be lowercase")
    domain, path = m.group("domain"), m.group("path")
    if domain is not None and not ("." in domain or ":" in domain or domain == "localhost"):
        if domain != domain.lower():
            raise ValueError("invalid reference format: repository name must be lowercase")
        domain, path = None, f"{domain}/{path}"
    if domain is None:
        domain = DOCKER_HUB
    if domain == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    tag = m.group("tag") or ("" if m.group("digest") else "latest")
    return ImageRef(domain, path, tag, m.group("digest") or "")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# the catalogue
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CatalogImage:
    """One image (one content, possibly under several tags) the registry serves."""

    repository: str
    tags: tuple[str, ...]
    size: int
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = (("PATH",
                                         "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                         "/sbin:/bin"),)
    programs: Mapping[str, Program] = field(default_factory=dict)
    applets: frozenset[str] = frozenset()
    files: Mapping[str, str] = field(default_factory=dict)
    stop_signal: str = "SIGTERM"
    exposed_ports: tuple[int, ...] = ()
    description: str = ""

    @property
    def digest(self) -> str:
        """The manifest digest (``RepoDigests``)."""
        return "sha256:" + _sha(f"manifest {self.repository}:{self.tags[0]}")

    @property
    def id(self) -> str:
        """The image id (the config digest, ``crictl images`` IMAGE ID)."""
        return "sha256:" + _sha(f"config {self.repository}:{self.tags[0]}")

    @property
    def repo_digest(self) -> str:
        return f"{self.repository}@{self.digest}"

    def ref(self, tag: str | None = None) -> str:
        return f"{self.repository}:{tag or self.tags[0]}"


CATALOGUE: list[CatalogImage] = []
"""Every image the simulated registries serve (append with :func:`register_image`)."""


def register_image(image: CatalogImage) -> CatalogImage:
    """Add (or replace, by repository and tag) an image in the catalogue."""
    for old in list(CATALOGUE):
        if old.repository == image.repository and set(old.tags) & set(image.tags):
            CATALOGUE.remove(old)
    CATALOGUE.append(image)
    return image


def lookup(ref: str | ImageRef) -> CatalogImage | None:
    """The catalogue image a reference names (by tag or by digest), or None."""
    r = parse_image_ref(ref) if isinstance(ref, str) else ref
    for image in CATALOGUE:
        if image.repository != r.repository:
            continue
        if r.digest and image.digest == r.digest:
            return image
        if not r.digest and r.tag in image.tags:
            return image
    return None


class PullError(Exception):
    """What containerd's ``PullImage`` answers for an image it cannot pull."""

    def __init__(self, message: str, code: str = "NotFound") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"rpc error: code = {self.code} desc = {self.message}"


def pull_error(ref: str) -> PullError:
    """The error pulling ``ref`` gives when the registry does not have it."""
    try:
        r = parse_image_ref(ref)
    except ValueError as exc:
        return PullError(f"failed to pull and unpack image \"{ref}\": {exc}", "Unknown")
    full = str(r)
    known_repo = any(i.repository == r.repository for i in CATALOGUE)
    if r.domain == DOCKER_HUB and not known_repo:
        return PullError(
            f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": '
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope: authorization failed", "Unknown")
    return PullError(f'failed to pull and unpack image "{full}": failed to resolve reference '
                     f'"{full}": {full}: not found')


# --------------------------------------------------------------------------------------------
# resolving what a container runs
# --------------------------------------------------------------------------------------------


def resolve_argv(image: CatalogImage | None, command: list[str] | None,
                 args: list[str] | None) -> list[str]:
    """How the runtime combines the pod's ``command``/``args`` with the image's
    ``ENTRYPOINT``/``CMD`` (the table in the Kubernetes docs "Define a command and arguments"):
    ``command`` replaces the entrypoint (and drops ``CMD``), ``args`` replaces ``CMD``."""
    entry = list(image.entrypoint) if image else []
    cmd = list(image.cmd) if image else []
    if command:
        return list(command) + list(args or [])
    if args:
        return entry + list(args)
    return entry + cmd


def _start_error(name: str) -> str:
    if "/" in name:
        return (f"exec: \"{name}\": stat {name}: no such file or directory")
    return f'exec: "{name}": executable file not found in $PATH'


def resolve_program(image: CatalogImage | None, argv: list[str]) -> tuple[Program | None, str]:
    """The program ``argv[0]`` names in ``image``, or ``(None, error text)``."""
    if not argv:
        return None, "no command specified"
    base = posixpath.basename(argv[0])
    if image is None:
        return _generic_program, ""
    if base in image.programs:
        return image.programs[base], ""
    if base in image.applets:
        if base in ("sh", "ash", "bash"):
            return sh_program, ""
        return _applet_program, ""
    script = image.files.get(argv[0]) if argv[0].startswith("/") else None
    if script is not None and script.startswith("#!") and "sh" in image.applets:
        return _script_program, ""  # a shell script of the image (``#!/bin/sh``)
    if base == argv[0] or argv[0].startswith("/"):
        return None, _start_error(argv[0])
    return None, _start_error(argv[0])


def _script_program(proc: Process) -> Gen:
    """Run the image's script ``argv[0]`` with its shell, as the kernel does for ``#!``."""
    proc.argv = ["/bin/sh", *proc.argv]
    code = yield from sh_program(proc)
    return code


def _applet_program(proc: Process) -> Gen:
    code = yield from run_applet(proc, proc.argv)
    return code


def _generic_program(proc: Process) -> Gen:
    """An image the simulator knows nothing about (preloaded by name only): it runs quietly
    until stopped, ignoring SIGTERM like any PID 1 without a handler."""
    yield proc.forever()
    return 0


# --------------------------------------------------------------------------------------------
# programs
# --------------------------------------------------------------------------------------------

NGINX_INDEX = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

_NGINX_ENTRYPOINT_LINES = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of "
    "/etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
    "/etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)


def _nginx_time(proc: Process) -> str:
    return proc.kernel.datetime().strftime("%Y/%m/%d %H:%M:%S")


def _clf_time(proc: Process) -> str:
    return proc.kernel.datetime().strftime("%d/%b/%Y:%H:%M:%S +0000")


def _nginx(version: str, gcc: str) -> Program:
    def nginx(proc: Process) -> Gen:
        args = proc.argv[1:]
        if args and args[0] in ("-v", "-V"):
            proc.stderr(f"nginx version: nginx/{version}\n")
            return 0
        if args and args[0] == "-t":
            proc.stderr("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                        "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")
            return 0
        t = _nginx_time(proc)
        for line in ('using the "epoll" event method', f"nginx/{version}", f"built by {gcc}",
                     "OS: Linux 6.8.0-51-generic", "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
                     "start worker processes", "start worker process 29"):
            proc.stderr(f"{t} [notice] 1#1: {line}\n")
        root = "/usr/share/nginx/html"

        def serve(req: HttpRequest) -> HttpResponse:
            path = req.path.split("?", 1)[0]
            target = posixpath.normpath(root + path)
            if proc.fs.isdir(target):
                target = posixpath.join(target, "index.html")
            try:
                body, status = proc.fs.read(target), 200
            except (FileNotFoundError, IsADirectoryError):
                status = 404
                body = ("<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
                        "<center><h1>404 Not Found</h1></center>\n"
                        f"<hr><center>nginx/{version}</center>\n</body>\n</html>\n")
                proc.stderr(f"{_nginx_time(proc)} [error] 29#29: *1 open() \"{target}\" failed "
                            f"(2: No such file or directory), client: {req.remote_addr}, server: "
                            f"localhost, request: \"{req.method} {req.path} HTTP/1.1\", host: "
                            f"\"{req.host or proc.ip}\"\n")
            ua = req.headers.get("User-Agent", "-")
            proc.stdout(f'{req.remote_addr} - - [{_clf_time(proc)}] "{req.method} {req.path} '
                        f'HTTP/1.1" {status} {len(body.encode())} "-" "{ua}" "-"\n')
            return HttpResponse(status, body, {"Server": f"nginx/{version}",
                                               "Content-Type": "text/html"})

        def quit_gracefully() -> None:
            t = _nginx_time(proc)
            proc.stderr(f"{t} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n"
                        f"{t} [notice] 29#29: gracefully shutting down\n"
                        f"{t} [notice] 29#29: exiting\n{t} [notice] 29#29: exit\n"
                        f"{t} [notice] 1#1: signal 17 (SIGCHLD) received from 29\n"
                        f"{t} [notice] 1#1: worker process 29 exited with code 0\n"
                        f"{t} [notice] 1#1: exit\n")
            proc.terminate(0)

        def stop_fast() -> None:
            t = _nginx_time(proc)
            proc.stderr(f"{t} [notice] 1#1: signal 15 (SIGTERM) received, exiting\n"
                        f"{t} [notice] 1#1: exit\n")
            proc.terminate(0)

        proc.listen(80, serve)
        proc.trap("SIGQUIT", quit_gracefully)
        proc.trap("SIGTERM", stop_fast)
        proc.trap("SIGINT", stop_fast)
        yield proc.forever()
        return 0
    return nginx


def _docker_entrypoint(proc: Process) -> Gen:
    """nginx's ``/docker-entrypoint.sh``: configures, then ``exec "$@"``."""
    args = proc.argv[1:]
    if not args:
        return 0
    if posixpath.basename(args[0]) in ("nginx", "nginx-debug"):
        for line in _NGINX_ENTRYPOINT_LINES:
            proc.stdout(line + "\n")
    program, _ = resolve_program(proc.image, args)
    if program is None:
        proc.stderr(f"/docker-entrypoint.sh: exec: line 47: {args[0]}: not found\n")
        return 127
    proc.argv = args
    code = yield from program(proc)
    return code


KUBIA_APP_JS = """const http = require('http');
const os = require('os');

console.log("Kubia server starting...");

var handler = function(request, response) {
  console.log("Received request from " + request.connection.remoteAddress);
  response.writeHead(200);
  response.end("You've hit " + os.hostname() + "\\n");
};

var www = http.createServer(handler);
www.listen(8080);
"""


def _kubia(variant: str) -> Program:
    """``node app.js`` of ``luksa/kubia`` (and its variants from the book)."""
    def node(proc: Process) -> Gen:
        args = proc.argv[1:]
        if args in (["-v"], ["--version"]):
            proc.stdout("v7.10.1\n")
            return 0
        if not args:
            return 0  # no script and no terminal: the REPL reads EOF and exits
        script = proc.fs.norm(args[0], proc.cwd)
        if not proc.fs.isfile(script):
            proc.stderr(f"module.js:471\n    throw err;\n    ^\n\nError: Cannot find module "
                        f"'{script}'\n")
            return 1
        proc.stdout("Kubia server starting...\n")
        count = 0

        def handle(req: HttpRequest) -> HttpResponse:
            nonlocal count
            proc.stdout(f"Received request from ::ffff:{req.remote_addr}\n")
            count += 1
            host = proc.hostname
            if variant == "unhealthy" and count > 5:
                return HttpResponse(500, "I'm not well. Please restart me!")
            if variant == "v3" and count >= 5:
                return HttpResponse(500, f"Some internal error has occurred! This is pod {host}\n")
            if variant in ("v2", "v3"):
                return HttpResponse(200, f"This is {variant} running in pod {host}\n")
            return HttpResponse(200, f"You've hit {host}\n")

        proc.listen(8080, handle)
        yield proc.forever()
        return 0
    return node


FORTUNES = (
    "A day for firm decisions!!!!!  Or is it?",
    "You will be successful in your work.",
    "Q:\tWhy is this technology called \"containers\"?\nA:\tBecause \"boxes\" was taken.",
    "Never trust a computer you can't throw out a window.\n\t\t-- Steve Wozniak",
    "The best way to predict the future is to invent it.\n\t\t-- Alan Kay",
    "Simplicity is prerequisite for reliability.\n\t\t-- Edsger W. Dijkstra",
)


def _fortune(proc: Process) -> Gen:
    proc.stdout(proc.kernel.rng.choice(FORTUNES) + "\n")
    return 0
    yield  # pragma: no cover


FORTUNELOOP_SH = """#!/bin/bash
trap "exit" SIGINT
mkdir /var/htdocs

while :
do
  echo $(date) Writing fortune to /var/htdocs/index.html
  /usr/games/fortune > /var/htdocs/index.html
  sleep 10
done
"""


def _pause(proc: Process) -> Gen:
    """``/pause``: the sandbox's infra container (``build/pause/linux/pause.c``): sleeps, exits
    0 on SIGINT/SIGTERM, reaps zombies."""
    proc.trap("SIGTERM", lambda: proc.terminate(0))
    proc.trap("SIGINT", lambda: proc.terminate(0))
    yield proc.forever()
    return 0


def _crash(proc: Process) -> Gen:
    """``k8s-internals/crashloop``: a service that cannot reach its database. Honours the
    container's ``$CRASH_AFTER`` (seconds, default 1) and ``$EXIT_CODE`` (default 1)."""
    try:
        after = float(proc.env.get("CRASH_AFTER", "1"))
        code = int(proc.env.get("EXIT_CODE", "1"))
    except ValueError:
        after, code = 1.0, 1
    proc.stdout("Starting app...\n")
    yield proc.sleep(after)
    proc.stderr("Error: cannot connect to database at db:5432: connection refused\n")
    return code


def _hello_app(version: str) -> Program:
    def hello(proc: Process) -> Gen:
        port = proc.env.get("PORT", "8080")
        proc.stdout(f"{proc.kernel.datetime():%Y/%m/%d %H:%M:%S} Server listening on port "
                    f"{port}\n")

        def handle(req: HttpRequest) -> HttpResponse:
            proc.stdout(f"{proc.kernel.datetime():%Y/%m/%d %H:%M:%S} Serving request: "
                        f"{req.path}\n")
            return HttpResponse(200, f"Hello, world!\nVersion: {version}\nHostname: "
                                     f"{proc.hostname}\n")

        proc.listen(int(port), handle)
        proc.trap("SIGTERM", lambda: proc.terminate(0))
        yield proc.forever()
        return 0
    return hello


def _httpd(proc: Process) -> Gen:
    t = proc.kernel.datetime().strftime("%a %b %d %H:%M:%S.%f %Y")
    proc.stderr(f"AH00558: httpd: Could not reliably determine the server's fully qualified "
                f"domain name, using {proc.ip}. Set the 'ServerName' directive globally to "
                "suppress this message\n")
    proc.stderr(f"[{t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) "
                "configured -- resuming normal operations\n")

    def handle(req: HttpRequest) -> HttpResponse:
        proc.stdout(f'{req.remote_addr} - - [{_clf_time(proc)}] "{req.method} {req.path} '
                    f'HTTP/1.1" 200 45\n')
        return HttpResponse(200, "<html><body><h1>It works!</h1></body></html>\n")

    proc.listen(80, handle)
    proc.trap("SIGWINCH", lambda: proc.terminate(0))  # httpd's STOPSIGNAL
    proc.trap("SIGTERM", lambda: proc.terminate(0))
    yield proc.forever()
    return 0


def _redis(proc: Process) -> Gen:
    t = proc.kernel.datetime().strftime("%d %b %Y %H:%M:%S.%f")[:-3]
    proc.stdout(f"1:C {t} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n"
                f"1:M {t} * Running mode=standalone, port=6379.\n"
                f"1:M {t} * Server initialized\n"
                f"1:M {t} * Ready to accept connections tcp\n")

    def handle(req: HttpRequest) -> HttpResponse:
        return HttpResponse(400, "-ERR wrong protocol\r\n")

    proc.listen(6379, handle)

    def shutdown() -> None:
        t = proc.kernel.datetime().strftime("%d %b %Y %H:%M:%S.%f")[:-3]
        proc.stdout(f"1:signal-handler ({t}) Received SIGTERM scheduling shutdown...\n"
                    f"1:M {t} # Redis is now ready to exit, bye bye...\n")
        proc.terminate(0)

    proc.trap("SIGTERM", shutdown)
    yield proc.forever()
    return 0


def _klog(proc: Process, level: str, source: str, message: str) -> None:
    now = proc.kernel.datetime()
    proc.stderr(f"{level}{now:%m%d %H:%M:%S}.{now.microsecond:06d}       1 {source}] "
                f"{message}\n")


def _ok(body: str = "ok") -> Callable[[HttpRequest], HttpResponse]:
    def handle(req: HttpRequest) -> HttpResponse:
        return HttpResponse(200, body)
    return handle


def _component(name: str, ports: Mapping[int, Mapping[str, str]],
               lines: Iterable[tuple[str, str]]) -> Program:
    """A control-plane binary: klog start-up lines, health endpoints, exits 0 on SIGTERM."""
    def program(proc: Process) -> Gen:
        args = proc.argv[1:]
        if args in (["--version"], ["version"]):
            proc.stdout(f"Kubernetes {KUBERNETES_VERSION}\n")
            return 0
        for source, message in lines:
            _klog(proc, "I", source, message.format(ip=proc.ip or "127.0.0.1"))

        for port, paths in ports.items():
            def handle(req: HttpRequest, paths: Mapping[str, str] = paths) -> HttpResponse:
                path = req.path.split("?", 1)[0]
                if path in paths:
                    return HttpResponse(200, paths[path])
                return HttpResponse(404, "404 page not found\n")
            proc.listen(port, handle)

        def stop() -> None:
            _klog(proc, "I", "signal.go:47", "Received SIGTERM, shutting down")
            proc.terminate(0)

        proc.trap("SIGTERM", stop)
        proc.trap("SIGINT", stop)
        yield proc.forever()
        return 0
    return program


_HEALTH = {"/healthz": "ok", "/livez": "ok", "/readyz": "ok"}

_ETCD = _component("etcd", {2379: {"/health": '{"health":"true","reason":""}'},
                            2380: {},
                            2381: {"/health": '{"health":"true","reason":""}',
                                   "/livez": "ok", "/readyz": "ok"}}, ())


def _etcd(proc: Process) -> Gen:
    now = proc.kernel.datetime()
    ts = f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z"
    for msg in ('"msg":"Running: "', '"msg":"starting an etcd server","etcd-version":"3.5.16"',
                '"msg":"serving client traffic securely","address":"127.0.0.1:2379"'):
        proc.stderr(f'{{"level":"info","ts":"{ts}","caller":"etcdmain/etcd.go:73",{msg}}}\n')
    code = yield from _ETCD(proc)
    return code


def _etcdctl(proc: Process) -> Gen:
    if "endpoint" in proc.argv and "health" in proc.argv:
        proc.stdout("127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.2ms\n")
        return 0
    proc.stdout("etcdctl version: 3.5.16\nAPI version: 3.5\n")
    return 0
    yield  # pragma: no cover


_APISERVER = _component("kube-apiserver", {6443: {**_HEALTH, "/version": (
    '{\n  "major": "1",\n  "minor": "32",\n  "gitVersion": "' + KUBERNETES_VERSION + '",\n'
    '  "platform": "linux/amd64"\n}')}}, (
    ("options.go:228", "external host was not specified, using {ip}"),
    ("server.go:143", "Version: " + KUBERNETES_VERSION),
    ("secure_serving.go:213", "Serving securely on [::]:6443"),
))
_CONTROLLER_MANAGER = _component("kube-controller-manager", {10257: _HEALTH}, (
    ("serving.go:386", "Generated self-signed cert in-memory"),
    ("controllermanager.go:197", '"Starting" version="' + KUBERNETES_VERSION + '"'),
    ("secure_serving.go:213", "Serving securely on 127.0.0.1:10257"),
    ("leaderelection.go:257", "attempting to acquire leader lease kube-system/"
                              "kube-controller-manager..."),
))
_SCHEDULER = _component("kube-scheduler", {10259: _HEALTH}, (
    ("serving.go:386", "Generated self-signed cert in-memory"),
    ("server.go:167", '"Starting Kubernetes Scheduler" version="' + KUBERNETES_VERSION + '"'),
    ("secure_serving.go:213", "Serving securely on 127.0.0.1:10259"),
    ("leaderelection.go:257", "attempting to acquire leader lease kube-system/kube-scheduler..."),
))
_KUBE_PROXY = _component("kube-proxy", {10256: {"/healthz": '{"lastUpdated": "", '
                                                           '"currentTime": ""}', "/livez": "ok"},
                                        10249: {"/metrics": ""}}, (
    ("server_linux.go:66", '"Using iptables proxy"'),
    ("server.go:483", '"Version info" version="' + KUBERNETES_VERSION + '"'),
    ("config.go:199", '"Starting service config controller"'),
))


def _coredns(proc: Process) -> Gen:
    proc.stdout(".:53\n[INFO] plugin/reload: Running configuration SHA512 = "
                "591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888"
                "b953814040d180f52594972691cd6ff41be96639138a43908\nCoreDNS-1.11.3\n"
                "linux/amd64, go1.21.11, a6338e9\n")
    proc.listen(8080, _ok("OK"))
    proc.listen(8181, _ok("OK"))
    proc.listen(9153, _ok(""))

    def stop() -> None:
        proc.stdout("[INFO] SIGTERM: Shutting down servers then terminating\n")
        proc.terminate(0)

    proc.trap("SIGTERM", stop)
    yield proc.forever()
    return 0


# --------------------------------------------------------------------------------------------
# the images
# --------------------------------------------------------------------------------------------

_DEBIAN_ENV = (("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),)
_BUSYBOX_ENV = (("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),)
_DISTROLESS_ENV = (("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                   ("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"))

_NGINX_FILES = {
    "/usr/share/nginx/html/index.html": NGINX_INDEX,
    "/usr/share/nginx/html/50x.html": "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n",
    "/etc/nginx/conf.d/default.conf": (
        "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n"
        "    location / {\n        root   /usr/share/nginx/html;\n"
        "        index  index.html index.htm;\n    }\n}\n"),
}


def _nginx_image(tags: tuple[str, ...], version: str, size: int, alpine: bool = False
                 ) -> CatalogImage:
    gcc = "gcc 13.2.1 20240309 (Alpine 13.2.1_git20240309) " if alpine else \
        "gcc 12.2.0 (Debian 12.2.0-14) "
    nginx = _nginx(version, gcc.strip())
    return CatalogImage(
        "docker.io/library/nginx", tags, size,
        entrypoint=("/docker-entrypoint.sh",), cmd=("nginx", "-g", "daemon off;"),
        env=(*_DEBIAN_ENV, ("NGINX_VERSION", version), ("NJS_VERSION", "0.8.7"),
             ("PKG_RELEASE", "1~bookworm" if not alpine else "1")),
        programs={"nginx": nginx, "nginx-debug": nginx,
                  "docker-entrypoint.sh": _docker_entrypoint},
        applets=APPLETS if alpine else COREUTILS, files=_NGINX_FILES,
        stop_signal="SIGQUIT", exposed_ports=(80,),
        description=f"nginx {version}: serves /usr/share/nginx/html on port 80")


def _kubia_image(repo: str, tags: tuple[str, ...], variant: str, size: int) -> CatalogImage:
    return CatalogImage(
        repo, tags, size, entrypoint=("node", "app.js"),
        env=(*_DEBIAN_ENV, ("NPM_CONFIG_LOGLEVEL", "info"), ("NODE_VERSION", "7.10.1")),
        programs={"node": _kubia(variant)}, applets=COREUTILS | {"wget"},
        files={"/app.js": KUBIA_APP_JS}, exposed_ports=(8080,),
        description="Kubernetes in Action's kubia: answers on 8080")


def _k8s(name: str, program: Program, size: int, *, version: str = KUBERNETES_VERSION,
         ports: tuple[int, ...] = ()) -> CatalogImage:
    return CatalogImage(f"registry.k8s.io/{name}", (version,), size,
                        entrypoint=(), cmd=(), env=_DISTROLESS_ENV,
                        programs={name: program}, exposed_ports=ports,
                        description=f"{name} {version} (distroless: no shell)")


def _builtin_images() -> list[CatalogImage]:
    busybox_files = {"/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
                     "/etc/group": "root:x:0:\n"}
    return [
        _nginx_image(("1.27", "1.27.3", "latest", "stable", "mainline"), "1.27.3", 72_080_558),
        _nginx_image(("1.26", "1.26.2"), "1.26.2", 71_034_218),
        _nginx_image(("1.25", "1.25.5"), "1.25.5", 70_988_940),
        _nginx_image(("alpine", "1.27-alpine"), "1.27.3", 20_486_613, alpine=True),
        CatalogImage("docker.io/library/busybox", ("latest", "1.37", "1.37.0"), 2_155_124,
                     cmd=("sh",), env=_BUSYBOX_ENV, applets=APPLETS, files=busybox_files,
                     description="BusyBox 1.37: sh and the usual applets"),
        CatalogImage("docker.io/library/busybox", ("1.36", "1.36.1"), 2_152_262,
                     cmd=("sh",), env=_BUSYBOX_ENV, applets=APPLETS, files=busybox_files,
                     description="BusyBox 1.36"),
        CatalogImage("registry.k8s.io/busybox", ("latest", "1.27.2"), 1_144_547, cmd=("sh",),
                     env=_BUSYBOX_ENV, applets=APPLETS, files=busybox_files),
        _kubia_image("docker.io/luksa/kubia", ("latest", "v1"), "v1", 250_911_231),
        _kubia_image("docker.io/luksa/kubia", ("v2",), "v2", 250_911_263),
        _kubia_image("docker.io/luksa/kubia", ("v3",), "v3", 250_911_302),
        _kubia_image("docker.io/luksa/kubia-unhealthy", ("latest",), "unhealthy", 250_911_417),
        CatalogImage("docker.io/luksa/fortune", ("latest",), 7_924_117,
                     entrypoint=("/bin/fortuneloop.sh",), env=_BUSYBOX_ENV,
                     programs={"fortune": _fortune}, applets=APPLETS | {"bash"},
                     files={"/bin/fortuneloop.sh": FORTUNELOOP_SH},
                     description="writes a fortune to /var/htdocs/index.html every 10 s"),
        CatalogImage("registry.k8s.io/pause", ("3.10",), 320_368, entrypoint=("/pause",),
                     env=(), programs={"pause": _pause},
                     description="the pod sandbox's infra container"),
        CatalogImage("registry.k8s.io/pause", ("3.9",), 321_520, entrypoint=("/pause",),
                     env=(), programs={"pause": _pause}),
        CatalogImage("k8s.gcr.io/pause", ("3.2", "3.5", "latest"), 299_513,
                     entrypoint=("/pause",), env=(), programs={"pause": _pause}),
        CatalogImage("docker.io/k8s-internals/crashloop", ("latest", "v1"), 2_155_900,
                     entrypoint=("/crash",), env=_BUSYBOX_ENV, programs={"crash": _crash},
                     applets=APPLETS,
                     description="exits with $EXIT_CODE (1) after $CRASH_AFTER (1) seconds"),
        CatalogImage("gcr.io/google-samples/hello-app", ("1.0",), 4_286_034,
                     entrypoint=("/hello-app",), env=_DISTROLESS_ENV,
                     programs={"hello-app": _hello_app("1.0.0")}, exposed_ports=(8080,)),
        CatalogImage("gcr.io/google-samples/hello-app", ("2.0",), 4_286_101,
                     entrypoint=("/hello-app",), env=_DISTROLESS_ENV,
                     programs={"hello-app": _hello_app("2.0.0")}, exposed_ports=(8080,)),
        CatalogImage("docker.io/library/httpd", ("latest", "2.4", "2.4.62"), 58_319_542,
                     cmd=("httpd-foreground",), env=_DEBIAN_ENV,
                     programs={"httpd-foreground": _httpd}, applets=COREUTILS,
                     stop_signal="SIGWINCH", exposed_ports=(80,)),
        CatalogImage("docker.io/library/redis", ("latest", "7", "7.4", "7.4.1"), 45_026_614,
                     entrypoint=("docker-entrypoint.sh",), cmd=("redis-server",),
                     env=_DEBIAN_ENV, programs={"redis-server": _redis,
                                                "docker-entrypoint.sh": _docker_entrypoint},
                     applets=COREUTILS, exposed_ports=(6379,)),
        CatalogImage("registry.k8s.io/etcd", (ETCD_VERSION,), 57_680_541, env=_DISTROLESS_ENV,
                     programs={"etcd": _etcd, "etcdctl": _etcdctl},
                     exposed_ports=(2379, 2380, 2381),
                     description=f"etcd {ETCD_VERSION} (distroless: no shell)"),
        _k8s("kube-apiserver", _APISERVER, 28_670_731, ports=(6443,)),
        _k8s("kube-controller-manager", _CONTROLLER_MANAGER, 26_258_470, ports=(10257,)),
        _k8s("kube-scheduler", _SCHEDULER, 20_657_536, ports=(10259,)),
        _k8s("kube-proxy", _KUBE_PROXY, 30_906_462, ports=(10256,)),
        CatalogImage("registry.k8s.io/coredns/coredns", (COREDNS_VERSION,), 18_562_039,
                     entrypoint=("/coredns",), env=(), programs={"coredns": _coredns},
                     exposed_ports=(53, 8080, 8181, 9153),
                     description=f"CoreDNS {COREDNS_VERSION} (scratch: no shell)"),
    ]


CATALOGUE.extend(_builtin_images())


# --------------------------------------------------------------------------------------------
# a node's local image store
# --------------------------------------------------------------------------------------------


_SIZE_UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def parse_size(size: int | str) -> int:
    """``60Mi`` / ``72MB`` / ``1234`` → bytes."""
    if isinstance(size, int):
        return size
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kMG]i?)?B?\s*", str(size))
    if not m:
        raise ValueError(f"bad image size {size!r}")
    return int(float(m.group(1)) * _SIZE_UNITS[m.group(2) or ""])


@dataclass
class StoredImage:
    """An image present on the node (``crictl images``)."""

    image: CatalogImage | None
    id: str
    repo_tags: list[str]
    repo_digests: list[str]
    size: int
    pinned: bool = False


class ImageStore:
    """The node's content store: which images are present (containerd's image service)."""

    def __init__(self) -> None:
        self._images: dict[str, StoredImage] = {}
        self._by_ref: dict[str, str] = {}

    def __contains__(self, ref: str) -> bool:
        return self.get(ref) is not None

    def get(self, ref: str) -> StoredImage | None:
        """The stored image a reference names (``ImageStatus``), or None."""
        try:
            key = str(parse_image_ref(ref))
        except ValueError:
            return None
        image_id = self._by_ref.get(key)
        return self._images.get(image_id) if image_id else None

    def add(self, ref: str, size: int | str | None = None, pinned: bool = False) -> StoredImage:
        """Make ``ref`` present (a finished pull, or a preloaded image)."""
        r = parse_image_ref(ref)
        cat = lookup(r)
        if cat is not None:
            image_id, digest = cat.id, cat.repo_digest
            nbytes = parse_size(size) if size is not None else cat.size
        else:
            image_id = "sha256:" + _sha(f"config {r}")
            digest = f"{r.repository}@sha256:{_sha(f'manifest {r}')}"
            nbytes = parse_size(size) if size is not None else 0
        stored = self._images.get(image_id)
        if stored is None:
            stored = StoredImage(cat, image_id, [], [digest], nbytes, pinned)
            self._images[image_id] = stored
        tag_ref = str(r) if not r.digest else ""
        if tag_ref and tag_ref not in stored.repo_tags:
            # a tag moves to the newly pulled content
            old = self._by_ref.get(tag_ref)
            if old and old != image_id and tag_ref in self._images[old].repo_tags:
                self._images[old].repo_tags.remove(tag_ref)
            stored.repo_tags.append(tag_ref)
        self._by_ref[str(r)] = image_id
        if cat is not None:
            self._by_ref[f"{r.repository}@{cat.digest}"] = image_id
        stored.pinned = stored.pinned or pinned
        return stored

    def remove(self, ref: str) -> bool:
        stored = self.get(ref)
        if stored is None:
            return False
        del self._images[stored.id]
        for k in [k for k, v in self._by_ref.items() if v == stored.id]:
            del self._by_ref[k]
        return True

    def list(self) -> list[StoredImage]:
        """Every image, largest first (what ``node.status.images`` lists)."""
        return sorted(self._images.values(), key=lambda s: (-s.size, s.id))
