"""The approval pack's words and dates, in the client's language and time zone.

The pack is read by the client, not by the user of cmdesk: its text comes from the
catalogue of the client's language (i18n.translations), never from the app's current
language, and its dates are the client's wall-clock times written the client's way.
The HTML and PDF renderers share this module so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cmdesk.core.approval import ApprovalPack, PackChannel, PackPost
from cmdesk.core.networks import network_name
from cmdesk.i18n import N_, translations

TITLE = N_("Posts for your approval")
PREPARED = N_("Prepared for {client} on {date}")
PERIOD = N_("Publication from {start} to {end}")
PERIOD_ONE = N_("Publication on {date}")
NO_PERIOD = N_("Publication dates not set yet")
ZONE = N_("Times are given in the {zone} time zone.")
HOW_TITLE = N_("How to answer")
HOW_READ = N_("Read each post: its text, its version for each network and its images.")
HOW_HTML = (
    HOW_READ,
    N_("Choose “Approve” or “Request changes”, and say what should change."),
    N_("At the bottom of the page, write your name and click “Prepare my answer”."),
    N_("Send the file, or the text, it gives you to your community manager."),
)
HOW_PDF = (
    HOW_READ,
    N_(
        "Answer your community manager with the number of each post and “approved” or "
        "the changes you would like, or tick the boxes under each post and send back the "
        "signed pages."
    ),
    N_("If you received the HTML version of this pack, you can also answer in it."),
)
OFFLINE = N_(
    "This file holds everything it shows: it works without an Internet connection and "
    "sends nothing by itself."
)
POST = N_("Post {number} of {total}")
REFERENCE = N_("ref. {id}")
PLANNED = N_("Planned for {date}")
UNDATED = N_("Date not set yet")
TEXT = N_("Text")
LINK = N_("Link")
FIRST_COMMENT = N_("First comment")
CHANNELS = N_("On each network")
SAME_TEXT = N_("Same text as above.")
ARTICLE_TITLE = N_("Article title")
EXCERPT = N_("Excerpt")
CATEGORIES = N_("Categories")
TAGS = N_("Tags")
IMAGES = N_("Images")
ALT = N_("Image description (for people who cannot see it): {alt}")
NO_ALT = N_("This image has no description yet.")
NOTES = N_("From your community manager")
DECISION = N_("Your decision")
APPROVE = N_("Approve")
CHANGES = N_("Request changes")
COMMENT = N_("Your comment (say what should change if you request changes)")
APPROVED_BOX = N_("Approved")
CHANGES_BOX = N_("Changes requested:")
SIGNATURE = N_("Name and date:")
SEND_TITLE = N_("Send my decisions")
YOUR_NAME = N_("Your name")
PREPARE = N_("Prepare my answer")
COPY = N_("Copy the text")
COPIED = N_("Copied: paste it in an e-mail to your community manager.")
DOWNLOAD = N_("Download the answer file")
SEND_HINT = N_(
    "Send the downloaded file, or the text below, to your community manager: your "
    "decisions are recorded when they receive it. You can change your mind and prepare "
    "a new answer until then."
)
NEED_NAME = N_("Write your name first.")
NEED_DECISION = N_("Choose a decision for at least one post first.")
NEED_COMMENT = N_("Say what should change for post {number}.")
PROGRESS = N_("{done} of {total} posts decided")
SUMMARY_APPROVED = N_("approved")
SUMMARY_CHANGES = N_("changes requested")
ANSWER_HEAD = N_("Decisions of {name} for {client}:")
ANSWER_LINE = N_("{post}: {decision}")
PAGE = N_("Page {page} of {pages}")


@dataclass(frozen=True)
class PackText:
    """Translations and formats for one pack: `t` translates a message of this module."""

    language: str
    zone: ZoneInfo

    def t(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def when(self, moment: datetime) -> str:
        """ "mardi 3 mars 2026, 09:00" / "Tuesday, March 3, 2026, 9:00 AM"."""
        from babel.dates import format_date, format_time

        local = moment.astimezone(self.zone)
        day = format_date(local, "full", locale=self.language)
        return f"{day}, {format_time(local, 'short', locale=self.language)}"

    def day(self, moment: datetime) -> str:
        from babel.dates import format_date

        return format_date(moment.astimezone(self.zone), "long", locale=self.language)

    def period(self, pack: ApprovalPack) -> str:
        period = pack.period
        if period is None:
            return self.t(NO_PERIOD)
        start, end = (self.day(m) for m in period)
        if start == end:
            return self.t(PERIOD_ONE).format(date=start)
        return self.t(PERIOD).format(start=start, end=end)

    def prepared(self, pack: ApprovalPack) -> str:
        return self.t(PREPARED).format(client=pack.client_name, date=self.day(pack.made_at))

    def count(self, pack: ApprovalPack) -> str:
        total = len(pack.posts)
        tr = translations(self.language)
        return tr.ngettext("{count} post", "{count} posts", total).format(count=total)

    def planned(self, post: PackPost) -> str:
        return self.t(PLANNED).format(date=self.when(post.when)) if post.when else self.t(UNDATED)

    def heading(self, number: int, total: int) -> str:
        return self.t(POST).format(number=number, total=total)


def text_for(pack: ApprovalPack) -> PackText:
    return PackText(pack.language, ZoneInfo(pack.zone))


def channel_name(channel: PackChannel) -> str:
    return network_name(channel.channel)


def extras_lines(channel: PackChannel, text: PackText) -> list[tuple[str, str]]:
    """A WordPress article's title, excerpt, categories and tags, as (label, value)."""
    lines = []
    for key, label in (
        ("title", ARTICLE_TITLE),
        ("excerpt", EXCERPT),
        ("categories", CATEGORIES),
        ("tags", TAGS),
    ):
        value = channel.extras.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value:
            lines.append((text.t(label), str(value)))
    return lines
