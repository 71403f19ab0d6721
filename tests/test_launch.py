"""The installed commands start through cmdesk/launch.py, which imports nothing.

A refresh's parsing workers import the script that started cmdesk (multiprocessing does so
for a program run by its path): the script pip writes for `cmdesk-gui` imports its entry
point's module, and if that were cmdesk.app every worker would load Qt at every refresh.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from cmdesk import launch

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_commands_are_launchs_functions() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entries = {**project["scripts"], **project["gui-scripts"]}
    assert entries == {"cmdesk": "cmdesk.launch:cli", "cmdesk-gui": "cmdesk.launch:gui"}
    assert callable(launch.cli) and callable(launch.gui)


def test_importing_the_entry_module_loads_nothing_else() -> None:
    code = (
        "import sys, cmdesk.launch; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cmdesk', 'PySide6')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert loaded == "['cmdesk', 'cmdesk.launch']"


def test_the_command_line_runs_through_it() -> None:
    code = (
        "import sys; sys.argv = ['cmdesk', '--version']; "
        "from cmdesk.launch import cli; raise SystemExit(cli())"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("cmdesk ")
