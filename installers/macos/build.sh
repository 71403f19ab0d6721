#!/usr/bin/env bash
# macOS release: dist/cmdesk.app (PyInstaller), signed and notarised when credentials are
# given, packed in a disk image with an Applications shortcut to drag it onto.
#
#   installers/macos/build.sh [--dry-run]
#
# Outputs, in dist/:
#   cmdesk.app                             the application (Contents/MacOS holds cmdesk-gui,
#                                          the bundle's executable, and the console cmdesk)
#   cmdesk-<version>-macos-<arch>.dmg      the disk image (arch: arm64 on Apple silicon)
#
# Environment (each optional; without them the image is built unsigned, and says so):
#   PYTHON                  the Python to build with (default python3; 3.11+, a framework or
#                           --enable-shared build, as python.org's and actions/setup-python's are)
#   MACOS_SIGN_IDENTITY     codesign identity, e.g. "Developer ID Application: Name (TEAMID)",
#                           already in a keychain the build can use
#   MACOS_NOTARY_PROFILE    a notarytool keychain profile (`xcrun notarytool store-credentials`)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#                           or an Apple ID, its team and an app-specific password
# Notarisation needs a signed app: notary credentials without MACOS_SIGN_IDENTITY are an error.
#
# --dry-run prints the commands instead of running them, on any system (tests/installers
# runs it on Linux). Every command is printed before it runs, the password masked.
set -euo pipefail

PYINSTALLER_PINS=(
    "pyinstaller==6.22.3"               # the same as installers/linux/build.sh
    "pyinstaller-hooks-contrib==2026.9"
    "altgraph==0.17.5"
    "macholib==1.16.4"
)
PYTHON=${PYTHON:-python3}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/installers/macos"
cd "$ROOT"

die() { echo "build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*"; }

DRY_RUN=0
for arg in "$@"; do
    case $arg in
        --dry-run) DRY_RUN=1 ;;
        -h | --help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $arg (see --help)" ;;
    esac
done

# show COMMAND...: print it, the app-specific password masked.
show() {
    local a
    printf '+'
    for a in "$@"; do
        if [ -n "${APPLE_APP_PASSWORD:-}" ] && [ "$a" = "$APPLE_APP_PASSWORD" ]; then
            printf ' %s' '***'
        else
            printf ' %q' "$a"
        fi
    done
    printf '\n'
}
# run COMMAND...: print it, then run it unless --dry-run. (bash 3.2, macOS's own, runs
# this script: no empty-array expansions under set -u.)
run() {
    show "$@"
    [ "$DRY_RUN" = 1 ] || "$@"
}

# -- what this build will do ------------------------------------------------------------------
VERSION=$(sed -nE "s/^__version__[[:space:]]*=[[:space:]]*[\"']([^\"']+)[\"'].*/\1/p" src/cmdesk/__init__.py)
[ -n "$VERSION" ] || die "no __version__ in src/cmdesk/__init__.py"
ARCH=$(uname -m)
APP=dist/cmdesk.app
DMG="dist/cmdesk-${VERSION}-macos-${ARCH}.dmg"

