"""The demo bakery's answering kit: teams, community members and their messages, canned
replies, inbox rules, the escalation matrix and the playbook, invented locally.

Dates are relative to `now` (default: when it is built), so the participation segments
of the last 30 days always have regulars, occasional contributors and one-time voices.
Rules are added after the messages, so testing them shows what they would change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cmdesk.core.clock import utc_now
from cmdesk.core.rules import Actions, Conditions
from cmdesk.store.workspace import Workspace

# fmt: off
TEAMS = (
    ("Service client", "customer_service", "sav@fournil-de-lea.example"),
    ("Marketing", "marketing", "marketing@fournil-de-lea.example"),
    ("Atelier (produits)", "product", "atelier@fournil-de-lea.example"),
    ("Presse", "pr", "presse@fournil-de-lea.example"),
)
# (name, network, handle, tags)
CONTACTS = (
    ("Sophie Renard", "instagram", "sophie.rnd", ("customer",)),
    ("Marc Dulac", "facebook", "marc.dulac", ("customer",)),
    ("Inès Martin", "instagram", "ines_croixrousse", ("customer", "ambassador")),
    ("Paul Presse", "x", "paulpresse", ("journalist",)),
    ("Camille Bernard", "facebook", "camille.b", ("customer",)),
    ("Hugo Lefèvre", "mastodon", "hugo@piaille.fr", ()),
    ("Julie Moreau", "instagram", "julie.mo", ("influencer",)),
    ("Nadia Benali", "review_site", "nadia b.", ()),
    ("Thomas Petit", "facebook", "tom.petit", ()),
    ("Claire Fontaine", "instagram", "clairef", ()),
    ("Léo Garnier", "x", "leo_g", ()),
    ("Emma Roux", "review_site", "emma r.", ()),
    ("Lucas Blanc", "facebook", "lucas.blanc", ()),
    ("Chloé Girard", "instagram", "chloe.gd", ()),
)
# (contact index, days ago, channel, text)
MESSAGES = (
    (0, 1, "instagram", "Ma commande click & collect n'était toujours pas prête, encore."),
    (0, 3, "instagram", "Colis de Noël jamais reçu, aucune réponse du service client."),
    (0, 6, "review_site", "Très déçue : livraison en retard et galette abîmée."),
    (0, 9, "instagram", "Est-ce que vous livrez à Villeurbanne ?"),
    (0, 14, "instagram", "Merci pour le geste commercial, c'est apprécié."),
    (0, 20, "facebook", "Le pain au levain est toujours aussi bon !"),
    (1, 2, "facebook", "Vous ouvrez le dimanche matin ?"),
    (1, 5, "facebook", "Super accueil à la boutique d'Austerlitz, bravo l'équipe."),
    (1, 8, "facebook", "Vous devriez proposer des viennoiseries sans gluten."),
    (1, 15, "facebook", "La galette frangipane, un régal comme chaque année."),
    (1, 22, "facebook", "Quels sont les horaires pendant les vacances ?"),
    (2, 4, "instagram", "Trop bonne la brioche aux pralines !"),
    (2, 12, "instagram", "Ce serait génial d'avoir un atelier pâtisserie pour enfants."),
    (2, 18, "instagram", "Bravo pour la nouvelle boutique !"),
    (3, 2, "x", "Je prépare un article sur les boulangeries de la Croix-Rousse, "
                "pouvez-vous me répondre ?"),
    (3, 10, "x", "Merci pour l'interview, l'article sort jeudi."),
    (4, 3, "facebook", "Livraison jamais arrivée, j'attends toujours mon colis."),
    (4, 11, "facebook", "Toujours pas de nouvelles de ma commande, inadmissible."),
    (5, 6, "mastodon", "Le meilleur pain au levain de Lyon, sans hésiter."),
    (6, 7, "instagram", "Partenariat possible pour une story sur vos galettes ?"),
    (7, 5, "review_site", "Vendeuse désagréable ce matin, dommage."),
    (8, 13, "facebook", "Est-ce que la galette contient des fruits à coque ?"),
    (9, 16, "instagram", "Les macarons étaient parfaits pour le mariage, merci !"),
    (10, 19, "x", "Où trouver vos horaires d'ouverture ?"),
    (11, 21, "review_site", "Pain brûlé deux fois cette semaine."),
    (12, 24, "facebook", "Vous prenez les tickets restaurant ?"),
    (13, 27, "instagram", "Adorable petite boutique, et les croissants !"),
)
REPLIES = (
    ("Excuses pour une commande en retard", "fr",
     "Bonjour {prénom}, nous sommes désolés pour ce retard. Pouvez-vous nous écrire en "
     "message privé votre numéro de commande ? Nous revenons vers vous aujourd'hui. "
     "Léa et l'équipe du {marque}"),
    ("Horaires d'ouverture", "fr",
     "Bonjour {prénom} ! Nos deux boutiques sont ouvertes du mardi au dimanche, de 7 h à "
     "19 h 30. Tous les détails : {lien}"),
    ("Merci pour votre avis", "fr",
     "Merci beaucoup {prénom}, ça fait chaud au cœur à toute l'équipe du {marque} !"),
    ("Allergènes", "fr",
     "Bonjour {prénom}, la liste des allergènes de chaque produit est affichée en boutique "
     "et disponible sur demande. N'hésitez pas à demander à l'équipe."),
    ("Thanks for your review", "en",
     "Thank you so much {first_name}! The whole {brand} team is delighted."),
)
PLAYBOOK = {
    "tone": (
        "Chaleureux et simple, comme au comptoir.\n\n"
        "- **Vouvoiement** partout, sauf sur Instagram (tutoiement).\n"
        "- On signe « Léa et l'équipe du Fournil ».\n"
        "- Un émoji au plus par message.\n"
    ),
    "do_dont": (
        "| À faire | À éviter |\n| --- | --- |\n"
        "| Répondre sous 24 h, même pour dire « on regarde » | Promettre un délai de livraison |\n"
        "| Passer en message privé pour une commande | Demander une adresse en public |\n"
        "| Remercier chaque avis, même négatif | Se justifier ou contredire le client |\n"
    ),
    "faq": (
        "### Livrez-vous ?\nUniquement les coffrets de Noël, en France métropolitaine.\n\n"
        "### Allergènes\nListe affichée en boutique ; ne jamais garantir l'absence de traces.\n"
    ),
    "crisis": (
        "1. Ne rien supprimer.\n2. Prévenir Léa (06 00 00 00 00) dans l'heure.\n"
        "3. Réponse d'attente publique, puis message privé.\n"
    ),
    "contacts": (
        "- Léa Martin, gérante : 06 00 00 00 00\n"
        "- Thomas, boutique en ligne : 06 11 11 11 11\n"
    ),
}
# fmt: on


def populate_answering(ws: Workspace, now: datetime | None = None) -> None:
    now = now or utc_now()
    teams = {name: ws.teams.add(name, kind=kind, email=email).id for name, kind, email in TEAMS}
    contacts = [
        ws.contacts.add(name, handles=[(network, handle)], tags=tags).id
        for name, network, handle, tags in CONTACTS
    ]
    for index, days, channel, text in MESSAGES:
        ws.interactions.add(
            text,
            channel=channel,
            contact_id=contacts[index],
            occurred_at=now - timedelta(days=days, hours=index),
        )
    for title, language, body in REPLIES:
        ws.replies.add(title, body, language=language)
    ws.rules.add(
        "Livraisons et commandes",
        Conditions(query="colis OR livraison OR commande"),
        Actions(type="complaint", priority=1, tags=("livraison",)),
    )
    ws.rules.add(
        "Journalistes vers la presse",
        Conditions(contact_tags=("journalist",)),
        Actions(team_id=teams["Presse"], priority=1),
        stop=True,
    )
    ws.escalation.set_route("complaint", teams["Service client"])
    ws.escalation.set_route("suggestion", teams["Atelier (produits)"])
    ws.escalation.set_route("complaint", teams["Atelier (produits)"], tag="qualité")
    ws.escalation.set_route("crisis", teams["Presse"])
    ws.escalation.set_target(0, timedelta(hours=24))
    ws.escalation.set_target(1, timedelta(hours=4))
    ws.escalation.set_target(2, timedelta(minutes=90))
    for key, body in PLAYBOOK.items():
        ws.playbook.set(key, body)
