"""The busybox ``sh`` subset that runs pod scripts, on virtual time."""

from __future__ import annotations

from k8s_internals.node.dns import DNSQuery, DNSRecord
from k8s_internals.node.images import lookup, resolve_program
from k8s_internals.node.process import FileSystem, HttpRequest, HttpResponse, Process
from k8s_internals.sim import Kernel


def run(script: str, *, until: float = 10.0, env: dict[str, str] | None = None,
        network: object | None = None,
        fs: FileSystem | None = None) -> tuple[Process, list[str], Kernel]:
    kernel = Kernel(seed=0)
    image = lookup("busybox")
    lines: list[str] = []
    argv = ["sh", "-c", script]
    proc = Process(kernel, argv=argv, env={"PATH": "/bin", **(env or {})}, hostname="bb",
                   fs=fs or FileSystem(), image=image, ip="10.244.1.7",
                   log=lambda stream, line: lines.append(f"{stream}: {line}"),
                   network=network)  # type: ignore[arg-type]
    program, _ = resolve_program(image, argv)
    assert program is not None
    proc.start(program)
    kernel.run(until=until)
    return proc, lines, kernel


def test_the_counter_pod_of_the_logging_docs() -> None:
    proc, lines, _ = run('i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done',
                         until=2.5)
    assert lines == ["stdout: 0: Wed Jan  1 00:00:00 UTC 2025",
                     "stdout: 1: Wed Jan  1 00:00:01 UTC 2025",
                     "stdout: 2: Wed Jan  1 00:00:02 UTC 2025"]
    assert proc.exit_code is None


def test_lists_and_exit_codes() -> None:
    proc, lines, _ = run("false || echo recovered; true && echo yes; nosuch; echo $?; exit 3")
    assert lines == ["stdout: recovered", "stdout: yes", "stderr: sh: nosuch: not found",
                     "stdout: 127"]
    assert proc.exit_code == 3


def test_files_tests_and_redirections() -> None:
    proc, lines, _ = run("touch /tmp/healthy; [ -f /tmp/healthy ] && echo there; "
                         "echo hi > /tmp/x; echo more >> /tmp/x; cat /tmp/x; rm /tmp/healthy; "
                         "cat /tmp/healthy 2>/dev/null || echo gone; cat /nope")
    assert lines == ["stdout: there", "stdout: hi", "stdout: more", "stdout: gone",
                     "stderr: cat: can't open '/nope': No such file or directory"]
    assert proc.exit_code == 1


def test_for_if_and_parameter_expansion() -> None:
    _, lines, _ = run('for n in 1 2 3; do if [ $n -eq 2 ]; then echo two; else echo "n=$n"; fi; '
                      'done; echo ${UNSET:-fallback} ${GREETING}', env={"GREETING": "hello"})
    assert lines == ["stdout: n=1", "stdout: two", "stdout: n=3", "stdout: fallback hello"]


def test_a_syntax_error_is_reported_like_busybox() -> None:
    proc, lines, _ = run("while true; do echo x")
    assert lines == ["stderr: sh: syntax error: unexpected end of file"]
    assert proc.exit_code == 2


def test_the_liveness_exec_example_of_the_docs() -> None:
    proc, _, kernel = run("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
                          until=10)
    assert proc.exec(["cat", "/tmp/healthy"]) == (0, "")
    kernel.run(until=31)
    assert proc.exec(["cat", "/tmp/healthy"]) == (
        1, "cat: can't open '/tmp/healthy': No such file or directory\n")


def test_a_trap_runs_after_the_foreground_command() -> None:
    proc, lines, kernel = run("trap 'echo bye; exit 0' TERM; while true; do sleep 5; done")
    proc.signal("SIGTERM")
    assert proc.exit_code is None  # the shell waits for its sleep to finish
    kernel.run(until=15.5)
    assert proc.exit_code == 0 and lines == ["stdout: bye"]


def test_sleep_as_pid_1_ignores_sigterm() -> None:
    kernel = Kernel(seed=0)
    proc = Process(kernel, argv=["sleep", "3600"], env={}, hostname="bb", fs=FileSystem(),
                   image=lookup("busybox"))
    program, _ = resolve_program(proc.image, proc.argv)
    assert program is not None
    proc.start(program)
    proc.signal("SIGTERM")
    kernel.run(until=100)
    assert proc.exit_code is None