SIGN_IDENTITY=${MACOS_SIGN_IDENTITY:-}
notary=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    notary=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${APPLE_ID:-}${APPLE_TEAM_ID:-}${APPLE_APP_PASSWORD:-}" ]; then
    missing=()
    for var in APPLE_ID APPLE_TEAM_ID APPLE_APP_PASSWORD; do
        [ -n "${!var:-}" ] || missing+=("$var")
    done
    [ ${#missing[@]} -eq 0 ] || die "notarisation with an Apple ID also needs ${missing[*]}"
    notary=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi
if [ ${#notary[@]} -gt 0 ] && [ -z "$SIGN_IDENTITY" ]; then
    die "notarisation credentials are set but MACOS_SIGN_IDENTITY is not: Apple notarises signed apps only"
fi

step "cmdesk $VERSION for macOS ($ARCH)$([ "$DRY_RUN" = 1 ] && echo ', dry run')"
if [ -z "$SIGN_IDENTITY" ]; then
    echo "    unsigned build: MACOS_SIGN_IDENTITY is not set (Gatekeeper will block the first start)"
elif [ ${#notary[@]} -eq 0 ]; then
    echo "    signed, not notarised: set MACOS_NOTARY_PROFILE or APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD"
else
    echo "    signed and notarised"
fi

if [ "$DRY_RUN" = 0 ]; then
    [ "$(uname -s)" = Darwin ] || die "this script builds on macOS only (try --dry-run)"
    for tool in hdiutil ditto plutil; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
    if [ -n "$SIGN_IDENTITY" ]; then
        command -v codesign >/dev/null || die "codesign not found (install the Xcode command line tools)"
        identities=$(security find-identity -v -p codesigning) || identities=""
        case $identities in
            *"$SIGN_IDENTITY"*) ;;
            *) die "no valid codesigning identity \"$SIGN_IDENTITY\" in the keychains" ;;
        esac
    fi
    if [ ${#notary[@]} -gt 0 ]; then
        xcrun --find notarytool >/dev/null 2>&1 || die "xcrun notarytool not found (Xcode 13+)"
    fi
fi

# -- the build venv ---------------------------------------------------------------------------
# Its own venv from requirements.lock (universal, so the macOS wheels are pinned too): the
# bundle holds exactly the locked versions, whatever else the machine has.
DIST_VENV=.venv-dist
PY="$DIST_VENV/bin/python"
if [ "$DRY_RUN" = 1 ]; then
    STAMP_WANT=dry-run
else
    lock_hash=$(shasum -a 256 requirements.lock | cut -d' ' -f1)
    STAMP_WANT="$lock_hash ${PYINSTALLER_PINS[*]} $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
fi
if [ ! -f "$DIST_VENV/.installed" ] || [ "$(cat "$DIST_VENV/.installed")" != "$STAMP_WANT" ]; then
    step "creating $DIST_VENV (requirements.lock + ${PYINSTALLER_PINS[*]})"
    run rm -rf "$DIST_VENV"
    run "$PYTHON" -m venv "$DIST_VENV"
    run "$PY" -m pip install --quiet --upgrade "pip>=24"
    run "$PY" -m pip install --quiet -r requirements.lock "${PYINSTALLER_PINS[@]}"
    [ "$DRY_RUN" = 1 ] || echo "$STAMP_WANT" > "$DIST_VENV/.installed"
else
    step "reusing $DIST_VENV"
fi

# -- bundle -----------------------------------------------------------------------------------
step "catalogues"
run "$PY" -m babel.messages.frontend compile -D cmdesk -d src/cmdesk/locale

step "pyinstaller"
run rm -rf dist/cmdesk "$APP" build/pyinstaller
run "$DIST_VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/cmdesk.spec
run plutil -lint "$APP/Contents/Info.plist"

step "checks of the frozen app"
SMOKE_HOME=build/smoke-home
run rm -rf "$SMOKE_HOME"
if [ "$DRY_RUN" = 1 ]; then
    run "$APP/Contents/MacOS/cmdesk" --version
else
    got=$("$APP/Contents/MacOS/cmdesk" --version) || die "the frozen cmdesk does not start"
    [ "$got" = "cmdesk $VERSION" ] || die "the frozen cmdesk says '$got', expected 'cmdesk $VERSION'"
fi
run "$APP/Contents/MacOS/cmdesk" --home "$SMOKE_HOME" demo
run env QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/cmdesk-gui" --home "$SMOKE_HOME" --smoke

# -- signing ----------------------------------------------------------------------------------
# --force replaces the ad-hoc signatures PyInstaller gave each binary (Apple silicon runs no
# unsigned code); --deep signs every library and plugin in Contents/Frameworks and both
# executables; --options runtime (the hardened runtime) and --timestamp are what
# notarisation requires.
if [ -n "$SIGN_IDENTITY" ]; then
    step "codesign $APP"
    run codesign --force --deep --options runtime --timestamp \
        --entitlements "$HERE/entitlements.plist" --sign "$SIGN_IDENTITY" "$APP"
    run codesign --verify --deep --strict --verbose=2 "$APP"
else
    step "not signing (MACOS_SIGN_IDENTITY is not set)"
fi

# -- disk image -------------------------------------------------------------------------------
step "$DMG"
STAGE=build/dmg
run rm -rf "$STAGE" "$DMG"
run mkdir -p "$STAGE"
run ditto "$APP" "$STAGE/cmdesk.app"   # ditto keeps the signatures' extended attributes
run ln -s /Applications "$STAGE/Applications"
run hdiutil create -volname "cmdesk $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [ -n "$SIGN_IDENTITY" ]; then
    run codesign --force --timestamp --sign "$SIGN_IDENTITY" "$DMG"
fi

# -- notarisation -----------------------------------------------------------------------------
# The image is submitted (Apple checks the app inside it) and the ticket stapled to it, so
# Gatekeeper accepts it offline too.
if [ ${#notary[@]} -gt 0 ]; then
    step "notarisation"
    show xcrun notarytool submit "$DMG" "${notary[@]}" --wait --output-format json
    if [ "$DRY_RUN" = 0 ]; then
        result=$(xcrun notarytool submit "$DMG" "${notary[@]}" --wait --output-format json) \
            || die "notarytool submit failed: $result"
        echo "$result"
        # Whatever Apple decided, the submission itself succeeded: read the verdict. The
        # JSON object is the last line that starts with "{".
        read -r status id < <("$PY" -c '
import json, sys
lines = [line for line in sys.argv[1].splitlines() if line.startswith("{")]
info = json.loads(lines[-1]) if lines else {}
print(info.get("status", "unknown").replace(" ", "_"), info.get("id", ""))
' "$result")
        if [ "$status" != Accepted ]; then
            [ -z "$id" ] || xcrun notarytool log "$id" "${notary[@]}" >&2 || true
            die "notarisation status: $status (Apple's log is above)"
        fi
    fi
    run xcrun stapler staple "$DMG"
    run xcrun stapler validate "$DMG"
    run spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
else
    step "not notarising (MACOS_NOTARY_PROFILE or APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD not set)"
fi

echo
echo "app:  $APP"
echo "dmg:  $DMG"
if [ -z "$SIGN_IDENTITY" ]; then
    echo "UNSIGNED image: macOS will refuse to open cmdesk at first; users right-click it and"
    echo "choose Open (or allow it in System Settings > Privacy & Security). See docs/en/getting-started.md."
elif [ ${#notary[@]} -eq 0 ]; then
    echo "signed but NOT notarised: Gatekeeper still warns on other Macs."
fi
