"""Is a workspace on a network share or in a synced folder?

SQLite's WAL needs shared memory between processes on one machine; network file
systems do not provide it reliably, and sync clients (Dropbox, OneDrive, ...) copy
the file while it is being written and may resurrect old copies. Both can corrupt
a workspace, so the user gets a visible warning.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath

from cmdesk.i18n import _

SYNC_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "mon drive": "Google Drive",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "icloud drive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "pcloud": "pCloud",
    "pcloud drive": "pCloud",
    "box": "Box",
    "box sync": "Box",
    "megasync": "MEGA",
    "mega": "MEGA",
    "seafile": "Seafile",
    "sync.com": "Sync.com",
    "syncthing": "Syncthing",
}
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "afpfs",
    "webdav",
    "davfs",
    "fuse.davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.gvfsd-fuse",
    "9p",
    "ceph",
    "glusterfs",
    "fuse.glusterfs",
    "afs",
}


def sync_service(path: PurePath) -> str | None:
    """The sync service whose folder contains `path`, judged by folder names."""
    folders = path.parts[:-1]
    for index, part in enumerate(folders):
        name = part.casefold()
        if name == "cloudstorage" and index + 1 < len(folders):
            # macOS ~/Library/CloudStorage/<Provider>-<account>: name the provider.
            provider = folders[index + 1].split("-")[0]
            return sync_service(PurePath(provider, "x")) or provider
        if name.startswith("onedrive"):  # "OneDrive - Contoso"
            return "OneDrive"
        if name.startswith("dropbox"):  # "Dropbox (Personal)"
            return "Dropbox"
        if name.startswith("googledrive-") or name.startswith("google drive"):
            return "Google Drive"
        if name in SYNC_FOLDERS:
            return SYNC_FOLDERS[name]
    return None


def filesystem_type(path: Path, mounts_text: str | None = None) -> str | None:
    """Linux: the type of the mount holding `path`, from /proc/mounts (or the given text)."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = str(path)
    best, best_type = "", None
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def _windows_remote(path: PurePath) -> bool:
    text = str(path)
    if text.startswith("\\\\"):  # UNC path: \\server\share
        return True
    if sys.platform != "win32":
        return False
    import ctypes

    drive_remote = 4
    root = os.path.splitdrive(text)[0] + "\\"
    return bool(ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote)


def location_warning(path: Path, mounts_text: str | None = None) -> str | None:
    """A warning for the user, or None when the location is a plain local disk."""
    path = Path(path).absolute()
    service = sync_service(path)
    if service:
        return _(
            "This workspace is in a {service} folder. Sync services copy files while they "
            "are being written, which can damage a workspace or bring back an old copy. Keep "
            "workspaces in a local folder and use cmdesk's backups to move them."
        ).format(service=service)
    remote = _windows_remote(path)
    if not remote and sys.platform.startswith("linux"):
        fstype = filesystem_type(path, mounts_text)
        remote = fstype is not None and fstype.casefold() in NETWORK_FS
    if remote:
        return _(
            "This workspace is on a network share. Workspaces are safe only on a local disk: "
            "a network share can damage them. Copy it to this computer to work on it."
        )
    return None
