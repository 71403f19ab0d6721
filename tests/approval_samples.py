"""A client with posts waiting for approval, and the client's side of an approval pack:
the answer the HTML pack's script makes, built by running that very script in Node.

Imported by name from the store, share, CLI and UI tests.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.posts import PostState
from cmdesk.store.workspace import Workspace

HOSTILE = "<script>alert('pwned')</script><img src=https://tracker.example/p.gif>"
INTERNAL = "INTERNAL: the client haggles over the price"
FOR_CLIENT = "We picked the photo taken in the bakery."


def jpeg(width: int = 640, height: int = 400) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (210, 160, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Sample:
    """Post ids: `galette` and `sales` in review, `idea` in review without a date,
    `draft` not in review."""

    galette: int
    sales: int
    idea: int
    draft: int


def fill(ws: Workspace) -> Sample:
    galette = ws.posts.create(
        "La galette des rois est là 👑 !\nVenez la goûter dès samedi.",
        ["mastodon", "bluesky", "wordpress"],
        title="Épiphanie",
        link="https://fournil.example/galette",
    )
    ws.posts.update_variant(galette.variants[1].id, text="Galette 👑 dès samedi, au fournil !")
    ws.posts.update_variant(
        galette.variants[2].id,
        extras={"title": "La galette 2027", "excerpt": "Notre galette", "tags": ["galette"]},
    )
    ws.posts.add_media(galette.id, jpeg(), "Une galette dorée sur une planche", filename="g.jpg")
    ws.posts.reschedule(galette.id, datetime(2027, 1, 6, 9, 0))
    ws.posts.add_comment(galette.id, FOR_CLIENT, for_client=True)
    ws.posts.add_comment(galette.id, INTERNAL, for_client=False)
    sales = ws.posts.create(f"Soldes d’hiver : -20 % le mardi. {HOSTILE}", ["x", "facebook"])
    ws.posts.reschedule(sales.id, datetime(2027, 1, 12, 7, 30))
    idea = ws.posts.create("Une idée sans date", ["instagram"])
    draft = ws.posts.create("Pas encore prêt", ["mastodon"])
    for post_id in (galette.id, sales.id, idea.id):
        ws.posts.set_state(post_id, PostState.IN_REVIEW)
    return Sample(galette.id, sales.id, idea.id, draft.id)


def client_workspace(path: Path, language: str = "fr", name: str = "Boulangerie Léa") -> Workspace:
    slug = re.sub(r"[^a-z]+", "-", name.lower()).strip("-") or "client"
    return Workspace.create(path, ClientProfile(name, slug, language=language))


# Fixtures for the test modules that import them: `ws` is the client (in French unless a
# test parametrizes it indirectly), `sample` its posts.
@pytest.fixture(params=["fr"])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    with client_workspace(tmp_path / "lea.cmdesk", language=request.param) as workspace:
        yield workspace


@pytest.fixture
def sample(ws: Workspace) -> Sample:
    return fill(ws)


# -- the client's side: the page's own script, run by Node ------------------------------------

_HARNESS = r"""
// A stand-in for the browser: just what pack.js touches, so the page's own code runs.
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const elements = {};
function element(id) {
  if (!elements[id]) elements[id] = {
    id, value: "", textContent: "", hidden: false, className: "", href: "", download: "",
    handlers: {}, focus() {}, select() {},
    addEventListener(type, fn) { this.handlers[type] = fn; },
  };
  return elements[id];
}
element("cmdesk-pack").textContent = input.island;
const radios = {};
for (const [post, choice] of Object.entries(input.choices)) {
  radios[post] = { value: choice.verdict, checked: true };
  element("comment-" + post).value = choice.comment;
}
let blob = null;
const context = {
  TextEncoder, btoa, JSON, Date, String,
  Blob: function (parts) { blob = parts.join(""); },
  URL: { createObjectURL: () => "blob:answer", revokeObjectURL() {} },
  navigator: {}, window: {},
  document: {
    getElementById: element,
    querySelector(selector) {
      const found = /^input\[name='verdict-(\d+)'\]:checked$/.exec(selector);
      return found && radios[found[1]] ? radios[found[1]] : null;
    },
    addEventListener(type, fn) { if (type === "DOMContentLoaded") this.ready = fn; },
    execCommand() { return true; },
  },
};
vm.createContext(context);
vm.runInContext(input.script, context);
context.document.ready();
element("reviewer").value = input.reviewer;
element("prepare").handlers.click();
process.stdout.write(JSON.stringify({
  error: element("answer-error").textContent,
  text: element("answer-text").value,
  file: blob,
  file_name: element("download").download,
  progress: element("progress").textContent,
}));
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node is needed to run the pack's script (the CI installs it)")
    return found


def page_parts(page: str) -> tuple[str, str]:
    """(the JSON island, the script) of an HTML pack."""
    island = re.search(
        r'<script type="application/json" id="cmdesk-pack">(.*?)</script>', page, re.S
    )
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert island and script
    return island.group(1), script.group(1)


def client_answers(page: str, reviewer: str, choices: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """What the client gets after choosing `choices` ({post: (verdict, comment)}) in the
    page, writing `reviewer` and clicking "Prepare my answer"."""
    island, script = page_parts(page)
    payload = {
        "island": island,
        "script": script,
        "reviewer": reviewer,
        "choices": {str(k): {"verdict": v, "comment": c} for k, (v, c) in choices.items()},
    }
    done = subprocess.run(
        [node(), "-e", _HARNESS],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result
