/* cmdesk approval pack: the client's answer, built in the page. Nothing is sent and
   nothing is loaded: the answer is a file to download or a text to copy, which the
   community manager imports into cmdesk (cmdesk/core/approval.py reads it; its
   `canonical` and `checksum` are this file's, line for line). */
"use strict";
var CMDESK = (function () {
  var TABLE = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    TABLE.push(c >>> 0);
  }
  function utf8(text) {
    return new TextEncoder().encode(text);
  }
  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
  }
  function canonical(a) {
    var lines = ["cmdesk-decisions 1", a.pack, a.client, a.reviewer, a.decided_at];
    a.decisions.forEach(function (d) {
      lines.push([String(d.post), d.fingerprint, d.seal, d.verdict, d.comment].join("\t"));
    });
    return lines.join("\n");
  }
  /* choices: {post id: {verdict: "approved" | "changes" | "", comment: text}} */
  function answer(pack, reviewer, decidedAt, choices) {
    var a = {
      format: "cmdesk-decisions", version: 1, pack: pack.pack, client: pack.client,
      client_name: pack.client_name, reviewer: reviewer.trim(), decided_at: decidedAt,
      decisions: []
    };
    pack.posts.forEach(function (p) {
      var choice = choices[p.id];
      if (!choice || !choice.verdict) return;
      a.decisions.push({
        post: p.id, fingerprint: p.fingerprint, seal: p.seal, verdict: choice.verdict,
        comment: (choice.comment || "").trim()
      });
    });
    a.checksum = crc32(utf8(canonical(a)));
    return a;
  }
  /* Base64 lines between markers: survives e-mail line wrapping and "> " quoting. */
  function armor(a) {
    var bytes = utf8(JSON.stringify(a)), binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    var base64 = btoa(binary), lines = ["-----BEGIN CMDESK DECISIONS-----"];
    for (var j = 0; j < base64.length; j += 64) lines.push(base64.slice(j, j + 64));
    lines.push("-----END CMDESK DECISIONS-----");
    return lines.join("\n");
  }
  return { crc32: crc32, utf8: utf8, canonical: canonical, answer: answer, armor: armor };
})();

function cmdeskPage() {
  var pack = JSON.parse(document.getElementById("cmdesk-pack").textContent);
  var T = pack.text, saved = "cmdesk-pack-" + pack.pack;
  function $(id) { return document.getElementById(id); }
  function choices() {
    var out = {};
    pack.posts.forEach(function (p) {
      var picked = document.querySelector("input[name='verdict-" + p.id + "']:checked");
      out[p.id] = { verdict: picked ? picked.value : "", comment: $("comment-" + p.id).value };
    });
    return out;
  }
  function refresh() {
    var current = choices(), done = 0;
    pack.posts.forEach(function (p) {
      var verdict = current[p.id].verdict;
      if (verdict) done++;
      $("post-" + p.id).className = "post " + (verdict || "open");
    });
    $("progress").textContent = T.progress.replace("{done}", done).replace("{total}", pack.posts.length);
    try {
      localStorage.setItem(saved, JSON.stringify({ name: $("reviewer").value, choices: current }));
    } catch (e) { /* private browsing or file:// storage refused: nothing kept, nothing lost */ }
  }
  function restore() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(saved) || "null"); } catch (e) { kept = null; }
    if (!kept) return;
    $("reviewer").value = kept.name || "";
    pack.posts.forEach(function (p) {
      var choice = kept.choices && kept.choices[p.id];
      if (!choice) return;
      var radio = document.querySelector("input[name='verdict-" + p.id + "'][value='" + choice.verdict + "']");
      if (radio) radio.checked = true;
      $("comment-" + p.id).value = choice.comment || "";
    });
  }
  function fail(message) {
    $("answer-error").textContent = message;
    $("answer").hidden = true;
  }
  function prepare() {
    var name = $("reviewer").value.trim(), current = choices(), lines = [], any = false;
    if (!name) return fail(T.need_name);
    for (var i = 0; i < pack.posts.length; i++) {
      var p = pack.posts[i], choice = current[p.id];
      if (!choice.verdict) continue;
      any = true;
      if (choice.verdict === "changes" && !choice.comment.trim()) {
        $("comment-" + p.id).focus();
        return fail(T.need_comment.replace("{number}", p.number));
      }
      var decision = T[choice.verdict] + (choice.comment.trim() ? " — " + choice.comment.trim() : "");
      lines.push("- " + T.answer_line.replace("{post}", p.heading).replace("{decision}", decision));
    }
    if (!any) return fail(T.need_decision);
    var a = CMDESK.answer(pack, name, new Date().toISOString(), current);
    var head = T.answer_head.replace("{name}", name).replace("{client}", pack.client_name);
    $("answer-error").textContent = "";
    $("answer-text").value = head + "\n" + lines.join("\n") + "\n\n" + CMDESK.armor(a) + "\n";
    var link = $("download");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([JSON.stringify(a, null, 1)], { type: "application/json" }));
    link.download = pack.file_name;
    $("answer").hidden = false;
    $("copied").textContent = "";
  }
  function copy() {
    var area = $("answer-text");
    function done() { $("copied").textContent = T.copied; }
    function fallback() { area.select(); if (document.execCommand("copy")) done(); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done, fallback);
    } else {
      fallback();
    }
  }
  restore();
  refresh();
  document.addEventListener("change", refresh);
  document.addEventListener("input", refresh);
  $("prepare").addEventListener("click", prepare);
  $("copy").addEventListener("click", copy);
}

if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", cmdeskPage);
