"""Warnings for workspaces in synced folders or on network shares."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from cmdesk.store.location import _windows_remote, filesystem_type, location_warning, sync_service

MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
//nas/partage /mnt/nas cifs rw,vers=3.0 0 0
srv:/export/home /home/lea/reseau nfs4 rw 0 0
sshfs#lea@box: /home/lea/box\\040distante fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "service"),
    [
        (PurePosixPath("/home/lea/Dropbox/clients/a.cmdesk"), "Dropbox"),
        (PurePosixPath("/home/lea/Dropbox (Personal)/a.cmdesk"), "Dropbox"),
        (PureWindowsPath(r"C:\Users\lea\OneDrive - Contoso\a.cmdesk"), "OneDrive"),
        (PureWindowsPath(r"G:\Mon Drive\cmdesk\a.cmdesk"), "Google Drive"),
        (PurePosixPath("/home/lea/Nextcloud/a.cmdesk"), "Nextcloud"),
        (PurePosixPath("/Users/lea/Library/CloudStorage/GoogleDrive-lea/a.cmdesk"), "Google Drive"),
        (PurePosixPath("/Users/lea/Library/CloudStorage/OneDrive-Perso/a.cmdesk"), "OneDrive"),
        (PurePosixPath("/Users/lea/Library/CloudStorage/Tresorit-lea/a.cmdesk"), "Tresorit"),
        (PurePosixPath("/home/lea/Documents/clients/a.cmdesk"), None),
        # Only folders count: a client named after a service is not a synced folder.
        (PurePosixPath("/home/lea/clients/dropbox.cmdesk"), None),
    ],
)
def test_sync_folders_by_name(path: PurePosixPath, service: str | None) -> None:
    assert sync_service(path) == service


def test_filesystem_type_picks_the_deepest_mount() -> None:
    assert filesystem_type(Path("/mnt/nas/clients/a.cmdesk"), MOUNTS) == "cifs"
    assert filesystem_type(Path("/home/lea/reseau/a.cmdesk"), MOUNTS) == "nfs4"
    assert filesystem_type(Path("/home/lea/box distante/a.cmdesk"), MOUNTS) == "fuse.sshfs"
    assert filesystem_type(Path("/home/lea/local/a.cmdesk"), MOUNTS) == "ext4"
    assert filesystem_type(Path("/mnt/nasty/a.cmdesk"), MOUNTS) == "ext4"  # not /mnt/nas


def test_warnings_in_plain_words() -> None:
    synced = location_warning(Path("/home/lea/Dropbox/a.cmdesk"), MOUNTS)
    assert synced is not None and "Dropbox folder" in synced
    share = location_warning(Path("/mnt/nas/a.cmdesk"), MOUNTS)
    assert share is not None and "network share" in share
    assert location_warning(Path("/home/lea/local/a.cmdesk"), MOUNTS) is None


def test_unc_paths_are_network_shares() -> None:
    assert _windows_remote(PureWindowsPath(r"\\nas\partage\a.cmdesk"))
    assert not _windows_remote(PureWindowsPath(r"C:\Users\lea\a.cmdesk"))
