/* Take part without leaving the spot: an action form ([data-action-form]) is sent with fetch;
 * the answer (the page the server would have shown) gives the message, shown next to the
 * button and announced by its aria-live region, and fresh copies of the parts that changed
 * ([data-refresh]: numbers, bars, caps, the next form key). Without this script the form posts
 * and the page reloads at #take-part with the same message. No build step, no libraries. */
(function () {
  "use strict";
  var root = document.getElementById("take-part");
  if (!root || !window.fetch || !window.DOMParser) { return; }

  function barWidths() {
    var widths = {};
    document.querySelectorAll("[data-refresh] [data-bar]").forEach(function (el) {
      var parent = el.parentNode.getBoundingClientRect().width || 1;
      widths[el.getAttribute("data-bar")] = (100 * el.getBoundingClientRect().width / parent) + "%";
    });
    return widths;
  }

  // New parts start at the old widths, then slide to theirs: the bar visibly moves.
  function slideBars(widths) {
    var moved = [];
    document.querySelectorAll("[data-refresh] [data-bar]").forEach(function (el) {
      var from = widths[el.getAttribute("data-bar")];
      if (from && !el.style.width) { el.style.width = from; moved.push(el); }
    });
    if (!moved.length) { return; }
    void document.body.offsetWidth;  // apply the starting widths before letting go
    requestAnimationFrame(function () { moved.forEach(function (el) { el.style.width = ""; }); });
  }

  function refreshParts(doc) {
    var widths = barWidths();
    var focusedId = document.activeElement && document.activeElement.id;
    document.querySelectorAll("[data-refresh]").forEach(function (old) {
      var fresh = doc.querySelector('[data-refresh="' + old.getAttribute("data-refresh") + '"]');
      if (fresh && old.isConnected) { old.replaceWith(document.importNode(fresh, true)); }
    });
    slideBars(widths);
    if (focusedId && !document.activeElement.id) {
      var again = document.getElementById(focusedId);
      if (again) { again.focus(); }
    }
  }

  function refreshForm(form, doc) {
    var fresh = doc.getElementById(form.id);
    if (!fresh) { return false; }
    form.querySelectorAll("input[id]").forEach(function (input) {
      var twin = doc.getElementById(input.id);
      if (twin && input.type !== "checkbox") { input.value = twin.value; }
    });
    form.querySelectorAll("button[id]").forEach(function (button) {
      var twin = doc.getElementById(button.id);
      if (!twin) { return; }
      button.disabled = twin.disabled;
      var described = twin.getAttribute("aria-describedby");
      if (described) { button.setAttribute("aria-describedby", described); }
      else { button.removeAttribute("aria-describedby"); }
    });
    return true;
  }

  function say(form, texts, isError) {
    var region = form.querySelector("[data-action-result]");
    if (!region) { return; }
    region.classList.remove("is-new");
    void region.offsetWidth;  // restart the little pop for each answer
    region.textContent = texts.join(" ");
    region.classList.toggle("is-error", isError);
    region.classList.add("is-new");
    var box = region.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      region.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function send(form) {
    var buttons = document.querySelectorAll('button[form="' + form.id + '"], #' + form.id + " button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
    // form.action would be the input named "action": read the attribute.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "text/html", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    }).then(function (answer) {
      var doc = new DOMParser().parseFromString(answer.html, "text/html");
      var flashes = doc.querySelectorAll("#take-part .flash");
      if (!flashes.length) { flashes = doc.querySelectorAll(".flash, .error-page p"); }
      var texts = Array.prototype.map.call(flashes, function (p) { return p.textContent.trim(); })
        .filter(Boolean);
      var isError = !answer.ok || !!doc.querySelector("#take-part .flash-error");
      if (!texts.length) { texts = [root.getAttribute("data-fallback-error") || "…"]; }
      buttons.forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
      if (doc.getElementById("take-part") && !refreshForm(form, doc)) {
        // The challenge changed under us (ended, paused): show its take-part card as it is now.
        root.innerHTML = doc.getElementById("take-part").innerHTML;
        return;
      }
      refreshParts(doc);
      say(form, texts, isError);
    }).catch(function () {
      // Offline or cut off: fall back to the plain form post, which says what happened.
      buttons.forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
      form.submit();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-action-form")) { return; }
    event.preventDefault();
    send(form);
  });
  root.setAttribute("data-ready", "");  // forms are answered in place from here on
})();
