"""Go's tabwriter as kubectl configures it (cases in the spirit of ``tabwriter_test.go``)."""

from __future__ import annotations

from k8s_internals.kubectl.tabwriter import TabWriter, describe_writer, table_writer


def _fmt(w: TabWriter, text: str) -> str:
    w.write(text)
    return w.flush()


def test_columns_are_padded_to_the_widest_cell_plus_padding() -> None:
    assert _fmt(table_writer(), "a\tbbbbbbbb\tc\naaaaaaa\tb\tc\n") == (
        "a         bbbbbbbb   c\naaaaaaa   b          c\n")


def test_minwidth_and_last_cell_not_aligned() -> None:
    assert _fmt(table_writer(), "x\ty\n") == "x     y\n"
    assert _fmt(TabWriter(0, 8, 1, "."), "a\tb\tc\naa\tbbb\n") == "a..b.c\naa.bbb\n"


def test_column_blocks_are_contiguous_lines() -> None:
    # the b column stops at the line without a second cell; c starts a new block
    text = "aaaa\tbbb\td\naa\tb\tdd\na\naa\tcccc\teee\n"
    assert _fmt(TabWriter(0, 8, 1, "."), text) == (
        "aaaa.bbb.d\naa...b...dd\na\naa.cccc.eee\n")


def test_empty_cells_and_trailing_text() -> None:
    assert _fmt(describe_writer(), "Name:\tweb\nLabels:\t<none>\n\tapp=x\n") == (
        "Name:    web\nLabels:  <none>\n         app=x\n")


def test_remember_widths_keeps_columns_from_shrinking() -> None:
    w = table_writer()
    first = _fmt(w, "NAME\tREADY\tSTATUS\nlong-name\t1/1\tRunning\n")
    assert first == "NAME        READY   STATUS\nlong-name   1/1     Running\n"
    assert _fmt(w, "x\t0/1\tPending\n") == "x           0/1     Pending\n"
    w.set_remembered_widths(None)
    assert _fmt(w, "x\t0/1\tPending\n") == "x     0/1   Pending\n"


def test_unicode_counts_code_points() -> None:
    assert _fmt(table_writer(), "ünï\tx\nab\ty\n") == "ünï   x\nab    y\n"
