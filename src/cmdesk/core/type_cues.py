"""Words that tell what kind of message a customer sent: a crisis, a suggestion, a question,
or something that is not for the brand at all (spam, a job application, greetings).

Entries are folded (lower case, no accents, words separated by one space) and matched as
whole words; a trailing "*" matches any ending ("boycott*" finds "#BoycottBoulangerie").
French and English are mixed: a cue of one language is rare in the other, and customers
mix them ("le service est down"). Sentiment words live in lexicon.py; these are the
cues a sentiment score cannot give.
"""

from __future__ import annotations

import re

from cmdesk.i18n import N_


def cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a list of cues, longest first so the fullest wins."""
    parts = [
        re.escape(cue[:-1]) + r"[a-z0-9]*" if cue.endswith("*") else re.escape(cue)
        for cue in sorted(cues, key=len, reverse=True)
    ]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


# What makes a grievance a crisis (the definition community managers use): people's health
# or safety, the law, the press or a crowd taking it up, personal data, discrimination,
# a service down for everyone. Proposed, never decided: the user confirms.
CRISIS = (
    # health and safety
    "urgences",
    "hopital",
    "pompiers",
    "samu",
    "ambulance",
    "blesse*",
    "intoxi*",
    "empoisonn*",
    "reaction allergique",
    "choc anaphylactique",
    "fuite de gaz",
    "odeur de gaz",
    "incendie",
    "evacu*",
    "bousculade",
    "pietin*",
    "effondre*",
    "punaises de lit",
    "cafards",
    "dangereux",
    "dangereuse",
    "emergency room",
    "the er",
    "hospital",
    "paramedics",
    "injur*",
    "were hurt",
    "got hurt",
    "concussion",
    "food poisoning",
    "poison*",
    "anaphyla*",
    "allergic reaction",
    "gas leak",
    "gas smell",
    "smell of gas",
    "fire alarm",
    "caught fire",
    "a fire",
    "evacuat*",
    "trampl*",
    "crowd crush",
    "collapsed",
    "bed bugs",
    "bedbugs",
    "cockroaches",
    "dangerous",
    # the law and the authorities
    "porter plainte",
    "plainte contre",
    "nos avocats",
    "mon avocat",
    "tribunal",
    "cnil",
    "rgpd",
    "ars",
    "services d hygiene",
    "lawsuit",
    "lawyer*",
    "sue you",
    "suing",
    "legal action",
    "health department",
    "health inspector",
    "public health",
    "gdpr",
    # the press and the crowd
    "la presse",
    "viral*",
    "tourne partout",
    "tout le monde partage",
    "boycott*",
    "petition",
    "the press",
    "going viral",
    "all over town",
    "everyone s sharing",
    "everyone is sharing",
    "screenshot*",
    # personal data and security
    "fuite de donnees",
    "donnees clients",
    "faille",
    "piratage",
    "data breach",
    "breach",
    "data leak",
    "leaked",
    "security hole",
    "vulnerability",
    "hacked",
    # discrimination
    "racis*",
    "homophob*",
    "sexis*",
    "discrimin*",
    "antisemit*",
    # everyone at once
    "panne generale",
    "outage",
    "rappel produit",
    "product recall",
)

SUGGESTION = (
    "suggest*",
    "je suggere",
    "je propose",
    "idee",
    "idea",
    "vous pourriez",
    "vous devriez",
    "ce serait",
    "ca serait",
    "serait le bienvenu",
    "serait la bienvenue",
    "seraient les bienvenus",
    "aiderait",
    "il faudrait",
    "pensez a",
    "ajoutez",
    "rajoutez",
    "mettez",
    "proposez",
    "un conseil",
    "et si vous",
    "pourquoi pas",
    "pourquoi ne pas",
    "would be",
    "would make",
    "would love to see",
    "it d be",
    "you should",
    "you could",
    "please add",
    "bring back",
    "maybe",
    "how about",
    "what about",
    "feature request",
    "one tip",
    "why not",
)

# Messages that are not about the brand's service: each group with what it is called in
# the reason shown to the user.
OTHER = (
    (
        N_("an offer or an advert"),
        (
            "collab",
            "collaboration",
            "partenariat",
            "devenez partenaire",
            "influenceur",
            "influenceuse",
            "influencer",
            "sponsoris*",
            "gagnez",
            "cliquez",
            "agence seo",
            "partnership",
            "click here",
            "win a",
            "seo agency",
            "dm us",
        ),
    ),
    (N_("a job application"), ("candidature", "postuler", "apply for", "my cv", "my resume")),
    (
        N_("an automatic reply"),
        ("absent du bureau", "reponse automatique", "out of the office", "out of office"),
    ),
    (
        N_("greetings"),
        (
            "joyeux noel",
            "bonne annee",
            "bonnes fetes",
            "bon week end",
            "bonne journee",
            "bonne soiree",
            "bonne retraite",
            "merry christmas",
            "happy new year",
            "happy holidays",
            "have a great",
            "have a nice",
            "have a good",
            "happy retirement",
        ),
    ),
    (N_("a message to a friend"), ("on y va", "tu as vu", "t as vu", "we need to go")),
    (N_("the press"), ("journaliste", "journalistes", "reportage", "reporter", "journalist")),
)

# Openers of a question typed without "?", at the start of a sentence or after a comma
# ("Bonjour, comment faire…"). Openers that also start statements ("quand", "when") are
# left out: a false "question" hides a complaint in the inbox.
QUESTION_OPENERS = (
    "comment",
    "pourquoi",
    "combien",
    "quel est",
    "quelle est",
    "quels sont",
    "quelles sont",
    "est ce que",
    "pouvez vous",
    "avez vous",
    "peut on",
    "je voudrais savoir",
    "how",
    "why",
    "where",
    "what",
    "which",
    "can you",
    "could you",
    "do you",
    "do u",
    "can u",
    "does",
    "is there",
    "are you",
)
# Exclamations that start like questions ("What a night!").
NOT_QUESTIONS = ("what a", "what an", "how nice", "how lovely", "how kind", "how cool")

# "😒 great service": a positive text with one of these is irony.
IRONY = ("🙃", "🙄", "😒", "😑", "🤡")

# Words of a problem told flatly ("nobody calls back", "toujours rien"): with no
# sentiment either way, a statement with one of these is more often a complaint.
PROBLEM = (
    "ne",
    "n",
    "pas",
    "jamais",
    "aucun",
    "aucune",
    "rien",
    "personne",
    "toujours pas",
    "not",
    "no",
    "never",
    "nothing",
    "nobody",
    "without",
    "don t",
    "didn t",
    "doesn t",
    "isn t",
    "wasn t",
    "weren t",
    "won t",
    "can t",
    "still",
    "twice",
)