class _Net:
    def http(self, src_ip: str, url: str, request: HttpRequest) -> HttpResponse:
        assert src_ip == "10.244.1.7"
        return HttpResponse(200, f"You've hit kubia-x\n (path {request.path})\n")

    def resolve(self, src_ip: str, name: str) -> list[str]:
        return ["10.96.0.7"] if name.startswith("kubia") else []

    def query(self, src_ip: str, name: str) -> DNSQuery:
        if name == "kubia.default.svc.cluster.local":
            return DNSQuery(name, "NOERROR", [DNSRecord(name + ".", "A", "10.96.0.7", 30)])
        return DNSQuery(name, "NXDOMAIN")


def test_wget_and_nslookup_go_through_the_network_hook() -> None:
    _, lines, _ = run("wget -qO- http://kubia/x; nslookup kubia.default.svc.cluster.local; "
                      "nslookup nope", network=_Net())
    assert lines[:2] == ["stdout: You've hit kubia-x", "stdout:  (path /x)"]
    assert "stdout: Name:\tkubia.default.svc.cluster.local" in lines
    assert "stdout: Address: 10.96.0.7" in lines
    assert "stdout: ** server can't find nope: NXDOMAIN" in lines


def test_nslookup_asks_a_dotless_name_under_every_search_domain_as_busybox_does() -> None:
    """busybox's ``add_query_with_search``: A then AAAA for each search domain, each answer
    printed; the failed ones make the exit status 1 even though the name was found."""
    fs = FileSystem()
    fs.write("/etc/resolv.conf", "search default.svc.cluster.local svc.cluster.local "
             "cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")
    proc, lines, _ = run("nslookup kubia", network=_Net(), fs=fs)
    out = "".join(line.removeprefix("stdout: ") + "\n" for line in lines)
    assert out == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        "Name:\tkubia.default.svc.cluster.local\nAddress: 10.96.0.7\n\n"
        "** server can't find kubia.svc.cluster.local: NXDOMAIN\n\n"
        "** server can't find kubia.cluster.local: NXDOMAIN\n\n"
        "\n"                                              # AAAA: the name exists, no answer
        "** server can't find kubia.svc.cluster.local: NXDOMAIN\n\n"
        "** server can't find kubia.cluster.local: NXDOMAIN\n\n")
    assert proc.exit_code == 1
    # a name with a dot is asked as it is: the search list is not used (busybox ignores ndots)
    proc, lines, _ = run("nslookup kubia.default", network=_Net(), fs=fs)
    assert "stdout: ** server can't find kubia.default: NXDOMAIN" in lines
    assert proc.exit_code == 1


def test_without_a_network_wget_cannot_resolve() -> None:
    proc, lines, _ = run("wget -qO- http://kubia")
    assert lines == ["stderr: wget: bad address 'kubia'"] and proc.exit_code == 1


def test_a_loop_that_never_sleeps_still_advances_time() -> None:
    proc, lines, _kernel = run("while true; do echo spin; done", until=0.105)
    assert len(lines) == 11 and proc.exit_code is None


def test_an_interactive_shell_reads_its_open_stdin_line_by_line() -> None:
    """``sh`` with no arguments and an open stdin (``stdin: true``, ``kubectl exec -i``):
    each line runs as it arrives; on a TTY it prompts; end of input ends it."""
    from k8s_internals.node.process import StdinPipe

    kernel = Kernel(seed=0)
    image = lookup("busybox")
    lines: list[str] = []
    proc = Process(kernel, argv=["sh"], env={"PATH": "/bin"}, hostname="bb", fs=FileSystem(),
                   image=image, log=lambda stream, line: lines.append(f"{stream}: {line}"))
    proc.stdin_pipe = StdinPipe()
    proc.tty = True
    program, _ = resolve_program(image, ["sh"])
    assert program is not None
    proc.start(program)
    kernel.run(until=1)
    assert proc.exit_code is None  # waiting for input, not EOF at once
    proc.stdin_pipe.write("x=4\necho $((x * 2)); ls /nope\nech")
    kernel.run(until=2)
    assert lines == ["stdout: / # / # 8", "stderr: ls: /nope: No such file or directory"]
    proc.stdin_pipe.write("o done")
    proc.stdin_pipe.close()  # the partial line still runs, then the shell exits
    kernel.run(until=3)
    assert lines[2:] == ["stdout: / # done", "stdout: / # exit"]
    assert proc.exit_code == 0  # the last command's status (``echo done``)


def test_a_shell_without_an_open_stdin_exits_at_once() -> None:
    proc, lines, _ = run("sh")
    assert (proc.exit_code, lines) == (0, [])
