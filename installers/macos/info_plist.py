"""The Info.plist keys of cmdesk.app, merged by PyInstaller's BUNDLE over its defaults.

Loaded with runpy by installers/cmdesk.spec (a spec is not a package) and by
tests/installers, so it uses the standard library only and has no side effects.
"""

from __future__ import annotations

import re
from typing import Any

# Never change these once a release is out: macOS files the keychain items, the
# notarisation history, the Launch Services registration of .cmdesk files and the
# preferences of an app under its bundle identifier, and documents under their type.
BUNDLE_ID = "org.cmdesk.cmdesk"
WORKSPACE_UTI = "org.cmdesk.workspace"
WORKSPACE_EXTENSION = "cmdesk"
WORKSPACE_MIME = "application/x-cmdesk-workspace"  # as in installers/linux/cmdesk-mime.xml


def short_version(version: str) -> str:
    """CFBundleShortVersionString must be up to three integers ("1.2.0" of "1.2.0rc1")."""
    found = re.match(r"\d+(?:\.\d+){0,2}", version)
    if not found:
        raise ValueError(f"no release number in version {version!r}")
    return found.group(0)


def info_plist(version: str) -> dict[str, Any]:
    return {
        "CFBundleName": "cmdesk",
        "CFBundleDisplayName": "cmdesk",
        # The COLLECT holds two executables and PyInstaller would pick the first (the
        # console `cmdesk`); the Dock, Finder and `open` must start the GUI launcher.
        "CFBundleExecutable": "cmdesk-gui",
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": short_version(version),
        "CFBundleVersion": version,
        # Retina rendering; without it macOS draws the window at 1x and scales it up.
        "NSHighResolutionCapable": True,
        # Dark mode follows the system (Qt draws both).
        "NSRequiresAquaSystemAppearance": False,
        # Standard menus and dialogs of macOS itself in French where the user reads French.
        "CFBundleDevelopmentRegion": "en",
        "CFBundleLocalizations": ["en", "fr"],
        "CFBundleAllowMixedLocalizations": True,
        "LSApplicationCategoryType": "public.app-category.productivity",
        "NSHumanReadableCopyright": "cmdesk contributors, GPL-3.0-or-later",
        # A client's workspace file: double-click opens it in cmdesk, Finder shows its icon
        # and kind. LSItemContentTypes names the type declared below; the extension is
        # attached to the type, not to the document entry (Apple ignores
        # CFBundleTypeExtensions when LSItemContentTypes is present).
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "cmdesk client workspace",
                "CFBundleTypeRole": "Editor",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [WORKSPACE_UTI],
                "CFBundleTypeIconFile": "cmdesk.icns",
            }
        ],
        # Exported (not imported): cmdesk defines this type. It is an SQLite database.
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": WORKSPACE_UTI,
                "UTTypeDescription": "cmdesk client workspace",
                "UTTypeConformsTo": ["public.data", "public.database"],
                "UTTypeIconFile": "cmdesk.icns",
                "UTTypeTagSpecification": {
                    "public.filename-extension": [WORKSPACE_EXTENSION],
                    "public.mime-type": [WORKSPACE_MIME],
                },
            }
        ],
    }
