"""The documentation stays in step with the code.

- docs/errors.md has one table listing exactly the codes in ``timetrack.errors.ALL_CODES``;
- README.md opens with the two commands a new user runs, ``./scripts/serve`` and
  ``./scripts/test``;
- README.md's configuration table names every setting of ``timetrack.config.Settings``;
- docs/api.md's permissions table is ``timetrack.policy.markdown_table()``.
"""

from __future__ import annotations

import re
from pathlib import Path

from timetrack.config import Settings
from timetrack.errors import ALL_CODES
from timetrack.policy import markdown_table

ROOT = Path(__file__).resolve().parent.parent
SHELL_FENCES = {"sh", "bash", "shell", "console"}


def _table_rows(markdown: str) -> list[list[str]]:
    """The cells of every Markdown table row, separator rows left out."""
    rows = []
    for line in markdown.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            continue
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            continue
        rows.append(cells)
    return rows


def _fenced_blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """(info string, lines) of every fenced code block, in order."""
    blocks: list[tuple[str, list[str]]] = []
    info: str | None = None
    lines: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("```"):
            if info is None:
                info, lines = line[3:].strip().lower(), []
            else:
                blocks.append((info, lines))
                info = None
        elif info is not None:
            lines.append(line)
    return blocks


def _shell_commands(markdown: str) -> list[str]:
    commands = []
    for info, lines in _fenced_blocks(markdown):
        if info not in SHELL_FENCES:
            continue
        for line in lines:
            line = line.strip().removeprefix("$ ")
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def test_error_table_lists_exactly_all_codes() -> None:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = [r for r in _table_rows(text) if r and r[0].isdigit()]
    documented = [(int(r[0]), int(r[1]), r[2]) for r in rows]
    assert len(documented) == len(set(documented)), "a code is listed twice"
    expected = {(c.code, c.status, c.title) for c in ALL_CODES.values()}
    assert set(documented) == expected, (
        f"missing from docs/errors.md: {sorted(expected - set(documented))}; "
        f"not in ALL_CODES: {sorted(set(documented) - expected)}"
    )
    assert all(len(r) == 4 and r[3] for r in rows), "every row needs a 'when' column"


def test_readme_opens_with_serve_and_test() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _shell_commands(text)[:2] == ["./scripts/serve", "./scripts/test"]
    first_two = _fenced_blocks(text)[:2]
    assert [lines for _, lines in first_two] == [["./scripts/serve"], ["./scripts/test"]]


def test_readme_configuration_table_names_every_setting() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {r[0].strip("`"): r for r in _table_rows(text) if len(r) >= 3}
    for name in Settings.model_fields:
        assert name in rows, f"setting {name} is missing from README.md's configuration table"
        assert f"`TIMETRACK_{name.upper()}`" in rows[name][1], name


def test_permissions_table_is_the_policy() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate docs/api.md's Permissions table from policy"
