"""Language and sentiment estimates, on the kind of text brands receive."""

from __future__ import annotations

import pytest

from cmdesk.core.classify import detect_language, estimate, readable_reason, words

# (text, language, sentiment): customer voices as community managers meet them.
LABELLED = [
    ("Commande jamais reçue, aucune réponse du service client. Très déçue 😡", "fr", "negative"),
    ("Merci pour la galette, un régal ! Je recommande 👍", "fr", "positive"),
    ("Le Fournil de Léa ouvre une nouvelle boutique rue de la République", "fr", "neutral"),
    ("Le pain n'est pas bon du tout", "fr", "negative"),
    ("Je ne suis pas déçue, au contraire", "fr", "positive"),
    ("Aucun problème avec ma commande, tout est parfait", "fr", "positive"),
    ("Personne ne répond au téléphone depuis trois jours, c'est inadmissible", "fr", "negative"),
    ("Les croissants étaient brûlés et le personnel désagréable", "fr", "negative"),
    ("Accueil très sympa et viennoiseries délicieuses", "fr", "positive"),
    ("Horaires d'ouverture pour les fêtes : le magasin ferme à 18 h le 24", "fr", "neutral"),
    ("Je suis vraiment mécontente, le colis est arrivé abîmé", "fr", "negative"),
    ("Bravo à toute l'équipe pour ce nouveau site !", "fr", "positive"),
    ("Une arnaque, fuyez", "", "negative"),
    ("C'est pas terrible, la baguette était rassise", "fr", "negative"),
    ("Nous recrutons un vendeur en boulangerie pour la saison", "fr", "neutral"),
    ("I never received my order and nobody answers. Worst bakery ever.", "en", "negative"),
    ("Thank you so much, the croissants were delicious!", "en", "positive"),
    ("The shop opens at 7am on Sundays.", "en", "neutral"),
    ("Not happy at all, the bread was stale and overpriced", "en", "negative"),
    ("Lovely staff and a great coffee, highly recommend", "en", "positive"),
    ("This is not bad at all", "en", "positive"),
    ("The delivery was late again and the box was damaged", "en", "negative"),
    ("We visited the new store on Main Street yesterday.", "en", "neutral"),
    ("Absolutely disgusting, found a hair in my sandwich 🤮", "en", "negative"),
]


@pytest.mark.parametrize(("text", "language", "sentiment"), LABELLED)
def test_labelled_examples(text: str, language: str, sentiment: str) -> None:
    result = estimate(text)
    assert (result.language, result.sentiment) == (language, sentiment), result.reason


def test_the_reason_names_the_deciding_words() -> None:
    result = estimate("Colis jamais reçu et service client injoignable, très déçu")
    assert result.sentiment == "negative"
    assert "jamais recu −3" in result.reason and "injoignable −3" in result.reason
    negated = estimate("Je ne suis pas déçu")
    assert negated.reason.startswith("¬decu +")  # the negation is shown, not hidden


def test_accents_and_case_do_not_matter() -> None:
    assert estimate("DÉCEVANT").score == estimate("decevant").score < 0


def test_a_negation_stops_at_the_end_of_its_clause() -> None:
    assert estimate("Pas de souci. Excellent accueil").sentiment == "positive"


def test_given_language_skips_detection() -> None:
    assert estimate("super", language="en").language == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("la boulangerie est ouverte le dimanche matin", "fr"),
        ("the bakery is open on sunday mornings", "en"),
        ("la panadería está abierta los domingos por la mañana y es muy buena", "es"),
        ("die Bäckerei ist am Sonntag geöffnet und das Brot ist sehr gut", "de"),
        ("ok", ""),
        ("#galette #lyon", ""),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(words(text)) == language


def test_reasons_are_shown_as_written() -> None:
    text = "Aucune réponse du service client, très DÉÇUE 😡"
    result = estimate(text)
    # "très" strengthens "déçue" (−2 × 1.5); the words come back with their accents.
    assert readable_reason(result.reason, text) == "aucune réponse −3, déçue −3, 😡 −3"


def test_every_scored_emoji_starts_beyond_latin_1() -> None:
    # estimate skips the emoji search for text that Latin-1 can encode.
    from cmdesk.core.classify import _EMOJI_STARTS

    assert min(_EMOJI_STARTS) > "\xff"
    assert estimate("Déçue 😡😡").cues[-1].text == "😡"
    assert estimate("Merci ’ 👍").score > estimate("Merci ’").score


def test_a_phrase_scored_zero_is_not_given_as_a_reason() -> None:
    guess = estimate("We asked for a late checkout, it was great")
    assert "late checkout" in [c.text for c in guess.cues]
    assert guess.reason == "great +2"


def test_scores_have_one_decimal_at_most() -> None:
    """A cue nothing changes keeps its lexicon score unrounded: the lexicon must say it as
    the reason shows it."""
    from cmdesk.core.lexicon import SENTIMENT

    assert all(round(float(v), 1) == float(v) for t in SENTIMENT.values() for v in t.values())
