"""The sections of the main window, and what each shows while it has nothing yet."""

from __future__ import annotations

from dataclasses import dataclass

from cmdesk.i18n import N_


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # untranslated; translate where shown
    icon: str
    summary: str
    will_do: tuple[str, ...]
    how_to_start: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "monitoring",
        N_("Monitoring"),
        "monitoring",
        N_("Know what is said about the client before it becomes a crisis."),
        (
            N_("Follow blogs, news sites, Google Alerts, Reddit, YouTube and Mastodon feeds"),
            N_("Watch topics with keyword rules, and be alerted when mentions spike"),
            N_("Read, star, tag and search every mention, even offline"),
        ),
        N_(
            "Start by adding the client's brand keywords in Settings: they will seed the "
            "first watch topics."
        ),
    ),
    Section(
        "posts",
        N_("Posts"),
        "posts",
        N_("Write once, adapt per network, get approval, publish on time."),
        (
            N_("Draft posts with per-network variants and live character counters"),
            N_("Send an approval pack to the client and record their decisions"),
            N_("Plan on a calendar and publish to Mastodon, Bluesky and WordPress"),
        ),
        N_("Start by checking the client's time zone and language in Settings."),
    ),
    Section(
        "interactions",
        N_("Interactions"),
        "interactions",
        N_("Log every exchange with the community, answer it and route it."),
        (
            N_("Capture a comment, review or message with its link in one step"),
            N_("Qualify it (complaint, question, praise, suggestion, crisis) and answer it"),
            N_("Send feedback to the right internal team and measure response times"),
        ),
        N_("Start by writing the client's tone of voice in Settings (notes)."),
    ),
    Section(
        "contacts",
        N_("Contacts"),
        "contacts",
        N_("Know the community: regulars, occasional voices, influencers, detractors."),
        (
            N_("Keep each member's handles, tags, notes and consent"),
            N_("See their history of interactions and mentions"),
            N_("Spot the few regulars who do most of the talking, and the unhappy ones"),
        ),
        N_("Contacts appear here as you log interactions."),
    ),
    Section(
        "reports",
        N_("Reports"),
        "reports",
        N_("Turn the month's work into figures and a report the client can forward."),
        (
            N_("Dashboards of mentions, sentiment, response times and posts"),
            N_("A monthly PDF report in the client's language"),
            N_("Feedback digests for each internal team, sent by e-mail"),
        ),
        N_("Reports fill in as monitoring, posts and interactions are used."),
    ),
    Section(
        "settings",
        N_("Settings"),
        "settings",
        N_("The client's profile, this workspace's file and backups, and the app's preferences."),
        (),
        "",
    ),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
