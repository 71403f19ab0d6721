"""Fast capture's guesses: the channel from a link, the type and sentiment from the text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.classify import fold
from cmdesk.core.interactions import (
    CHANNEL_LABELS,
    CHANNELS,
    STATUSES,
    TYPES,
    Contact,
    Interaction,
    guess_channel,
    normalise_handle,
    propose,
)
from cmdesk.i18n import set_language


@pytest.mark.parametrize(
    ("url", "channel"),
    [
        ("https://www.facebook.com/boulangerie/posts/123", "facebook"),
        ("https://m.facebook.com/story.php?id=1", "facebook"),
        ("https://fb.com/boulangerie", "facebook"),
        ("https://www.instagram.com/p/Cx12/", "instagram"),
        ("https://x.com/lea/status/1", "x"),
        ("https://twitter.com/lea/status/1", "x"),
        ("https://mobile.twitter.com/lea", "x"),
        ("https://www.linkedin.com/feed/update/urn:li:activity:1/", "linkedin"),
        ("https://bsky.app/profile/lea.bsky.social/post/3k", "bluesky"),
        ("https://mastodon.social/@lea/111", "mastodon"),
        ("https://piaille.fr/@lea/111", "mastodon"),
        ("https://piaille.fr/@lea@mastodon.social/111", "mastodon"),
        ("https://fr.trustpilot.com/review/boulangerie.fr", "review_site"),
        ("https://www.tripadvisor.fr/Restaurant_Review-g1-d2", "review_site"),
        ("https://www.tripadvisor.co.uk/Restaurant_Review-g1-d2", "review_site"),
        ("https://www.yelp.fr/biz/boulangerie-paris", "review_site"),
        ("https://www.google.com/maps/place/Boulangerie/@48.8,2.3", "review_site"),
        ("https://maps.google.fr/?cid=1", "review_site"),
        ("https://g.page/r/boulangerie/review", "review_site"),
        ("mailto:lea@example.fr", "email"),
        ("MAILTO:lea@example.fr", "email"),
        ("https://blog.example/2026/galette#comment-42", "blog_comment"),
        ("https://medium.com/@lea/un-article", "other"),
        ("https://www.youtube.com/@boulangerie", "other"),
        ("https://www.google.com/search?q=galette", "other"),
        ("https://blog.example/2026/galette", "other"),
        ("", "other"),
        ("not a link at all", "other"),
        ("http://[::1", "other"),  # unparsable: never an exception
    ],
)
def test_channel_is_guessed_from_the_link(url: str, channel: str) -> None:
    assert guess_channel(url) == channel


def test_a_look_alike_host_is_not_the_network() -> None:
    assert guess_channel("https://notfacebook.com/x") == "other"
    assert guess_channel("https://facebook.com.evil.example/x") == "other"


@given(st.text(max_size=80))
def test_any_text_gives_a_known_channel(url: str) -> None:
    assert guess_channel(url) in CHANNELS


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("Colis jamais reçu, très déçue", "complaint", "negative words: jamais reçu −3"),
        ("Worst service ever, still waiting for a refund", "complaint", "worst −3"),
        ("Vous livrez à Lyon ?", "question", "a question mark"),
        ("Est-ce que vous livrez à Lyon", "question", "a question opening: “est ce que”"),
        ("Quels sont vos horaires le dimanche", "question", "“quels sont”"),
        ("Hello. Do you deliver to Lyon", "question", "“do you”"),
        ("Bonjour, comment faire pour ajouter un collègue", "question", "“comment”"),
        ("What a night! The quartet was incredible.", "praise", "incredible +2"),
        ("Vous pourriez ouvrir le dimanche ?", "suggestion", "“vous pourriez”"),
        ("It would be nice to have a gluten-free bread", "suggestion", "“would be”"),
        ("Une idée : des galettes sans gluten", "suggestion", "suggestion wording: “idée”"),
        ("Bravo pour la galette, un régal !", "praise", "positive words: bravo +3"),
        ("Quel accueil, merci beaucoup !", "praise", "merci beaucoup +3"),
        ("Merci pour les 40 minutes d'attente, top 🙃", "complaint", "irony: 🙃"),
        ("Le livreur n'est jamais passé", "complaint", "a problem reported: “jamais”"),
        ("Gagnez un iPhone, cliquez ici", "other", "an offer or an advert: “gagnez”"),
        ("Joyeux Noël à toute l'équipe 🎄", "other", "greetings: “joyeux noël”"),
        ("Quand je suis passé, la boutique était ouverte.", "other", "no complaint"),
        ("", "other", "no complaint"),
    ],
)
def test_type_is_proposed_with_its_reason(text: str, kind: str, reason: str) -> None:
    found = propose(text)
    assert found.type == kind, found.type_reason
    assert reason in found.type_reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Toute la famille aux urgences après vos éclairs", "mots de crise : « urgences »"),
        ("Colis jamais reçu, très déçue", "mots négatifs : jamais reçu −3, déçue −3"),
        ("Est-ce que vous livrez à Lyon", "début de question : « est ce que »"),
        ("Une idée : des galettes sans gluten", "tournure de suggestion : « idée »"),
        ("Vous livrez à Lyon ?", "un point d'interrogation"),
        ("Bravo pour la galette !", "mots positifs : bravo +3"),
        ("Out of office until Monday", "une réponse automatique : « out of office »"),
        ("Test", "ni réclamation, ni question, ni suggestion, ni compliment repérés"),
    ],
)
def test_the_reason_reads_in_french(text: str, reason: str) -> None:
    set_language("fr")
    assert propose(text).type_reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "Three of us got food poisoning after your quiche. Reported to the health department.",
        "Mon fils a fait une réaction allergique grave après votre cookie",
        "Your database leaked: my password is out there. Data breach!",
        "#BoycottBoulangerieMartin le patron a insulté une cliente",
        "Propos racistes de votre agent d'accueil, plusieurs témoins",
        "The handlebar snapped, I could have died, my lawyer will call you",
    ],
)
def test_a_crisis_is_proposed_from_what_makes_one(text: str) -> None:
    found = propose(text)
    assert found.type == "crisis"
    assert found.type_reason.startswith("crisis words: “")


@pytest.mark.parametrize(
    "text",
    [
        "Croissants burnt again, so disappointed",
        "Is there a gas station near the hotel?",
        "Soirée pirate samedi au centre culturel !",
        "Thanks Sue, the fire pit on the terrace was lovely",
    ],
)
def test_an_ordinary_message_is_no_crisis(text: str) -> None:
    assert propose(text).type != "crisis"


def test_a_negative_question_is_a_complaint_first() -> None:
    # Missing a complaint costs more than misfiling a question.
    assert propose("Pourquoi mon colis n'est jamais arrivé ? Très déçue").type == "complaint"


@given(st.text(max_size=200))
def test_every_proposal_says_why(text: str) -> None:
    found = propose(text)
    assert found.type in TYPES and found.type_reason.strip()
    if found.type == "crisis":
        # Only ever from a crisis word the text holds, shown as the author wrote it.
        quoted = found.type_reason.split("“", 1)[1].rstrip("”")
        assert quoted.casefold() in text.casefold() or fold(quoted) in fold(text)


def test_proposal_carries_channel_language_and_sentiment() -> None:
    found = propose("Merci beaucoup pour votre accueil, c'était parfait", "https://x.com/a/1")
    assert (found.channel, found.language, found.sentiment) == ("x", "fr", "positive")
    assert propose("Merci").channel == "other"


def test_every_enumeration_has_a_label() -> None:
    assert set(CHANNEL_LABELS) == set(CHANNELS) and len(CHANNELS) == 12
    assert STATUSES == ("new", "in_progress", "waiting_team", "answered", "closed")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("@Lea_B", "lea_b"), ("  lea_b ", "lea_b"), ("@Lea@Piaille.fr", "lea@piaille.fr")],
)
def test_handles_are_matched_whatever_their_case_and_at_sign(typed: str, stored: str) -> None:
    assert normalise_handle(typed) == stored


def test_response_and_resolution_times() -> None:
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    item = Interaction(id=1, channel="x", occurred_at=at)
    assert item.response_time is None and item.resolution_time is None
    done = Interaction(
        id=1,
        channel="x",
        occurred_at=at,
        first_response_at=at + timedelta(minutes=42),
        resolved_at=at + timedelta(hours=3),
    )
    assert done.response_time == timedelta(minutes=42)
    assert done.resolution_time == timedelta(hours=3)


def test_contact_display_name_falls_back_to_a_handle() -> None:
    assert Contact(id=3, name="Inès").display_name == "Inès"
    assert Contact(id=3, handles=(("instagram", "ines"),)).display_name == "@ines"
    assert Contact(id=3).display_name == "#3"


def test_a_complaint_without_a_telling_word_is_proposed_negative() -> None:
    from cmdesk.core.classify import readable_reason

    proposal = propose("Toujours pas livré depuis lundi")
    assert (proposal.type, proposal.sentiment) == ("complaint", "negative")
    assert proposal.sentiment_reason == "[complaint]"
    set_language("fr")
    try:
        assert readable_reason(proposal.sentiment_reason, "x") == "une réclamation"
    finally:
        set_language("en")
    assert propose("Merci, tout était parfait").sentiment == "positive"  # nothing leans
