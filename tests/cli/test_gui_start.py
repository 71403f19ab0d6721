"""Starting the app declares only the `gui` command: the other commands' modules are not
imported before the window paints."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cmdesk.cli import _starts_the_app, build_parser


@pytest.mark.parametrize(
    ("argv", "app"),
    [
        ([], True),
        (["gui"], True),
        (["--home", "/tmp/h", "gui", "x.cmdesk", "--smoke"], True),
        (["--json"], True),
        (["--home", "gui"], True),  # a home folder named "gui", then no command
        (["--client", "lea", "feeds", "list"], False),
        (["search", "gui"], False),
        (["--help"], False),
        (["gui", "--help"], False),
        (["--version"], False),
    ],
)
def test_what_starts_the_app(argv: list[str], app: bool) -> None:
    assert _starts_the_app(argv) is app


def test_the_full_command_line_still_has_every_command() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"gui", "clients", "feeds", "interactions", "inbox-rules", "playbook"} <= set(commands)
    quick = build_parser(everything=False)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(quick) == {"gui"}


def test_the_app_path_imports_no_other_command() -> None:
    code = (
        "import sys; from cmdesk.cli import build_parser, _starts_the_app; "
        "build_parser(everything=not _starts_the_app(['gui'])); "
        "print(sorted(m for m in sys.modules if m.startswith('cmdesk.cli_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
