"""The Inno Setup script (installers/windows/cmdesk.iss), read as text: ISCC runs on
Windows only, so these checks hold the promises the installer makes to users."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installers" / "windows" / "cmdesk.iss"


def sections() -> dict[str, list[str]]:
    """Lines of each [Section] with the `#define`d names expanded; comments, blank lines and
    preprocessor lines left out."""
    text = ISS.read_text(encoding="utf-8")
    for name, value in re.findall(r'^#define (\w+) "([^"]*)"', text, re.MULTILINE):
        text = text.replace("{#" + name + "}", value)
    found: dict[str, list[str]] = {"": []}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#", "//")):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1).lower()
            found.setdefault(current, [])
        else:
            found[current].append(line)
    return found


def setup_directives() -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections()["setup"] if "=" in line)


def entries(section: str) -> list[dict[str, str]]:
    """`Name: "value"; Flags: a b` lines as dicts (keys lower-cased)."""
    parsed = []
    for line in sections().get(section, []):
        fields = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
        parsed.append({k.lower(): unquote(v.strip()) for k, v in fields})
    return parsed


def unquote(value: str) -> str:
    """Inno's quoting: a value in double quotes, a double quote inside doubled."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('""', '"')
    return value


def test_script_is_ascii() -> None:
    # ISCC reads a script without a byte-order mark in the ANSI code page: accented text
    # would turn into mojibake on a non-Western build machine.
    ISS.read_bytes().decode("ascii")


def test_version_comes_from_the_define() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert re.search(r"^#ifndef AppVersion\s*\n\s*#error", text, re.MULTILINE)
    setup = setup_directives()
    assert setup["AppVersion"] == "{#AppVersion}"
    assert "{#AppVersion}" in setup["OutputBaseFilename"]
    assert "/DAppVersion=" in (ROOT / "installers" / "windows" / "build.ps1").read_text("utf-8")


def test_per_user_by_default_with_a_fixed_app_id() -> None:
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["DefaultDirName"].startswith("{autopf}")


def test_french_and_english() -> None:
    languages = {e["name"]: e["messagesfile"] for e in entries("languages")}
    assert languages == {
        "french": r"compiler:Languages\French.isl",
        "english": "compiler:Default.isl",
    }
    # Every custom message exists in both languages.
    messages: dict[str, set[str]] = {}
    for line in sections()["custommessages"]:
        language, name = line.split("=", 1)[0].split(".")
        messages.setdefault(name, set()).add(language)
    assert messages and all(langs == {"french", "english"} for langs in messages.values())


def test_start_menu_entry_and_optional_desktop_icon() -> None:
    icons = entries("icons")
    assert any(
        i["name"].startswith("{autoprograms}") and "cmdesk-gui.exe" in i["filename"] for i in icons
    )
    desktop = [i for i in icons if i["name"].startswith("{autodesktop}")]
    assert desktop and desktop[0]["tasks"] == "desktopicon"
    tasks = {t["name"]: t.get("flags", "") for t in entries("tasks")}
    assert "unchecked" in tasks["desktopicon"]
    assert "unchecked" in tasks["addtopath"]  # the PATH entry is an option


def test_cmdesk_files_open_in_the_app() -> None:
    assert setup_directives()["ChangesAssociations"] == "yes"
    registry = entries("registry")
    assert all(r["root"] == "HKA" for r in registry)
    keys = {(r["subkey"], r["valuename"]): r for r in registry}
    assert keys[(r"Software\Classes\.cmdesk\OpenWithProgids", "cmdesk.workspace")]
    assert keys[(r"Software\Classes\.cmdesk", "")]["valuedata"] == "cmdesk.workspace"
    command = keys[(r"Software\Classes\cmdesk.workspace\shell\open\command", "")]
    assert command["valuedata"] == r'"{app}\cmdesk-gui.exe" "%1"'
    assert "uninsdeletekey" in keys[(r"Software\Classes\cmdesk.workspace", "")]["flags"]


def test_path_option_is_undone_by_the_uninstaller() -> None:
    code = "\n".join(sections()["code"])
    assert setup_directives()["ChangesEnvironment"] == "yes"
    assert "WizardIsTaskSelected('addtopath')" in code
    assert "usPostUninstall" in code and "RemoveFromPath" in code


@pytest.mark.parametrize("section", ["uninstalldelete", "installdelete"])
def test_the_users_data_is_never_deleted(section: str) -> None:
    # The data folder is %LOCALAPPDATA%\cmdesk (platformdirs.user_data_dir): Inno's
    # {localappdata}, {userappdata}, {userdocs} and the like must not appear, and
    # deletions stay inside {app}.
    for entry in entries(section):
        assert entry["name"].startswith("{app}\\"), entry
    assert "uninstalldelete" not in sections()
    text = ISS.read_text(encoding="utf-8")
    for constant in ("{localappdata}", "{userappdata}", "{commonappdata}", "{userdocs}"):
        assert constant not in text.lower()
    assert "DelTree" not in text
