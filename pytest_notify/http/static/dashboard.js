// pytest-govuk-notify dashboard: follow new messages without reloading the page.
// Without this script every page is complete; with it, the page polls /dashboard/updates about
// once a second, inserts rows for new messages at the top of the table, refreshes each shown
// message's status and the page's panels, and says how many messages arrived (aria-live).
(function () {
  "use strict";

  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.JSON) {
    return;
  }
  var updatesUrl = main.getAttribute("data-updates-url");
  if (!updatesUrl) {
    return;
  }
  var after = main.getAttribute("data-after") || "0";
  var rows = document.querySelector("[data-live-rows]");
  var announcer = document.getElementById("live-announcer");
  var note = document.getElementById("live-note");
  var INTERVAL = 1000;
  var HIDDEN_INTERVAL = 5000;
  var failures = 0;

  if (note) {
    note.hidden = false;
  }

  function oldestShown() {
    if (!rows) {
      return null;
    }
    var shown = rows.querySelectorAll("tr[data-seq]");
    return shown.length ? shown[shown.length - 1].getAttribute("data-seq") : null;
  }

  function url() {
    var query = "after=" + encodeURIComponent(after);
    var oldest = oldestShown();
    if (oldest !== null) {
      query += "&shown=" + encodeURIComponent(oldest);
    }
    return updatesUrl + (updatesUrl.indexOf("?") === -1 ? "?" : "&") + query;
  }

  function announce(text) {
    if (!announcer) {
      return;
    }
    // Emptied first, so that the same words are read out again next time.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 100);
  }

  // What the server last sent for each panel and status cell: an unchanged part is left alone,
  // so a keyboard user's focus inside it stays where it is.
  var lastSeen = {};

  function replaceIfChanged(key, element, html) {
    if (!element || lastSeen[key] === html) {
      return;
    }
    lastSeen[key] = html;
    if (element.innerHTML !== html) {
      element.innerHTML = html;
    }
  }

  function apply(data) {
    if (rows && data.rows && data.rows.length) {
      var empty = rows.querySelector("tr[data-empty]");
      if (empty) {
        empty.parentNode.removeChild(empty);
      }
      rows.insertAdjacentHTML("afterbegin", data.rows.join(""));
      announce(data.rows.length === 1 ? "1 new message" : data.rows.length + " new messages");
      var count = document.getElementById("messages-count");
      if (count) {
        count.textContent = "New messages have arrived: the newest are at the top of the table.";
      }
    }
    if (typeof data.after === "number") {
      after = String(data.after);
    }
    var statuses = data.statuses || {};
    var cells = document.querySelectorAll("[data-status-for]");
    for (var i = 0; i < cells.length; i += 1) {
      var id = cells[i].getAttribute("data-status-for");
      if (Object.prototype.hasOwnProperty.call(statuses, id)) {
        replaceIfChanged("status:" + id, cells[i], statuses[id]);
      }
    }
    var panels = data.panels || {};
    Object.keys(panels).forEach(function (id) {
      replaceIfChanged("panel:" + id, document.getElementById(id), panels[id]);
    });
  }

  function schedule() {
    var wait = document.hidden ? HIDDEN_INTERVAL : INTERVAL;
    // Back off while the server is away (stopped, or restarting), up to 30 seconds.
    wait = Math.min(wait * Math.pow(2, Math.min(failures, 5)), 30000);
    window.setTimeout(poll, wait);
  }

  function poll() {
    fetch(url(), { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        apply(data);
      })
      .catch(function () {
        failures += 1;
      })
      .then(schedule);
  }

  schedule();
})();
