#!/usr/bin/env bash
# Linux release: PyInstaller onedir bundle, a tarball and a .deb.
#
#   installers/linux/build.sh            (from anywhere; needs the repo's .venv: `make setup`)
#
# Outputs, in dist/:
#   cmdesk/                                 the bundle (cmdesk, cmdesk-gui, _internal/)
#   cmdesk-<version>-linux-x86_64.tar.gz    the bundle as cmdesk-<version>/
#   cmdesk_<version>_amd64.deb              /opt/cmdesk, /usr/bin/cmdesk{,-gui}, desktop
#                                           entry, icons (SVG and PNG), MIME type
# Needs: binutils (objdump, strip), dpkg-deb, tar, gzip. Exits non-zero if the bundle
# exceeds MAX_BUNDLE_MB (160, SI megabytes of file content).
#
# Environment: MAX_BUNDLE_MB, DEB_MAINTAINER ("Name <email>"), DEB_COMPRESSION (xz, the
# Debian default: ~40 MB but ~80 s on 2 cores; gzip: ~55 MB in ~8 s) override the defaults.
set -euo pipefail

PYINSTALLER_PINS=(
    "pyinstaller==6.22.3"               # supports Python 3.8-3.14 and PySide6 6.11
    "pyinstaller-hooks-contrib==2026.9"
    "altgraph==0.17.5"
)
MAX_BUNDLE_MB=${MAX_BUNDLE_MB:-160}
DEB_MAINTAINER=${DEB_MAINTAINER:-"cmdesk contributors <cmdesk@localhost>"}
DEB_COMPRESSION=${DEB_COMPRESSION:-xz}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/installers/linux"
cd "$ROOT"

die() { echo "build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*"; }

started=$(date +%s.%N)

# -- tools ------------------------------------------------------------------------------------
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)   # /sbin may not be on a user's PATH
for tool in objdump strip dpkg-deb tar gzip "$LDCONFIG" dpkg; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install binutils dpkg-dev)"
done
[ "$(uname -m)" = x86_64 ] || die "this script builds x86_64 packages; this machine is $(uname -m)"

# -- the build venv ---------------------------------------------------------------------------
[ -x .venv/bin/python ] || die ".venv not found: run \`make setup\` first"
BASE_PY=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
"$BASE_PY" - <<'EOF' || die "PyInstaller needs a Python built with --enable-shared (libpython3.x.so)"
import sys, sysconfig
sys.exit(0 if sysconfig.get_config_var("Py_ENABLE_SHARED") else 1)
EOF

DIST_VENV=.venv-dist
STAMP_WANT="$(sha256sum requirements.lock | cut -d' ' -f1) ${PYINSTALLER_PINS[*]} $("$BASE_PY" -c 'import sys; print(sys.version.split()[0])')"
if [ ! -f "$DIST_VENV/.installed" ] || [ "$(cat "$DIST_VENV/.installed")" != "$STAMP_WANT" ]; then
    step "creating $DIST_VENV (requirements.lock + ${PYINSTALLER_PINS[*]})"
    rm -rf "$DIST_VENV"
    "$BASE_PY" -m venv "$DIST_VENV"
    "$DIST_VENV/bin/python" -m pip install --quiet --upgrade "pip>=24"
    "$DIST_VENV/bin/python" -m pip install --quiet -r requirements.lock "${PYINSTALLER_PINS[@]}"
    echo "$STAMP_WANT" > "$DIST_VENV/.installed"
else
    step "reusing $DIST_VENV"
fi
PY="$DIST_VENV/bin/python"

VERSION=$("$PY" - <<'EOF'
import re, pathlib
text = pathlib.Path("src/cmdesk/__init__.py").read_text(encoding="utf-8")
print(re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M).group(1))
EOF
)
[ -n "$VERSION" ] || die "no __version__ in src/cmdesk/__init__.py"
step "cmdesk $VERSION"

