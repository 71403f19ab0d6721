"""The demo bakery's monitoring: its feeds and two weeks of mentions, invented locally.

Dates are relative to when the demo is built, so the demo always looks current; the
sentiment of each mention is estimated by the same classifier as real mentions.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from cmdesk.core.classify import estimate
from cmdesk.core.clock import utc_now
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry, NewSource
from cmdesk.store.workspace import Workspace

# fmt: off
SOURCES = (
    NewSource("https://www.google.com/alerts/feeds/0000/fournil-de-lea",
              "Alerte Google « Fournil de Léa »", "Alertes", preset="google-alerts"),
    NewSource("https://www.reddit.com/search.rss?q=%22Fournil+de+L%C3%A9a%22&sort=new",
              "Reddit « Fournil de Léa »", "Réseaux", preset="reddit"),
    NewSource("https://mastodon.social/tags/boulangerielyon.rss",
              "#boulangerielyon (mastodon.social)", "Réseaux", preset="mastodon-tag"),
    NewSource("https://www.lyon-gourmand.example/feed/", "Lyon Gourmand", "Presse et blogs"),
    NewSource("https://croixrousse-actu.example/rss.xml", "Croix-Rousse Actu", "Presse et blogs"),
    NewSource("https://avis-conso.example/fournil-de-lea/rss", "Avis Conso", "Avis"),
)
# fmt: on

# fmt: off
# (source index, hours ago, title, author, text, link path)
MENTIONS: tuple[tuple[int, float, str, str, str, str], ...] = (
    (5, 2, "Commande click & collect jamais prête", "Sophie R.",
     "Troisième fois que ma commande click & collect n'est pas prête à l'heure indiquée. "
     "Aucune réponse au téléphone. Très déçue, je vais aller ailleurs.", "avis/1841"),
    (1, 5, "Le Fournil de Léa, meilleure galette de la Croix-Rousse ?", "u/gonelyonnais",
     "Testé leur galette frangipane ce week-end : un régal, pâte feuilletée croustillante. "
     "Je recommande !", "r/Lyon/comments/galette"),
    (0, 8, "Le Fournil de Léa ouvre une deuxième boutique rue d'Austerlitz", "Croix-Rousse Actu",
     "La boulangerie artisanale du plateau ouvre une deuxième adresse. Léa Martin y proposera "
     "aussi des ateliers pain au levain le samedi.", "2026/deuxieme-boutique"),
    (4, 8, "Le Fournil de Léa ouvre une deuxième boutique rue d'Austerlitz", "Rédaction",
     "La boulangerie artisanale du plateau ouvre une deuxième adresse. Léa Martin y proposera "
     "aussi des ateliers pain au levain le samedi.", "2026/deuxieme-boutique"),
    (3, 20, "Nos 10 boulangeries préférées à Lyon", "Claire D.",
     "Mention spéciale au Fournil de Léa pour son pain au levain et l'accueil souriant de "
     "l'équipe. Parfait pour le goûter.", "top-10-boulangeries"),
    (5, 26, "Colis de Noël arrivé abîmé", "Marc T.",
     "Le coffret est arrivé cassé, les biscuits en miettes. J'attends toujours une réponse "
     "du service client pour un remboursement.", "avis/1838"),
    (2, 30, "Pain du jour 🥖 #boulangerielyon", "@mathilde@piaille.fr",
     "Petit passage au Fournil de Léa ce matin, baguette tradition encore tiède 😍",
     "@mathilde/1127"),
    (5, 40, "Accueil au top", "Nadia B.",
     "Personnel gentil et professionnel, viennoiseries délicieuses. Merci !", "avis/1835"),
    (1, 52, "Fournil de Léa : prix en hausse ?", "u/velo_lyon",
     "Le pain au levain est passé à 6,20 € le kilo. Un peu cher mais la qualité est là.",
     "r/Lyon/comments/prix"),
    (0, 60, "Salon du chocolat de Lyon : les artisans du plateau à l'honneur", "Le Progrès",
     "Parmi les exposants, le Fournil de Léa présentera ses bûches de Noël.", "salon-chocolat"),
    (5, 70, "Service client injoignable", "Julien P.",
     "Impossible de joindre la boutique en ligne, personne ne répond. Commande payée il y a "
     "dix jours et toujours pas reçue. Inadmissible.", "avis/1829"),
    (2, 75, "#boulangerielyon la file d'attente du samedi", "@gone@mastodon.social",
     "Toujours autant de monde le samedi matin au Fournil, prévoyez vingt minutes d'attente.",
     "@gone/889"),
    (3, 96, "Atelier pain au levain : notre expérience", "Claire D.",
     "Un atelier passionnant avec Léa, on repart avec son levain et plein de conseils. "
     "Génial pour les débutants !", "atelier-levain"),
    (4, 120, "Travaux rue d'Austerlitz : les commerçants inquiets", "Rédaction",
     "Les travaux de voirie perturbent l'accès aux boutiques, dont le Fournil de Léa.",
     "2026/travaux"),
    (5, 150, "Croissants brûlés", "Anonyme",
     "Croissants brûlés et pain rassis ce dimanche, mauvaise surprise.", "avis/1820"),
    (0, 200, "Le Fournil de Léa recrute un apprenti boulanger", "Indeed",
     "Offre d'apprentissage en boulangerie, prise de poste en septembre.", "emploi/apprenti"),
    (1, 260, "Best bakery in Lyon?", "u/expat_in_lyon",
     "Just moved to Croix-Rousse. Le Fournil de Léa has amazing croissants and the staff "
     "is really friendly. Highly recommend!", "r/Lyon/comments/bakery"),
    (5, 300, "Livraison rapide", "Hélène V.",
     "Coffret reçu en deux jours, bien emballé, excellent.", "avis/1811"),
)


# fmt: on


def populate_monitoring(ws: Workspace, now: datetime | None = None) -> None:
    now = now or utc_now()
    ws.sources.add_many(list(SOURCES))
    sources = {s.url: s for s in ws.sources.all()}
    by_source: dict[int, list[IncomingEntry]] = {}
    for index, hours, title, author, text, path in MENTIONS:
        source = SOURCES[index]
        url = f"https://{source.url.split('/')[2]}/{path}"
        if source.preset == "google-alerts":
            # Alerts link through Google's redirect: the same article as the local news
            # site's own feed, which cmdesk stores once with both sources.
            url = f"https://www.google.com/url?rct=j&sa=t&url=https://croixrousse-actu.example/{path}&ct=ga"
        guess = estimate(f"{title}. {text}")
        entry = IncomingEntry(
            guid=f"demo:{index}:{path}",
            url=url,
            title=title,
            author=author,
            published=now - timedelta(hours=hours),
            html=f"<p>{html.escape(text)}</p>",
            text=text,
            language=guess.language,
            sentiment=guess.sentiment,
            sentiment_reason=guess.reason,
        )
        by_source.setdefault(sources[source.url].id, []).append(entry)
    for source_id, entries in by_source.items():
        ws.mentions.record_refresh(
            FetchOutcome(source_id=source_id, ok=True, entries=tuple(entries)), now
        )
    ws.topics.add(
        "Service client",
        'commande OR colis OR livraison OR "service client" OR remboursement OR injoignable',
        priority=1,
    )
    ws.topics.add("Galettes et pâtisseries", "galette* OR bûche* OR viennoiserie*")
    ws.topics.add("Hygiène et sécurité", 'intoxication OR cafard* OR "rappel produit"', priority=2)
    first = ws.mentions.page(limit=3)
    if first:
        ws.mentions.set_starred([first[0].id])
        ws.mentions.add_tag([first[0].id], "à traiter")
