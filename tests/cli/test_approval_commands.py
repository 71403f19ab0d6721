"""posts approval-pack, posts decisions and posts decide from the command line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from approval_samples import Sample, client_answers, fill
from cmdesk.store.workspace import Workspace


@pytest.fixture
def sample(cli, home: Path) -> Sample:
    assert cli("clients", "create", "Boulangerie Léa", "--language", "fr").code == 0
    with Workspace.open(home / "clients" / "boulangerie-lea.cmdesk") as ws:
        return fill(ws)


def test_pack_answer_and_import_twice(cli, sample: Sample, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "pack.html"
    made = cli("--json", "posts", "approval-pack", "--out", str(out))
    assert made.code == 0, made.err
    assert made.json["format"] == "html" and made.json["language"] == "fr"
    assert made.json["posts"] == [sample.galette, sample.sales, sample.idea]
    page = out.read_text(encoding="utf-8")
    assert "Publications à approuver" in page  # the client's language; the CLI speaks English
    result = client_answers(page, "Léa", {
        sample.galette: ("approved", "Parfait"),
        sample.sales: ("changes", "Sans le lien"),
    })  # fmt: skip
    answer = tmp_path / "decisions.cmdesk-decisions"
    answer.write_text(result["file"], encoding="utf-8")

    preview = cli("--json", "posts", "decisions", str(answer), "--dry-run").json
    assert (preview["applied"], preview["to_record"], preview["recorded"]) == (False, 2, 0)
    assert cli("--json", "posts", "show", str(sample.galette)).json["state"] == "in_review"

    done = cli("posts", "decisions", str(answer))
    assert done.code == 0 and "2 recorded." in done.out and "Sans le lien" in done.out
    shown = cli("--json", "posts", "show", str(sample.sales)).json
    assert shown["state"] == "changes_requested"
    assert shown["history"][-1]["actor"] == "Léa" and shown["history"][-1]["action"] == "approval"
    assert "the client’s decision" in cli("posts", "show", str(sample.sales)).out

    # The pasted e-mail text, on stdin: the same decisions, already recorded.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(result["text"].encode())))
    again = cli("--json", "posts", "decisions", "-")
    assert again.code == 0, again.err
    assert (again.json["recorded"], again.json["already"]) == (0, 2)
    assert cli("posts", "decisions", str(answer)).out.startswith("Decisions of Léa")


def test_refusals_say_why(cli, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    cli("posts", "approval-pack", "--out", str(out))
    result = client_answers(out.read_text(encoding="utf-8"), "Léa", {sample.idea: ("approved", "")})
    edited = tmp_path / "edited.json"
    edited.write_text(result["file"].replace('"approved"', '"changes"'), encoding="utf-8")
    refused = cli("posts", "decisions", str(edited))
    assert refused.code == 4 and "changed after the client made them" in refused.err
    data = json.loads(result["file"])
    data["client"] = "0" * 32
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(data), encoding="utf-8")
    assert cli("posts", "decisions", str(foreign)).code == 4  # checksum first, then client
    assert "no file" in cli("posts", "decisions", str(tmp_path / "nope")).err.lower()
    not_in_review = cli("posts", "approval-pack", "--out", str(out), "--ids", str(sample.draft))
    assert not_in_review.code == 4 and "only posts in review" in not_in_review.err


def test_pdf_of_chosen_posts_and_a_decision_by_phone(cli, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    made = cli("--json", "posts", "approval-pack", "--out", str(out), "--ids", str(sample.sales))
    assert made.code == 0 and made.json["format"] == "pdf" and made.json["posts"] == [sample.sales]
    assert out.read_bytes().startswith(b"%PDF")
    decided = cli(
        "--json", "posts", "decide", str(sample.galette), "--approve", "--by", "Léa",
        "--how", "par téléphone", "--comment", "OK pour samedi",
    )  # fmt: skip
    assert decided.code == 0 and decided.json["state"] == "approved"
    shown = cli("--json", "posts", "show", str(sample.galette)).json
    assert shown["comments"][-1]["body"] == "OK pour samedi"
    assert shown["history"][-1]["detail"].startswith("par téléphone, recorded by")
    twice = cli("posts", "decide", str(sample.galette), "--changes", "--by", "Léa")
    assert twice.code == 4 and "cannot become" in twice.err
