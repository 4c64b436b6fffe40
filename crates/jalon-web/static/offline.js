// Jalon — the day-of pages keep working when the network drops: each form sent is queued in
// the browser with an id of its own, sent in order when the network is back, and applied
// once by the server whatever the number of tries (X-Action-Id). What the server refuses
// on sync is listed, never lost silently.
(function () {
  "use strict";
  var KEY = "jalon-actions";
  var REFUSED = "jalon-actions-refused";
  var flushing = false;

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(key, list) { localStorage.setItem(key, JSON.stringify(list)); }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var s = "";
    for (var i = 0; i < 32; i++) { s += Math.floor(Math.random() * 16).toString(16); }
    return s;
  }

  var banner = document.createElement("div");
  banner.className = "offline-status";
  banner.setAttribute("role", "status");
  banner.hidden = true;
  var main = document.querySelector("main") || document.body;
  main.insertBefore(banner, main.firstChild);

  function show() {
    var queued = load(KEY), refused = load(REFUSED);
    var parts = [];
    if (queued.length) {
      parts.push("<p><strong>Hors ligne : " + queued.length + " action" + (queued.length > 1 ? "s" : "") +
        " en attente</strong>, envoyée" + (queued.length > 1 ? "s" : "") + " dès le retour du réseau.</p>");
    }
    if (refused.length) {
      parts.push("<p><strong>Refusé à l'envoi :</strong></p><ul>" + refused.map(function (r) {
        return "<li>" + escape(r.label) + " — " + escape(r.why) + "</li>";
      }).join("") + "</ul><button type=\"button\" class=\"small secondary\" data-clear>J'ai lu</button>");
    }
    banner.innerHTML = parts.join("");
    banner.hidden = parts.length === 0;
    var clear = banner.querySelector("[data-clear]");
    if (clear) { clear.addEventListener("click", function () { save(REFUSED, []); show(); }); }
  }
  function escape(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }
  function why(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var box = doc.querySelector(".errors, main p");
    return box ? box.textContent.replace(/\s+/g, " ").trim() : "refusé par le serveur";
  }

  // Sends the queue in order; stops at the first network failure, keeps the rest.
  function flush(then) {
    if (flushing) { return; }
    var queued = load(KEY);
    if (!queued.length) { show(); if (then) { then(null); } return; }
    flushing = true;
    var item = queued[0];
    fetch(item.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Action-Id": item.id },
      body: item.body,
      credentials: "same-origin"
    }).then(function (r) {
      return r.text().then(function (text) {
        var rest = load(KEY).filter(function (q) { return q.id !== item.id; });
        save(KEY, rest);
        if (!r.ok && r.status !== 200) {
          var refused = load(REFUSED);
          refused.push({ label: item.label, why: why(text) });
          save(REFUSED, refused);
        }
        flushing = false;
        if (rest.length) { flush(then); } else { show(); if (then) { then(r); } }
      });
    }, function () {
      flushing = false;
      show();
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    // Only the forms of the day that can wait for the network (marked data-offline).
    if (!form.matches("form[method=post][data-offline]")) { return; }
    e.preventDefault();
    var data = new FormData(form, e.submitter || undefined);
    var label = (form.getAttribute("aria-label") || (e.submitter && e.submitter.textContent) || "action")
      .replace(/\s+/g, " ").trim();
    var queued = load(KEY);
    queued.push({ id: newId(), url: form.action, body: new URLSearchParams(data).toString(), label: label });
    save(KEY, queued);
    show();
    flush(function (last) {
      // Everything sent: the page as the server now has it.
      if (last) { location.reload(); }
    });
  });
  window.addEventListener("online", function () { flush(function (last) { if (last) { location.reload(); } }); });
  setInterval(function () { if (navigator.onLine) { flush(); } }, 15000);
  show();
  if (load(KEY).length && navigator.onLine) { flush(function (last) { if (last) { location.reload(); } }); }
})();
