"""A private, real Secret Service for tests: its own D-Bus session bus and its own
gnome-keyring-daemon, with HOME and the XDG folders in a temporary directory, so a test
never touches the user's bus or keyring.

Used by the `secret_service` fixtures (tests/store/conftest.py); importable from any
test that puts tests/ on sys.path.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import secretstorage
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")
START_TIMEOUT = 15.0
SECRETS_NAME = "org.freedesktop.secrets"

# The standard session.conf, minus its service directories: with them, the first call to
# org.freedesktop.secrets made before our daemon owns the name D-Bus-activates a second
# gnome-keyring-daemon (no password, not ours to stop) that races ours for the name and
# for login.keyring. An empty service directory also means an unlock prompter cannot be
# activated, so an unlock request ends at once as dismissed rather than waiting for a user.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class SecretServiceMissing(RuntimeError):
    """The programs are not installed (Debian packages dbus, gnome-keyring)."""


@dataclass
class SecretService:
    root: Path  # HOME, XDG_* and the runtime dir all live below it
    address: str  # DBUS_SESSION_BUS_ADDRESS of the private bus
    password: str  # the login keyring's password
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def home(self) -> Path:
        return self.root / "home"

    def connect(self) -> DBusConnection:
        """A D-Bus connection to this bus (close it: `with closing(...)`)."""
        return open_dbus_connection(bus=self.address)

    def lock_default_collection(self) -> None:
        with closing(self.connect()) as conn:
            collection = secretstorage.get_default_collection(conn)
            collection.lock()
            if not collection.is_locked():
                raise RuntimeError("gnome-keyring did not lock its login collection")

    def files_containing(self, needle: str) -> list[Path]:
        """Every file under root whose bytes contain needle (UTF-8 or UTF-16)."""
        patterns = [needle.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
        found = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.is_socket():
                data = path.read_bytes()
                if any(p in data for p in patterns):
                    found.append(path)
        return found

    def stop(self) -> None:
        # Only the processes started here, by pid; keyring daemon first so it does not
        # log errors about its bus vanishing.
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


def missing_service(reason: str) -> None:
    # A developer without gnome-keyring gets a skip; CI installs it (.ci/run), so there a
    # missing Secret Service is a broken setup and must fail, not pass silently.
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but no Secret Service can run: {reason}")
    pytest.skip(f"no Secret Service for the keyring tests: {reason}")


def missing_programs() -> list[str]:
    return [name for name in PROGRAMS if shutil.which(name) is None]


def _isolated_env(root: Path) -> dict[str, str]:
    home = root / "home"
    runtime = root / "run"
    for folder in (home, runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)  # gnome-keyring refuses a runtime dir others can read
    # No DISPLAY / WAYLAND_DISPLAY either: nothing may open a window or a prompt.
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
    }


def _read_address(proc: subprocess.Popen[bytes], log: Path) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT)
    line = proc.stdout.readline().decode().strip() if ready else ""
    if not line:
        raise RuntimeError(f"dbus-daemon printed no address; log: {log.read_text()!r}")
    return line


def _wait_unlocked(
    service: SecretService, keyring_proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if keyring_proc.poll() is not None:
            raise RuntimeError(f"gnome-keyring-daemon exited; log: {log.read_text()!r}")
        try:
            with closing(service.connect()) as conn:
                # NameHasOwner never activates anything; ask the service itself only once
                # our daemon holds the name.
                owned = conn.send_and_get_reply(message_bus.NameHasOwner(SECRETS_NAME))
                if owned.body[0]:
                    # The "default" alias, not get_default_collection(): that one would
                    # create a collection (and prompt) if --unlock had not made "login".
                    collection = secretstorage.Collection(conn)
                    if not collection.is_locked():
                        return
        except Exception as exc:  # still starting
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"Secret Service not ready ({last!r}); log: {log.read_text()!r}")


@contextmanager
def running_secret_service(
    root: Path, password: str = "cmdesk-test-password"
) -> Iterator[SecretService]:
    """Start dbus-daemon + gnome-keyring-daemon (login keyring unlocked), stop them after."""
    missing = missing_programs()
    if missing:
        raise SecretServiceMissing(
            f"{', '.join(missing)} not installed (Debian packages: dbus, gnome-keyring)"
        )
    env = _isolated_env(root)
    log = root / "daemons.log"
    services = root / "dbus-services"
    services.mkdir(exist_ok=True)
    config = root / "bus.conf"
    config.write_text(BUS_CONFIG.format(services=services))
    service = SecretService(root=root, address="", password=password)
    with open(log, "wb") as log_file:
        try:
            # --nofork: the Popen child *is* the daemon, so stop() ends exactly it.
            bus = subprocess.Popen(
                ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE,
                stderr=log_file,
                env=env,
                start_new_session=True,  # a Ctrl-C in the terminal is for pytest only
            )
            service.processes.insert(0, bus)
            service.address = _read_address(bus, log)
            env["DBUS_SESSION_BUS_ADDRESS"] = service.address
            # --unlock reads the password on stdin and creates/unlocks the "login"
            # collection, which becomes the default alias; --foreground for the same
            # reason as --nofork above.
            daemon = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log_file,
                stderr=log_file,
                env=env,
                start_new_session=True,
            )
            service.processes.insert(0, daemon)
            assert daemon.stdin is not None
            daemon.stdin.write(password.encode())
            daemon.stdin.close()
            _wait_unlocked(service, daemon, log)
            yield service
        finally:
            service.stop()
            if service.processes and service.processes[-1].stdout is not None:
                service.processes[-1].stdout.close()
