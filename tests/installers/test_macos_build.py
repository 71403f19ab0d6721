"""installers/macos/build.sh --dry-run (any system): signing and notarisation steps appear
exactly when their environment variables are set; the Info.plist of the .app."""

from __future__ import annotations

import os
import plistlib
import runpy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installers" / "macos" / "build.sh"
CREDENTIALS = (
    "MACOS_SIGN_IDENTITY",
    "MACOS_NOTARY_PROFILE",
    "APPLE_ID",
    "APPLE_TEAM_ID",
    "APPLE_APP_PASSWORD",
)
IDENTITY = "Developer ID Application: Test (ABCDE12345)"
APPLE = {
    "APPLE_ID": "cm@example.org",
    "APPLE_TEAM_ID": "ABCDE12345",
    "APPLE_APP_PASSWORD": "s3cr3t",
}

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def dry_run(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CREDENTIALS}
    return subprocess.run(
        ["bash", str(SCRIPT), "--dry-run"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def commands(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]


@needs_bash
def test_without_credentials_an_unsigned_image_is_built_and_said_so() -> None:
    result = dry_run()
    run = commands(result)
    assert any(c.startswith("hdiutil create") and c.endswith(".dmg") for c in run)
    assert any(c == "ln -s /Applications build/dmg/Applications" for c in run)
    assert any("pyinstaller" in c and "installers/cmdesk.spec" in c for c in run)
    assert not [c for c in run if c.startswith(("codesign", "xcrun", "spctl"))]
    assert "unsigned" in result.stdout.lower()


@needs_bash
def test_an_identity_signs_the_app_and_the_image_but_does_not_notarise() -> None:
    run = commands(dry_run(MACOS_SIGN_IDENTITY=IDENTITY))
    signing = [c for c in run if c.startswith("codesign --force")]
    assert len(signing) == 2  # the app, then the image
    app = signing[0]
    for option in ("--deep", "--options runtime", "--timestamp", "--entitlements"):
        assert option in app
    assert app.endswith("dist/cmdesk.app")
    assert "installers/macos/entitlements.plist" in app
    assert signing[1].endswith(".dmg")
    # The image is made after the app is signed, and signed itself after that.
    assert run.index(app) < next(i for i, c in enumerate(run) if c.startswith("hdiutil"))
    assert not [c for c in run if "notarytool" in c or "stapler" in c]


@needs_bash
def test_an_apple_id_notarises_and_staples_without_printing_the_password() -> None:
    result = dry_run(MACOS_SIGN_IDENTITY=IDENTITY, **APPLE)
    run = commands(result)
    submit = [c for c in run if c.startswith("xcrun notarytool submit")]
    assert len(submit) == 1
    assert "--apple-id cm@example.org --team-id ABCDE12345 --password ***" in submit[0]
    assert "--wait" in submit[0]
    assert any(c.startswith("xcrun stapler staple") and c.endswith(".dmg") for c in run)
    assert "s3cr3t" not in result.stdout + result.stderr


@needs_bash
def test_a_keychain_profile_notarises_too() -> None:
    run = commands(dry_run(MACOS_SIGN_IDENTITY=IDENTITY, MACOS_NOTARY_PROFILE="cmdesk"))
    assert any("notarytool submit" in c and "--keychain-profile cmdesk" in c for c in run)


@needs_bash
@pytest.mark.parametrize(
    "env",
    [
        APPLE,  # notarising needs a signature
        {"MACOS_NOTARY_PROFILE": "cmdesk"},
        {"MACOS_SIGN_IDENTITY": IDENTITY, "APPLE_ID": "cm@example.org"},  # incomplete
    ],
    ids=["apple-id-unsigned", "profile-unsigned", "apple-id-incomplete"],
)
def test_inconsistent_credentials_are_refused(env: dict[str, str]) -> None:
    result = dry_run(**env)
    assert result.returncode != 0
    assert "error" in result.stderr
    assert "hdiutil" not in result.stdout


def plist_module() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "installers" / "macos" / "info_plist.py"))


def test_info_plist_declares_the_cmdesk_document_type() -> None:
    module = plist_module()
    plist = module["info_plist"]("1.2.0rc1")
    plistlib.dumps(plist)  # every value is one a property list can hold
    assert plist["CFBundleShortVersionString"] == "1.2.0"
    assert plist["CFBundleVersion"] == "1.2.0rc1"
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleExecutable"] == "cmdesk-gui"
    assert plist["CFBundleIdentifier"] == module["BUNDLE_ID"]
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["CFBundleTypeRole"] == "Editor"
    declared = {t["UTTypeIdentifier"]: t for t in plist["UTExportedTypeDeclarations"]}
    (uti,) = document["LSItemContentTypes"]
    tags = declared[uti]["UTTypeTagSpecification"]
    assert tags["public.filename-extension"] == ["cmdesk"]
    assert tags["public.mime-type"] == ["application/x-cmdesk-workspace"]
    mime_xml = (ROOT / "installers" / "linux" / "cmdesk-mime.xml").read_text(encoding="utf-8")
    assert 'type="application/x-cmdesk-workspace"' in mime_xml  # one name on every system


def test_the_spec_bundles_with_that_plist() -> None:
    spec = (ROOT / "installers" / "cmdesk.spec").read_text(encoding="utf-8")
    assert 'installers" / "macos" / "info_plist.py"' in spec
    assert 'info_plist=plist["info_plist"](VERSION)' in spec
    assert 'bundle_identifier=plist["BUNDLE_ID"]' in spec
    assert 'exe(gui, "cmdesk-gui"' in spec  # the CFBundleExecutable above


def test_entitlements_are_a_valid_plist() -> None:
    path = ROOT / "installers" / "macos" / "entitlements.plist"
    entitlements = plistlib.loads(path.read_bytes())
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}
