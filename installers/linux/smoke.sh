#!/usr/bin/env bash
# Installs the .deb, runs the installed cmdesk through its paces, removes it.
#
#   installers/linux/smoke.sh [dist/cmdesk_<version>_amd64.deb]
#
# Runs as root (as in CI): dpkg -i, apt-get -f install for missing dependencies,
# dpkg -r at the end (also after a failure). Exits non-zero on the first failure,
# saying what failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

fail() { echo "smoke.sh: FAILED: $*" >&2; exit 1; }
step() { echo "==> $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i / dpkg -r)"
DEB=${1:-}
if [ -z "$DEB" ]; then
    DEB=$(ls -t "$ROOT"/dist/cmdesk_*_amd64.deb 2>/dev/null | head -n 1 || true)
fi
[ -n "$DEB" ] || fail "no .deb given and none in dist/: run installers/linux/build.sh"
[ -f "$DEB" ] || fail "$DEB does not exist"
VERSION=$(dpkg-deb -f "$DEB" Version)

WORK=$(mktemp -d)
installed=0
cleanup() {
    status=$?
    rm -rf "$WORK"
    if [ "$installed" = 1 ]; then
        echo "==> dpkg -r cmdesk (cleanup)"
        dpkg -r cmdesk >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT

# Output of a check goes to a file and is shown when the check fails.
run() {  # run NAME COMMAND...: fails with the command's output on a non-zero exit
    local name=$1; shift
    if ! "$@" >"$WORK/out" 2>"$WORK/err"; then
        cat "$WORK/out" "$WORK/err" >&2
        fail "$name: \`$*\` exited non-zero"
    fi
}
expect() {  # expect NAME PATTERN: the last run's stdout matches the extended regex
    grep -Eq -- "$2" "$WORK/out" || { cat "$WORK/out" "$WORK/err" >&2; fail "$1: output does not match /$2/"; }
}

# -- install ---------------------------------------------------------------------------------
step "dpkg -i $DEB"
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "$DEB"; then
    step "apt-get -f install (missing dependencies)"
    apt-get update -qq || true
    apt-get -f install -y -qq || fail "apt-get -f install could not install the dependencies"
fi
installed=1
[ "$(dpkg-query -W -f='${Status}' cmdesk 2>/dev/null)" = "install ok installed" ] \
    || fail "cmdesk is not installed after dpkg -i"
for path in /opt/cmdesk/cmdesk /opt/cmdesk/cmdesk-gui /usr/share/applications/cmdesk.desktop \
    /usr/share/icons/hicolor/scalable/apps/cmdesk.svg /usr/share/icons/hicolor/48x48/apps/cmdesk.png \
    /usr/share/icons/hicolor/256x256/apps/cmdesk.png /usr/share/mime/packages/cmdesk.xml; do
    [ -e "$path" ] || fail "$path is missing after installation"
done
[ "$(command -v cmdesk)" = /usr/bin/cmdesk ] || fail "cmdesk on PATH is $(command -v cmdesk || echo nothing), not /usr/bin/cmdesk"
[ "$(readlink -f /usr/bin/cmdesk-gui)" = /opt/cmdesk/cmdesk-gui ] || fail "/usr/bin/cmdesk-gui does not point to /opt/cmdesk/cmdesk-gui"
if command -v update-mime-database >/dev/null && [ -f /usr/share/mime/globs2 ]; then
    grep -q 'application/x-cmdesk-workspace:\*\.cmdesk' /usr/share/mime/globs2 \
        || fail "the MIME database does not know *.cmdesk (postinst)"
fi

# From here on, everything runs from the installed copy, in a throwaway home, with no
# user locale: each check sets the language it needs.
cd "$WORK"
H="$WORK/home"
unset CMDESK_HOME LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8

# -- command line -----------------------------------------------------------------------------
step "cmdesk --version"
run version cmdesk --version
expect version "^cmdesk ${VERSION//./\\.}$"

step "cmdesk --home \$tmp demo"
run demo cmdesk --home "$H" demo
ls "$H"/clients/*.cmdesk >/dev/null 2>&1 || fail "demo: no workspace file in $H/clients"

step "French and English catalogues"
run french env LANGUAGE=fr cmdesk --home "$WORK/empty" clients list
expect "French strings (cmdesk.mo)" "^Aucun client pour l'instant\.$"
run french-help env LANGUAGE=fr cmdesk --help
expect "French --help" "démarrer l'application"
run english env LANGUAGE=en cmdesk --home "$WORK/empty" clients list
expect "English strings" "^No clients yet\.$"

step "time zones (zoneinfo with the bundled tzdata, the host's zoneinfo hidden)"
# PYTHONTZPATH pointing nowhere leaves the tzdata package inside the bundle as the only
# source, so this fails if the bundle lacks it even on a host with /usr/share/zoneinfo.
run timezone env PYTHONTZPATH="$WORK/no-zoneinfo" LANGUAGE=en \
    cmdesk --home "$H" --json clients create "Café Test" --slug cafe-test --timezone Europe/Paris
expect timezone '"slug": "cafe-test"'
if env PYTHONTZPATH="$WORK/no-zoneinfo" cmdesk --home "$H" clients create "Mars" \
    --timezone Mars/Olympus >"$WORK/out" 2>&1; then
    fail "timezone: an unknown zone (Mars/Olympus) was accepted"
fi
run timezone-list cmdesk --home "$H" --json clients list
expect timezone-list '"cafe-test"'

step "check and backup"
run check cmdesk --home "$H" --client cafe-test check
run backup cmdesk --home "$H" --client cafe-test backup

step "a feed parsed: five feeds on 127.0.0.1, subscribed, refreshed by the worker processes"
mkdir -p "$WORK/site"
for n in 1 2 3 4 5; do
    cat >"$WORK/site/feed$n.xml" <<FEED
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Smoke $n</title><link>http://127.0.0.1/</link>
<item><title>Galette des rois primée $n</title><link>http://127.0.0.1/$n/a</link><guid>$n-a</guid>
<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Une réclamation &lt;script&gt;alert(1)&lt;/script&gt;très déçue&lt;/p&gt;</description></item>
</channel></rss>
FEED
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
for n in 1 2 3 4 5; do
    run "feeds add $n" cmdesk --home "$H" --client cafe-test feeds add "http://127.0.0.1:$port/feed$n.xml"
done
# Five sources: parsed in worker processes, which a frozen app must be able to start.
run refresh cmdesk --home "$H" --client cafe-test --json refresh
expect refresh '"new_mentions": 5'
expect refresh '"failed": 0'
run search cmdesk --home "$H" --client cafe-test --json search reclamation
expect "search (accents folded)" 'Galette des rois prim'
mention=$(grep -Eo '"id": [0-9]+' "$WORK/out" | head -n 1 | grep -Eo '[0-9]+')
run "mentions show" cmdesk --home "$H" --client cafe-test --json mentions show "$mention"
expect "sentiment" '"sentiment": "negative"'
if grep -q '<script' "$WORK/out"; then fail "mentions show: a script survived sanitising"; fi
kill "$server_pid" 2>/dev/null || true

step "https: the bundled authorities (certifi's cacert.pem) load, a self-signed site is refused"
# Without the file the refresh says "No such file or directory" instead.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    >/dev/null 2>&1 || fail "https: openssl could not make a certificate (apt-get install openssl)"
tls_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$tls_port" "$WORK" >/dev/null 2>&1 <<'SERVER' &
import functools, http.server, ssl, sys
port, work = int(sys.argv[1]), sys.argv[2]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=work + "/site")
httpd = http.server.HTTPServer(("127.0.0.1", port), handler)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(work + "/cert.pem", work + "/key.pem")
httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
SERVER
tls_pid=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && break
    sleep 0.1
done
run "feeds add https" cmdesk --home "$H" --client cafe-test feeds add "https://127.0.0.1:$tls_port/feed1.xml"
# Only the new source is due; a failed source makes refresh exit non-zero.
env LANGUAGE=en cmdesk --home "$H" --client cafe-test --json refresh >"$WORK/out" 2>"$WORK/err" || true
expect "https (certifi's authorities)" "security certificate was refused"
kill "$tls_pid" 2>/dev/null || true

step "keyring inside a D-Bus session (gnome-keyring's Secret Service)"
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    mkdir -p "$WORK/keyring-home" "$WORK/keyring-run" && chmod 700 "$WORK/keyring-run"
    run keyring env HOME="$WORK/keyring-home" XDG_RUNTIME_DIR="$WORK/keyring-run" \
        XDG_DATA_HOME="$WORK/keyring-home/.local/share" dbus-run-session -- sh -c \
        'printf smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
         cmdesk --json secrets check'
    expect keyring '"ok": true'
else
    fail "keyring: dbus-run-session and gnome-keyring-daemon are needed (apt-get install dbus gnome-keyring)"
fi

# -- GUI --------------------------------------------------------------------------------------
smoke_json() {  # smoke_json NAME: the last run printed the smoke JSON line
    expect "$1" '^\{.*"first_paint_s": [0-9.]+.*\}$'
    expect "$1" '"rss_mb": [0-9.]+'
    grep -E '"first_paint_s"' "$WORK/out" | tail -n 1
}
step "QT_QPA_PLATFORM=offscreen cmdesk gui --smoke"
run gui env QT_QPA_PLATFORM=offscreen LANGUAGE=en cmdesk --home "$H" --client cafe-test gui --smoke
smoke_json gui
expect gui '"client": "cafe-test"'
expect gui '"language": "en"'

step "the same in French: the .mo catalogue and Qt's qtbase_fr.qm"
run gui-fr env QT_QPA_PLATFORM=offscreen LANGUAGE=fr cmdesk --home "$H" --client cafe-test gui --smoke
smoke_json gui-fr
expect gui-fr '"language": "fr"'
expect "Qt's French translation (qtbase_fr.qm)" '"qt_translators": 1'

step "cmdesk-gui --smoke (the desktop launcher)"
run gui-launcher env QT_QPA_PLATFORM=offscreen cmdesk-gui --home "$H" --smoke
smoke_json gui-launcher

step "a .cmdesk file given to the launcher opens in the app (the file manager's %f)"
for demo_file in "$H"/clients/*.cmdesk; do
    [ "$(basename "$demo_file")" != cafe-test.cmdesk ] && break
done
run open-file env QT_QPA_PLATFORM=offscreen cmdesk-gui --home "$H" --smoke "$demo_file"
smoke_json open-file
expect open-file "\"client\": \"$(basename "$demo_file" .cmdesk)\""
# Desktops read the type from the shared MIME database (xdg-mime's own "filetype" query
# asks file(1) outside a desktop session, which only sees an SQLite database).
grep -q '^[0-9]*:application/x-cmdesk-workspace:\*\.cmdesk' /usr/share/mime/globs2 \
    || fail "MIME type: *.cmdesk is not in the shared MIME database (globs2)"
if command -v xdg-mime >/dev/null; then
    run mime-default xdg-mime query default application/x-cmdesk-workspace
    expect mime-default '^cmdesk\.desktop$'
else
    echo "    (xdg-utils not installed: the MIME association was not queried)"
fi

if command -v xvfb-run >/dev/null; then
    step "cmdesk gui --smoke on X11 (xcb platform plugin, under Xvfb)"
    run gui-xcb env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1280x800x24" \
        cmdesk --home "$H" --client cafe-test gui --smoke
    smoke_json gui-xcb
else
    echo "    (xvfb-run not installed: X11 check skipped)"
fi

# -- removal ----------------------------------------------------------------------------------
step "dpkg -r cmdesk"
dpkg -r cmdesk >/dev/null || fail "dpkg -r cmdesk failed"
installed=0
for path in /opt/cmdesk /usr/bin/cmdesk /usr/bin/cmdesk-gui /usr/share/applications/cmdesk.desktop; do
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path is still there after dpkg -r"
done

echo "smoke.sh: all checks passed (cmdesk $VERSION)"
