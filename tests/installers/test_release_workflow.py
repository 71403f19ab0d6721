"""The release workflow (.github/workflows/release.yml) has the jobs the release needs.

PyYAML is not in requirements.lock, so the file is read with a light structural check:
a YAML mapping outline by indentation (enough for GitHub's workflow layout), plus a full
load where PyYAML happens to be installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TEXT = WORKFLOW.read_text(encoding="utf-8")


def children(lines: list[str], indent: int) -> dict[str, list[str]]:
    """The `key:` lines at exactly `indent` spaces, each with the lines nested under it.

    Block scalars (`run: |`) and flow values are kept as plain lines of their parent."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth < indent:
            break
        key = re.match(r" *([A-Za-z_][\w-]*):(?:\s|$)", line)
        if depth == indent and key:
            current = key.group(1)
            found[current] = [line]
        elif depth > indent and current is not None:
            found[current].append(line)
        elif depth == indent:
            raise AssertionError(f"not a mapping key at indent {indent}: {line!r}")
    return found


def value(lines: list[str], key: str) -> str:
    found = [m.group(1) for line in lines if (m := re.match(rf" *{key}: *(.*)$", line))]
    assert found, f"no {key}"
    return found[0].strip()


TOP = children(TEXT.splitlines(), 0)
JOBS = children(TOP["jobs"][1:], 2)


def test_layout_is_plain_yaml() -> None:
    assert "\t" not in TEXT, "tabs are not YAML indentation"
    for number, line in enumerate(TEXT.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            assert (len(line) - len(line.lstrip(" "))) % 2 == 0, f"line {number}: odd indent"
    assert set(TOP) >= {"name", "on", "permissions", "jobs"}


def test_runs_on_tags_and_by_hand() -> None:
    on = "\n".join(TOP["on"])
    assert re.search(r'tags: \["v\*"\]', on)
    assert "workflow_dispatch:" in on


def test_three_build_jobs_on_their_own_systems_and_a_release_job() -> None:
    runners = {job: value(lines, "runs-on") for job, lines in JOBS.items()}
    assert re.fullmatch(r"ubuntu-2[24]\.04", runners["linux"])
    assert runners["windows"] == "windows-latest"
    assert runners["macos"] == "macos-14"
    assert set(runners) == {"linux", "windows", "macos", "release"}
    assert value(JOBS["release"], "needs") == "[linux, windows, macos]"
    assert value(JOBS["release"], "if") == "startsWith(github.ref, 'refs/tags/v')"
    assert "contents: write" in "\n".join(JOBS["release"])
    assert re.search(r"^  contents: read$", "\n".join(TOP["permissions"]), re.MULTILINE)


@pytest.mark.parametrize(
    ("job", "command", "artefacts"),
    [
        ("linux", "make dist", ["cmdesk_*_amd64.deb", "cmdesk-*-linux-x86_64.tar.gz"]),
        ("windows", "./installers/windows/build.ps1", ["cmdesk-setup-*.exe"]),
        ("macos", "installers/macos/build.sh", ["cmdesk-*-macos-*.dmg"]),
    ],
)
def test_each_job_builds_and_uploads(job: str, command: str, artefacts: list[str]) -> None:
    body = "\n".join(JOBS[job])
    assert command in body
    script = command.split()[0].removeprefix("./")
    assert script == "make" or (ROOT / script).is_file()
    assert "actions/upload-artifact@" in body
    for pattern in artefacts:
        assert pattern in body
    assert "python-version: ${{ env.PYTHON_VERSION }}" in body
    assert value(TOP["env"], "PYTHON_VERSION") == '"3.11"'


def test_the_macos_job_passes_the_signing_secrets() -> None:
    body = "\n".join(JOBS["macos"])
    for name in ("MACOS_SIGN_IDENTITY", "APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD"):
        assert f"{name}: ${{{{ secrets.{name} }}}}" in body


def test_actions_are_pinned_to_major_versions() -> None:
    uses = re.findall(r"uses: *(\S+)", TEXT)
    assert uses
    for action in uses:
        assert re.fullmatch(r"actions/[\w-]+@v\d+", action), action


def test_loads_as_yaml_where_pyyaml_exists() -> None:
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(TEXT)
    # YAML 1.1 reads the bare key `on` as True.
    assert set(data["jobs"]) == {"linux", "windows", "macos", "release"}