# -- translations (build products; `make setup` normally compiles them) -----------------------
for po in src/cmdesk/locale/*/LC_MESSAGES/cmdesk.po; do
    [ -e "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
        lang=$(basename "$(dirname "$(dirname "$po")")")
        step "compiling $mo"
        "$PY" -m babel.messages.frontend compile -D cmdesk -d src/cmdesk/locale -l "$lang"
    fi
done

# -- bundle -----------------------------------------------------------------------------------
step "pyinstaller"
pyi_started=$(date +%s.%N)
rm -rf dist/cmdesk build/pyinstaller
"$DIST_VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/cmdesk.spec
pyi_ended=$(date +%s.%N)
BUNDLE=dist/cmdesk

got=$("$BUNDLE/cmdesk" --version) || die "the frozen cmdesk does not start"
[ "$got" = "cmdesk $VERSION" ] || die "the frozen cmdesk says '$got', expected 'cmdesk $VERSION'"

bytes=$(du -sb "$BUNDLE" | cut -f1)
size_mb=$("$PY" -c "print(f'{$bytes / 1e6:.1f}')")
if [ "$bytes" -gt $((MAX_BUNDLE_MB * 1000000)) ]; then
    echo "bundle size: ${size_mb} MB" >&2
    die "the bundle exceeds ${MAX_BUNDLE_MB} MB: see the largest files with \`du -ah $BUNDLE | sort -h | tail -30\`"
fi

# -- tarball ----------------------------------------------------------------------------------
TARBALL="dist/cmdesk-${VERSION}-linux-x86_64.tar.gz"
step "$TARBALL"
tar -C dist --sort=name --owner=0 --group=0 --numeric-owner \
    --transform "flags=r;s,^cmdesk,cmdesk-${VERSION}," -czf "$TARBALL" cmdesk

# -- .deb -------------------------------------------------------------------------------------
DEB="dist/cmdesk_${VERSION}_amd64.deb"
step "$DEB"
STAGE="build/deb/cmdesk_${VERSION}_amd64"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps" \
    "$STAGE/usr/share/icons/hicolor/scalable/mimetypes" \
    "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/doc/cmdesk"
cp -a "$BUNDLE" "$STAGE/opt/cmdesk"
ln -s /opt/cmdesk/cmdesk "$STAGE/usr/bin/cmdesk"
ln -s /opt/cmdesk/cmdesk-gui "$STAGE/usr/bin/cmdesk-gui"
install -m 0644 "$HERE/cmdesk.desktop" "$STAGE/usr/share/applications/cmdesk.desktop"
ICON=src/cmdesk/resources/icons/app.svg
[ -f "$ICON" ] || ICON="$HERE/cmdesk.svg"
install -m 0644 "$ICON" "$STAGE/usr/share/icons/hicolor/scalable/apps/cmdesk.svg"
install -m 0644 "$ICON" \
    "$STAGE/usr/share/icons/hicolor/scalable/mimetypes/application-x-cmdesk-workspace.svg"
install -m 0644 "$HERE/cmdesk-mime.xml" "$STAGE/usr/share/mime/packages/cmdesk.xml"
# Bitmap renderings too (tools/make_icons.py): panels, docks and file managers that do
# not draw SVG, or draw it badly at 16-32 px, pick these. postinst refreshes the cache.
for size in 16 24 32 48 64 128 256 512; do
    png="installers/icons/cmdesk-${size}.png"
    [ -f "$png" ] || die "$png is missing: run \`make icons\`"
    for kind in apps mimetypes; do
        name=cmdesk.png
        [ "$kind" = mimetypes ] && name=application-x-cmdesk-workspace.png
        install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/$kind/$name"
    done
done
cat > "$STAGE/usr/share/doc/cmdesk/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: cmdesk

Files: *
Copyright: cmdesk contributors
License: GPL-3.0-or-later
 On Debian systems, the full text of the GNU General Public License version 3
 can be found in /usr/share/common-licenses/GPL-3.
 .
 /opt/cmdesk/_internal bundles Python, Qt 6 and PySide6 (LGPL-3.0) and the Python
 packages listed in requirements.lock, each under its own licence.
EOF
install -m 0755 "$HERE/postinst" "$STAGE/DEBIAN/postinst"
install -m 0755 "$HERE/postrm" "$STAGE/DEBIAN/postrm"
chmod -R u+rwX,go+rX,go-w "$STAGE"

# Depends: the shared libraries the bundle's ELF files link to that the bundle does not
# carry (the cmdesk.spec leaves the host's X11/xcb/GL/fontconfig/glib/D-Bus/libstdc++ out
# on purpose), mapped to the Debian packages that own them on this build machine. The GTK
# platform theme plugin is optional (Qt skips it where GTK 3 is missing): Recommends.
OPTIONAL_ELF='/platformthemes/libqgtk3\.so$'
declare -A provided=() wanted=()
while IFS= read -r name; do provided["$name"]=1; done \
    < <(find "$BUNDLE" \( -type f -o -type l \) -printf '%f\n')
glibc_max=0
while IFS= read -r -d '' file; do
    [[ "$file" =~ $OPTIONAL_ELF ]] && continue
    dyn=$(objdump -p "$file" 2>/dev/null) || continue   # not an ELF file
    while IFS= read -r name; do
        [ -n "${provided[$name]:-}" ] || wanted["$name"]="${wanted[$name]:-$file}"
    done < <(awk '$1 == "NEEDED" {print $2}' <<<"$dyn")
    v=$(objdump -T "$file" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1 || true)
    if [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$glibc_max" "$v" | sort -V | tail -1)" = "$v" ]; then
        glibc_max=$v
    fi
done < <(find "$BUNDLE" -type f -print0)

owner() {  # the package owning a library path, trying the merged-/usr spellings too
    local path=$1 p pkg
    for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do
        pkg=$(dpkg -S "$p" 2>/dev/null | awk -F: 'NR == 1 {print $1}') && [ -n "$pkg" ] \
            && echo "$pkg" && return 0
    done
    return 1
}
declare -A packages=()
missing=()
for name in "${!wanted[@]}"; do
    path=$("$LDCONFIG" -p | awk -v n="$name" '!done && $1 == n && /x86-64/ {print $NF; done = 1}')
    if [ -z "$path" ]; then
        missing+=("$name (needed by ${wanted[$name]#"$BUNDLE"/})")
        continue
    fi
    pkg=$(owner "$path") || die "no Debian package owns $path ($name)"
    packages["$pkg"]=1
done
[ ${#missing[@]} -eq 0 ] || die "not bundled and not installed here, so no package can be declared: ${missing[*]}"
deps=()
for pkg in $(printf '%s\n' "${!packages[@]}" | sort); do
    if [ "$pkg" = libc6 ] && [ "$glibc_max" != 0 ]; then
        deps+=("libc6 (>= $glibc_max)")
    else
        deps+=("$pkg")
    fi
done
DEPENDS=$(IFS=,; echo "${deps[*]}" | sed 's/,/, /g')

installed_kb=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: cmdesk
Version: ${VERSION}
Architecture: amd64
Maintainer: ${DEB_MAINTAINER}
Installed-Size: ${installed_kb}
Depends: ${DEPENDS}
Recommends: libgtk-3-0, gnome-keyring | kwalletmanager | keepassxc
Section: net
Priority: optional
Description: offline desk for community managers
 Monitoring (RSS/Atom feeds), publishing, interactions and reports for
 community managers, one workspace file (*.cmdesk) per client, fully
 offline. Passwords are kept in the desktop's keyring (Secret Service).
 .
 Commands: cmdesk (command line, scriptable) and cmdesk-gui (the application).
EOF
dpkg-deb --root-owner-group "-Z$DEB_COMPRESSION" --build "$STAGE" "$DEB" >/dev/null

# -- summary ----------------------------------------------------------------------------------
seconds() { "$PY" -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.1f}')" "$1" "$2"; }
total_seconds=$(seconds "$(date +%s.%N)" "$started")
pyi_seconds=$(seconds "$pyi_ended" "$pyi_started")
echo
echo "bundle:      $BUNDLE (${size_mb} MB, limit ${MAX_BUNDLE_MB} MB)"
echo "tarball:     $TARBALL ($(du -h "$TARBALL" | cut -f1))"
echo "deb:         $DEB ($(du -h "$DEB" | cut -f1))"
echo "Depends:     $DEPENDS"
echo "bundle size: ${size_mb} MB"
echo "build time:  ${total_seconds} s (pyinstaller ${pyi_seconds} s)"
