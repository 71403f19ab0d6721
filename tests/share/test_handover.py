"""Handing a client over: the copy carries no account, the guide speaks the client's
language, and a failure leaves no half-made folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.share.handover import hand_over
from cmdesk.store.workspace import Workspace


def test_folder_holds_a_copy_without_accounts_the_playbook_and_a_guide(
    ws: Workspace, tmp_path: Path
) -> None:
    account = ws.accounts.add("mastodon", "piaille.fr", "fournil", uid="acct-secret-ref-42")
    post = ws.posts.get(1)
    ws.posts.update_variant(post.variants[0].id, account_id=account.id)
    ws.update_profile(language="fr")
    folder = tmp_path / "remise"
    done = hand_over(ws, folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "LISEZ-MOI.html", "guide-de-marque-lea.pdf", "lea.cmdesk",
    ]  # fmt: skip
    assert done.accounts_removed == ["mastodon: fournil (https://piaille.fr)"]
    raw = done.workspace.read_bytes()
    assert b"acct-secret-ref-42" not in raw  # not even in free pages
    with Workspace.open(done.workspace) as copy:
        assert copy.accounts.all() == []
        assert copy.posts.get(1).variants[0].account_id is None
        assert [p.id for p in copy.posts.page()] == [p.id for p in ws.posts.page()]
        assert copy.profile().uid != ws.profile().uid
        assert copy.profile().name == ws.profile().name
    assert ws.accounts.all() != []  # the consultant's own file is untouched
    guide = done.guide.read_text(encoding="utf-8")
    assert '<html lang="fr">' in guide and "Comptes à reconnecter" in guide
    assert "<code>lea.cmdesk</code>" in guide and "1 source," in guide
    assert done.playbook.read_bytes().startswith(b"%PDF")


def test_refuses_a_folder_that_is_not_empty_and_leaves_nothing_on_failure(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("à moi")
    with pytest.raises(InvalidData, match="not empty"):
        hand_over(ws, busy)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("cmdesk.share.handover.export_playbook", broken)
    with pytest.raises(OSError, match="disk full"):
        hand_over(ws, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("lea.")) == [
        "busy"
    ]  # neither the folder nor its temporary


def test_the_copy_is_a_sound_workspace(ws: Workspace, tmp_path: Path) -> None:
    done = hand_over(ws, tmp_path / "h")
    db = sqlite3.connect(done.workspace)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM mention").fetchone() == (5,)
    db.close()
