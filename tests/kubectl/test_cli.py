"""The flag parser's conventions and pflag's error texts."""

from __future__ import annotations

import pytest

from k8s_internals.kubectl.cli import Flag, UsageError, parse, parse_duration, split

FLAGS = (Flag("output", "o", "str", ""), Flag("all-namespaces", "A", "bool", False),
         Flag("watch", "w", "bool", False), Flag("replicas", "", "int", -1),
         Flag("filename", "f", "list"))


def test_forms() -> None:
    v, pos = parse(["pods", "-owide", "-Aw", "--replicas=3", "-n", "kube-system", "x",
                    "-f", "a.yaml,b.yaml", "-f=c.yaml", "--", "-y"], FLAGS, "get")
    assert pos == ["pods", "x", "-y"]
    assert (v["output"], v["all_namespaces"], v["watch"], v["replicas"], v["namespace"]) == (
        "wide", True, True, 3, "kube-system")
    assert v["filename"] == ["a.yaml", "b.yaml", "c.yaml"]
    v, _ = parse(["--watch=false", "-o=yaml"], FLAGS, "get")
    assert v["watch"] is False and v["output"] == "yaml"


@pytest.mark.parametrize(("args", "message"), [
    (["--foo"], "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."),
    (["-x"], "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."),
    (["--output"], "error: flag needs an argument: --output\nSee 'kubectl get --help' for "
                   "usage."),
    (["--replicas=x"], 'error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: '
                       'parsing "x": invalid syntax'),
])
def test_errors(args: list[str], message: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse(args, FLAGS, "get")
    assert str(exc.value) == message


def test_durations_and_split() -> None:
    assert parse_duration("1m30s") == 90.0
    assert parse_duration("0") == 0.0
    with pytest.raises(ValueError):
        parse_duration("10")
    assert split("kubectl get pods -o jsonpath='{.items[*].metadata.name}'") == [
        "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]
