"""Markdown building blocks shared by the worked examples (explain.py, explain_multiclass.py)."""

from __future__ import annotations

from collections.abc import Sequence


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; a | inside a cell is escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def block(lines: Sequence[str]) -> str:
    """Lines as a fenced text block (the arithmetic, monospaced)."""
    return "```text\n" + "\n".join(lines) + "\n```"


def loss_verdict(before: float, after: float) -> str:
    """What the correction did to the sample's loss, in the worked example's words."""
    if after < before:
        return "less error: the correction worked"
    if after == before:
        return "no less error"
    return "more error: the step overshot (try a smaller learning rate)"
