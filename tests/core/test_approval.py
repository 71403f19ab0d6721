"""The client's answer to an approval pack: its form, its checksum, and the text block
that has to survive an e-mail."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cmdesk.core.approval import (
    BEGIN,
    Decision,
    DecisionSet,
    Verdict,
    answer_json,
    armor,
    parse_decisions,
)
from cmdesk.core.errors import InvalidData

SET = DecisionSet(
    pack_id="a" * 32,
    client_uid="c" * 32,
    client_name="Boulangerie Léa",
    reviewer="Léa Martin",
    decided_at=datetime(2027, 1, 3, 15, 42, 7, tzinfo=UTC),
    decisions=(
        Decision(3, "f" * 20, "s" * 20, Verdict.APPROVED, ""),
        Decision(4, "e" * 20, "t" * 20, Verdict.CHANGES, "Plutôt « -25 % »\n\tet 🥐 svp"),
    ),
)


def test_the_answer_file_reads_back() -> None:
    raw = json.dumps(answer_json(SET), ensure_ascii=False, indent=1).encode("utf-8")
    assert parse_decisions(raw) == SET
    assert parse_decisions(b"\xef\xbb\xbf" + raw) == SET  # saved by Notepad, with a BOM


def test_the_text_block_survives_quoting_and_words_around_it() -> None:
    block = armor(answer_json(SET))
    mail = "Bonjour,\nvoici mes choix.\n\n" + "\n".join("> " + line for line in block.splitlines())
    assert parse_decisions(mail + "\n> Léa\n") == SET
    wrapped = block.replace("\n", "\r\n  ")  # a mail client's line ends and indent
    assert parse_decisions(wrapped) == SET


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["decisions"][0].update(verdict="changes"), "changed after the client"),
        (lambda a: a["decisions"].pop(), "changed after the client"),
        (lambda a: a.update(reviewer="Quelqu’un d’autre"), "changed after the client"),
        (lambda a: a.update(format="other"), "not a decisions file"),
        (lambda a: a.update(version=2), "newer cmdesk"),
        (lambda a: a["decisions"][0].update(post="3"), "changed after the client|not a decisions"),
    ],
)
def test_an_edited_answer_is_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = answer_json(SET)
    change(data)
    with pytest.raises(InvalidData, match=message):
        parse_decisions(json.dumps(data))


def test_a_mangled_or_foreign_text_is_refused_in_plain_words() -> None:
    block = armor(answer_json(SET))
    with pytest.raises(InvalidData, match="cut off"):
        parse_decisions(block.rsplit("\n", 1)[0])
    lines = block.splitlines()
    lines[2] = lines[2][:-4] + "!!!!"
    with pytest.raises(InvalidData, match="changed on the way"):
        parse_decisions("\n".join(lines))
    for junk in (
        "",
        "hello",
        "[1, 2]",
        b"\xff\xfe",
        BEGIN + "\nAAAA\n-----END CMDESK DECISIONS-----",
    ):
        with pytest.raises(InvalidData):
            parse_decisions(junk)


def test_an_answer_without_a_name_is_refused() -> None:
    data = answer_json(SET)
    data["reviewer"] = "   "
    data.pop("checksum")
    from cmdesk.core.approval import checksum

    data["checksum"] = checksum(data)
    with pytest.raises(InvalidData, match="who made them"):
        parse_decisions(json.dumps(data))
