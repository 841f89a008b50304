/* Live numbers: every element with data-progress-url polls that JSON every 5 seconds and
 * updates, in place, the [data-field] texts and [data-bar] widths inside it. The page is
 * complete without this script; it only keeps the numbers fresh. No build step, no libraries. */
(function () {
  "use strict";
  var INTERVAL = 5000;
  var english = (document.documentElement.lang || "ko") === "en";

  function grouped(n) {
    return Math.abs(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function won(n) {
    var sign = n < 0 ? "-" : "";
    return english ? "₩" + sign + grouped(n) : sign + grouped(n) + "원";
  }

  function percent(n) {
    return (Math.floor(n * 10) / 10).toFixed(1);
  }

  var FORMATS = {
    won: won,
    number: function (n) { return (n < 0 ? "-" : "") + grouped(n); },
    percent: percent
  };

  // "teams.dog.actions" → data.teams (a list) is looked up by team code.
  function lookup(data, path) {
    return path.split(".").reduce(function (value, key) {
      if (value === null || value === undefined) { return undefined; }
      if (Array.isArray(value)) {
        return value.filter(function (item) { return item.code === key; })[0];
      }
      return value[key];
    }, data);
  }

  function apply(root, data) {
    root.querySelectorAll("[data-field]").forEach(function (el) {
      var value = lookup(data, el.getAttribute("data-field"));
      if (value === undefined || value === null) { return; }
      var format = FORMATS[el.getAttribute("data-format")];
      el.textContent = format ? format(value) : String(value);
    });
    root.querySelectorAll("[data-bar]").forEach(function (el) {
      var value = lookup(data, el.getAttribute("data-bar"));
      if (typeof value === "number") {
        el.style.width = percent(Math.max(0, Math.min(100, value))) + "%";
      }
    });
    root.querySelectorAll("[role=progressbar]").forEach(function (el) {
      if (typeof data.percent === "number") { el.setAttribute("aria-valuenow", percent(data.percent)); }
    });
    root.querySelectorAll("[data-show-when=purse_spent]").forEach(function (el) {
      el.hidden = !(data.purse_left !== null && data.purse_left <= 0);
    });
    // "냥냥이가 312표 앞서요": one sentence per team on the element, the gap filled in here.
    // Who leads is the server's answer (data.lead, the settlement's own rule), never worked
    // out here from the team numbers.
    root.querySelectorAll("[data-lead]").forEach(function (el) {
      var lead = data.lead;
      if (!lead) { return; }
      var sentence = lead.team === null ? el.getAttribute("data-lead-tie")
        : el.getAttribute("data-lead-" + lead.team);
      if (sentence) { el.textContent = sentence.replace("{gap}", grouped(lead.gap)); }
    });
    (data.milestones || []).forEach(function (m) {
      var el = root.querySelector('[data-milestone="' + m.threshold + '"]');
      if (el && m.reached) { el.classList.add("reached"); el.classList.remove("ahead"); }
    });
  }

  function watch(root) {
    var url = root.getAttribute("data-progress-url");
    var timer = null;
    function poll() {
      if (document.hidden) { return; }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) {
          if (response.status === 404 || response.status === 401) {
            clearInterval(timer);  // gone or not public: keep the numbers the page came with
            return null;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (data) { if (data) { apply(root, data); } })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    }
    timer = setInterval(poll, INTERVAL);
  }

  document.querySelectorAll("[data-progress-url]").forEach(watch);
})();
