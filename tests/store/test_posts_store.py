"""Posts in a real workspace: editing, states with their history, times around the clock
changes in Paris, the queue, images, comments and accounts."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import keyring.backends.SecretService
import pytest
import secretstorage

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.images import MAX_IMAGE_BYTES
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.core.schedule import AmbiguousTime, Frequency, Slot, WallKind
from cmdesk.store.secrets import KeyringSecrets, MemorySecrets
from cmdesk.store.workspace import Workspace
from keyring_service import SecretService

S = PostState
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        yield w


def test_a_post_is_edited_only_while_its_state_allows(ws: Workspace) -> None:
    post = ws.posts.create("Galette des rois", ["mastodon", "x"], title="Épiphanie", actor="lea")
    assert post.state is S.DRAFT and post.channels == ("mastodon", "x")
    ws.posts.update(post.id, text="Galette des rois 👑", actor="lea")
    x = post.variants[1]
    ws.posts.update_variant(x.id, text="Galette 👑 #epiphanie", actor="lea")
    post = ws.posts.schedule(post.id, datetime(2026, 1, 6, 9, 0), actor="lea")
    assert post.state is S.SCHEDULED
    # Scheduled: it goes out as it is; changing it needs a step back to draft.
    with pytest.raises(InvalidData, match="move it back to draft first"):
        ws.posts.update(post.id, text="Autre chose")
    with pytest.raises(InvalidData, match="move it back to draft first"):
        ws.posts.add_media(post.id, PNG, "Une galette")
    with pytest.raises(InvalidData, match="move it back to draft first"):
        ws.posts.update_variant(x.id, text=None)
    ws.posts.set_state(post.id, S.DRAFT, actor="lea", note="Le prix change")
    ws.posts.update(post.id, text="Galette des rois, 18 €")
    post = ws.posts.get(post.id)
    assert post.text == "Galette des rois, 18 €"
    assert [v.text_or(post.text) for v in post.variants] == [
        "Galette des rois, 18 €",
        "Galette 👑 #epiphanie",
    ]
    # Back in draft, nothing is due any more: the runner must not find it.
    assert ws.posts.due(datetime(2027, 1, 1, tzinfo=UTC)) == []
    with pytest.raises(InvalidData, match="Unknown post fields"):
        ws.posts.update(post.id, state="published")


def test_every_move_is_checked_and_recorded_with_who_and_what(ws: Workspace) -> None:
    post = ws.posts.create("Nouveau pain", ["bluesky"], state=S.IDEA, actor="lea")
    ws.posts.set_state(post.id, S.DRAFT, actor="lea")
    ws.posts.set_state(post.id, S.IN_REVIEW, actor="lea")
    ws.posts.set_state(post.id, S.CHANGES_REQUESTED, actor="marc", note="Plus court")
    with pytest.raises(InvalidData, match="cannot become"):
        ws.posts.set_state(post.id, S.APPROVED)  # the client sees it again first
    ws.posts.set_state(post.id, S.IN_REVIEW, actor="lea")
    ws.posts.set_state(post.id, S.APPROVED, actor="marc")
    for runner_state in (S.PUBLISHING, S.PUBLISHED, S.FAILED, S.UNKNOWN):
        with pytest.raises(InvalidData):
            ws.posts.set_state(post.id, runner_state)
    history = ws.posts.history(post.id)
    assert [(h.actor, h.from_state, h.to_state, h.detail) for h in history] == [
        ("lea", "", "idea", ""),
        ("lea", "idea", "draft", ""),
        ("lea", "draft", "in_review", ""),
        ("marc", "in_review", "changes_requested", "Plus court"),
        ("lea", "changes_requested", "in_review", ""),
        ("marc", "in_review", "approved", ""),
    ]
    assert all(h.at.tzinfo is not None for h in history)
    assert ws.posts.get(post.id).state is S.APPROVED


def test_a_refused_move_writes_neither_state_nor_history(ws: Workspace) -> None:
    post = ws.posts.create("Pain", ["mastodon"])
    before = ws.posts.history(post.id)
    with pytest.raises(InvalidData):
        ws.posts.schedule(post.id)  # no time yet
    with pytest.raises(InvalidData):
        ws.posts.set_state(post.id, S.CHANGES_REQUESTED)  # not in review
    assert ws.posts.history(post.id) == before and ws.posts.get(post.id).state is S.DRAFT


def test_a_time_in_the_spring_gap_is_refused_then_taken_as_chosen(ws: Workspace) -> None:
    post = ws.posts.create("Heure d'été", ["mastodon"])
    wall = datetime(2026, 3, 29, 2, 30)  # Paris jumps from 02:00 to 03:00
    with pytest.raises(AmbiguousTime, match="does not exist") as refused:
        ws.posts.schedule(post.id, wall)
    assert refused.value.wall.kind is WallKind.GAP
    assert ws.posts.get(post.id).state is S.DRAFT  # refused: nothing changed
    assert ws.posts.get(post.id).scheduled_at is None
    at_jump, later = refused.value.wall.choices
    # A made-up instant is not one of the choices.
    with pytest.raises(AmbiguousTime):
        ws.posts.schedule(post.id, wall, choice=at_jump + timedelta(minutes=5))
    post = ws.posts.schedule(post.id, wall, choice=at_jump)
    assert post.state is S.SCHEDULED
    assert post.scheduled_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert post.wall_time == datetime(2026, 3, 29, 3, 0)  # what the clock will show
    post = ws.posts.reschedule(post.id, wall, choice=later)
    assert post.scheduled_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert post.wall_time == datetime(2026, 3, 29, 3, 30)
    assert post.variants[0].due_at == post.scheduled_at  # the runner follows the new time


def test_a_time_in_the_autumn_overlap_is_refused_then_taken_as_chosen(ws: Workspace) -> None:
    post = ws.posts.create("Heure d'hiver", ["bluesky"])
    wall = datetime(2026, 10, 25, 2, 30)  # Paris shows 02:00-03:00 twice
    with pytest.raises(AmbiguousTime, match="happens twice") as refused:
        ws.posts.schedule(post.id, wall)
    first, second = refused.value.wall.choices
    assert second - first == timedelta(hours=1)
    post = ws.posts.schedule(post.id, wall, choice=second)
    assert post.scheduled_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert post.wall_time == wall and post.zone == "Europe/Paris"
    post = ws.posts.reschedule(post.id, wall, choice=first)
    assert post.scheduled_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Another zone than the client's: the same wall time is an ordinary one in Montréal.
    post = ws.posts.reschedule(post.id, wall, zone="America/Montreal")
    assert post.scheduled_at == datetime(2026, 10, 25, 6, 30, tzinfo=UTC)
    with pytest.raises(InvalidData, match="not a known time zone"):
        ws.posts.reschedule(post.id, wall, zone="Europe/Lyon")


def test_the_queue_takes_the_next_free_slot_of_the_channel(ws: Workspace) -> None:
    ws.posts.add_slot("mastodon", Slot.parse("tue 09:00"))
    ws.posts.add_slot("mastodon", Slot.parse("jeu 09:00"))
    ws.posts.add_slot("bluesky", Slot.parse("mon 18:00"))
    now = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # a Monday
    first = ws.posts.create("Un", ["mastodon"])
    second = ws.posts.create("Deux", ["mastodon", "bluesky"])
    third = ws.posts.create("Trois", ["mastodon"])
    other = ws.posts.create("Ailleurs", ["bluesky"])
    assert ws.posts.add_to_queue(first.id, now=now).wall_time == datetime(2026, 3, 24, 9, 0)
    assert ws.posts.add_to_queue(second.id, now=now).wall_time == datetime(2026, 3, 26, 9, 0)
    # Tuesday 31 March is after the change to summer time: still 09:00 on the clock.
    third = ws.posts.add_to_queue(third.id, now=now)
    assert third.wall_time == datetime(2026, 3, 31, 9, 0)
    assert third.scheduled_at == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)
    # Bluesky's own slots: Monday 18:00 is free although a Mastodon post is queued.
    assert ws.posts.add_to_queue(other.id, now=now).wall_time == datetime(2026, 3, 23, 18, 0)
    # A slot freed by taking a post out of the schedule is offered again.
    ws.posts.set_state(first.id, S.DRAFT)
    again = ws.posts.create("Quatre", ["mastodon"])
    assert ws.posts.add_to_queue(again.id, now=now).wall_time == datetime(2026, 3, 24, 9, 0)
    ws.posts.remove_slot("mastodon", Slot.parse("tue 09:00"))
    assert [s for _c, s in ws.posts.slots("mastodon")] == [Slot(3, time(9, 0))]
    with pytest.raises(InvalidData, match="no posting slot"):
        ws.posts.add_to_queue(ws.posts.create("Cinq", ["x"]).id, now=now)


def test_recurrence_and_calendar_reads(ws: Workspace) -> None:
    post = ws.posts.create("Pain du jour", ["mastodon"])
    with pytest.raises(InvalidData, match="date and time"):
        ws.posts.set_recurrence(post.id, Frequency.WEEKLY)
    ws.posts.schedule(post.id, datetime(2026, 10, 20, 9, 0))
    ws.posts.set_recurrence(post.id, Frequency.WEEKLY, evergreen=True)
    post = ws.posts.get(post.id)
    assert post.evergreen and post.recurrence is not None
    # Across the October change the repeat stays at 09:00 on the clock.
    after = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)
    assert post.recurrence.occurrences(after, 2) == [
        datetime(2026, 10, 27, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
    ]
    idea = ws.posts.create("Sans date", state=S.IDEA)
    month = ws.posts.between(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert [p.id for p in month] == [post.id]
    assert [p.id for p in ws.posts.page(S.IDEA)] == [idea.id]
    assert [p.id for p in ws.posts.page()] == [idea.id, post.id]
    assert [p.id for p in ws.posts.page(before_id=idea.id)] == [post.id]


def test_images_are_stored_in_the_workspace_with_alt_text_and_order(ws: Workspace) -> None:
    post = ws.posts.create("Vitrine", ["instagram"])
    first = ws.posts.add_media(post.id, PNG, " Vitrine de Noël ", filename="vitrine.png")
    second = ws.posts.add_media(post.id, JPEG, "", filename="pain.jpg")
    assert (first.mime, first.alt, first.size, first.position) == (
        "image/png",
        "Vitrine de Noël",
        len(PNG),
        0,
    )
    assert (second.mime, second.position) == ("image/jpeg", 1)
    ws.posts.set_alt(second.id, "Un pain de campagne")
    ws.posts.reorder_media(post.id, [second.id, first.id])
    items = ws.posts.media(post.id, with_data=True)
    assert [(m.id, m.alt, m.data) for m in items] == [
        (second.id, "Un pain de campagne", JPEG),
        (first.id, "Vitrine de Noël", PNG),
    ]
    assert ws.posts.media(post.id)[0].data is None  # lists do not load the bytes
    with pytest.raises(InvalidData, match="every image"):
        ws.posts.reorder_media(post.id, [first.id])
    ws.posts.remove_media(first.id)
    assert ws.posts.media_data(second.id) == JPEG
    with pytest.raises(NotFound):
        ws.posts.media_data(first.id)
    actions = [h.action for h in ws.posts.history(post.id)]
    assert actions[1:] == [
        "image.added",
        "image.added",
        "image.alt",
        "image.reordered",
        "image.removed",
    ]


def test_an_image_over_the_limit_or_not_an_image_is_refused_clearly(ws: Workspace) -> None:
    post = ws.posts.create("Photo", ["mastodon"])
    huge = PNG + b"\x00" * MAX_IMAGE_BYTES
    with pytest.raises(
        InvalidData, match=r"photo\.png is too large \(10\.0 MB\): images up to 10\.0 MB"
    ):
        ws.posts.add_media(post.id, huge, "Photo", filename="photo.png")
    with pytest.raises(InvalidData, match="not a JPEG, PNG, GIF or WebP"):
        ws.posts.add_media(post.id, b"%PDF-1.7 ...", "Menu", filename="menu.pdf")
    with pytest.raises(InvalidData, match="at most 2000 characters"):
        ws.posts.add_media(post.id, PNG, "x" * 2001)
    assert ws.posts.media(post.id) == []  # nothing half-stored
    exactly = PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG))
    assert ws.posts.add_media(post.id, exactly, "Au plus juste").size == MAX_IMAGE_BYTES


def test_comments_internal_or_for_the_client(ws: Workspace) -> None:
    post = ws.posts.create("Soldes", ["facebook"])
    ws.posts.add_comment(post.id, "Vérifier le prix", author="lea")
    shown = ws.posts.add_comment(post.id, "Proposition de texte", for_client=True, author="lea")
    assert [c.body for c in ws.posts.comments(post.id)] == [
        "Vérifier le prix",
        "Proposition de texte",
    ]
    assert ws.posts.comments(post.id, for_client_only=True) == [shown]
    with pytest.raises(InvalidData):
        ws.posts.add_comment(post.id, "   ")
    with pytest.raises(NotFound):
        ws.posts.add_comment(999, "Perdu")


def test_variants_one_per_channel_and_account(ws: Workspace) -> None:
    main = ws.accounts.add("mastodon", "mastodon.social", "lea", label="Léa (principal)")
    post = ws.posts.create("Bonjour", ["mastodon"])
    assert post.variants[0].account_id == main.id  # the only Mastodon account
    with pytest.raises(InvalidData, match="already goes"):
        ws.posts.add_variant(post.id, "mastodon", account_id=main.id)
    second = ws.accounts.add("mastodon", "https://piaille.fr/", "fournil")
    assert second.server == "https://piaille.fr"
    other = ws.posts.add_variant(post.id, "mastodon", account_id=second.id, text="Salut")
    with pytest.raises(InvalidData, match="not a Bluesky account"):
        ws.posts.add_variant(post.id, "bluesky", account_id=second.id)
    with pytest.raises(InvalidData, match="Unknown channel"):
        ws.posts.add_variant(post.id, "myspace")
    blog = ws.posts.add_variant(
        post.id, "wordpress", extras={"excerpt": "Court", "categories": ["Nouveautés"]}
    )
    assert ws.posts.variant(blog.id).extras == {"categories": ["Nouveautés"], "excerpt": "Court"}
    keys = {v.idempotency_key for v in ws.posts.get(post.id).variants}
    assert len(keys) == 3 and all(len(k) == 30 for k in keys)
    ws.posts.remove_variant(other.id)
    # Removing an account keeps the post's channel, without an account to choose again.
    ws.accounts.remove(main.id)
    assert [(v.channel, v.account_id) for v in ws.posts.get(post.id).variants] == [
        ("mastodon", None),
        ("wordpress", None),
    ]
    # Two accounts on the network: none is picked for the user.
    ws.accounts.add("mastodon", "https://mamot.fr", "boulangerie")
    assert ws.posts.create("Deux comptes", ["mastodon"]).variants[0].account_id is None


def test_account_secrets_live_in_the_secret_store_never_in_the_file(ws: Workspace) -> None:
    account = ws.accounts.add("bluesky", "https://bsky.social", "lea.bsky.social")
    secrets = MemorySecrets(ws.profile().uid)
    token = "app-password-5f2c-9d1e-secret"
    ws.accounts.save_secret(account.id, token, secrets)
    assert ws.accounts.secret(account.id, secrets) == token
    assert secrets.get(account.secret_name) == token
    ws.close()
    raw = ws.path.read_bytes() + b"".join(
        p.read_bytes() for p in ws.path.parent.glob(ws.path.name + "*") if p != ws.path
    )
    assert token.encode() not in raw
    with Workspace.open(ws.path) as again:
        again.accounts.remove(account.id, secrets)
        assert again.accounts.all() == []
    assert secrets.get(account.secret_name) is None


@pytest.mark.keyring
def test_an_accounts_token_goes_to_the_real_keyring(
    ws: Workspace, secret_service: SecretService
) -> None:
    account = ws.accounts.add("mastodon", "https://mastodon.social", "lea")
    store = KeyringSecrets(ws.profile().uid, keyring.backends.SecretService.Keyring())
    token = f"mastodon-token-{uuid.uuid4().hex}"
    ws.accounts.save_secret(account.id, token, store)
    with closing(secret_service.connect()) as conn:
        items = list(secretstorage.search_items(conn, {"service": "cmdesk"}))
        names = {item.get_attributes()["username"] for item in items}
    assert f"{ws.profile().uid}:account:{account.uid}" in names
    assert secret_service.files_containing(token) == []
    ws.close()
    assert token.encode() not in ws.path.read_bytes()
    with Workspace.open(ws.path) as again:
        assert again.accounts.secret(account.id, store) == token
        again.accounts.remove(account.id, store)
    assert store.get(account.secret_name) is None


def test_a_post_that_went_out_cannot_be_deleted_or_edited(ws: Workspace) -> None:
    draft = ws.posts.create("Brouillon", ["x"])
    ws.posts.add_comment(draft.id, "À jeter")
    ws.posts.delete(draft.id, actor="lea")
    with pytest.raises(NotFound):
        ws.posts.get(draft.id)
    assert ws.activity()[0].action == "post.deleted"
    post = ws.posts.create("Publié", ["x"])
    ws.posts.schedule(post.id, datetime(2026, 1, 1, 9, 0))
    [variant] = ws.posts.due(datetime(2026, 2, 1, tzinfo=UTC))
    ws.posts.claim(variant.id, now=datetime(2026, 2, 1, tzinfo=UTC))
    ws.posts.confirm(variant.id, "1", "https://x.com/lea/status/1")
    for attempt in (
        lambda: ws.posts.delete(post.id),
        lambda: ws.posts.update(post.id, text="Corrigé"),
        lambda: ws.posts.set_state(post.id, S.DRAFT),
    ):
        with pytest.raises(InvalidData):
            attempt()
    assert ws.posts.get(post.id).state is S.PUBLISHED


def test_the_schema_refuses_what_the_code_would_never_write(ws: Workspace) -> None:
    post = ws.posts.create("Pain", ["mastodon"])
    bad = [
        ("UPDATE post SET state = 'sent' WHERE id = ?", (post.id,)),
        ("UPDATE post SET state = 'scheduled' WHERE id = ?", (post.id,)),  # without a time
        ("UPDATE post_variant SET state = 'done' WHERE post_id = ?", (post.id,)),
        ("UPDATE post SET scheduled_at = '2026-01-01T08:00:00+00:00' WHERE id = ?", (post.id,)),
    ]
    for sql, params in bad:
        with pytest.raises(sqlite3.IntegrityError), ws.atomic() as db:
            db.execute(sql, params)
    assert ws.posts.get(post.id).variants[0].state is VariantState.PENDING


def test_the_list_narrows_by_state_channel_and_words(ws: Workspace) -> None:
    galette = ws.posts.create("Galette des rois ce week-end", ["mastodon", "x"], title="Épiphanie")
    pain = ws.posts.create("Pain au levain 100 % bio", ["instagram"], state=S.IDEA)
    soldes = ws.posts.create("Les soldes_hiver arrivent", ["bluesky"], link="https://ex.fr/promo")
    ws.posts.set_state(galette.id, S.IN_REVIEW)

    def ids(**kwargs: object) -> list[int]:
        return [p.id for p in ws.posts.page(**kwargs)]  # type: ignore[arg-type]

    assert ids() == [soldes.id, pain.id, galette.id]
    assert ids(state=S.IN_REVIEW) == [galette.id]
    assert ids(channel="x") == [galette.id]
    assert ids(channel="facebook") == []
    # Words anywhere in the title, text or link, accents and case ignored, every word.
    assert ids(text="epiphanie") == [galette.id]
    assert ids(text="GALETTE week") == [galette.id]
    assert ids(text="galette levain") == []
    assert ids(text="promo") == [soldes.id]
    # LIKE's wildcards are plain characters in what people type.
    assert ids(text="100 %") == [pain.id]
    assert ids(text="s_h") == [soldes.id]
    assert ids(text="bio", state=S.DRAFT) == []
    assert ids(limit=2) == [soldes.id, pain.id]
    assert ids(before_id=pain.id) == [galette.id]
