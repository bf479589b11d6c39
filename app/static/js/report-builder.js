// Report builder: the page opens at once; the data is analysed afterwards. The script asks
// the outline endpoint for the sections with data and the top actions (whose owner and due
// date fields it labels), then loads the preview it prepared into the frame, showing the
// progress meanwhile. 「更新预览」 does the same for the current choices without a reload.
(function () {
  "use strict";
  var form = document.getElementById("builder-form");
  var frame = document.getElementById("report-preview");
  var status = document.getElementById("preview-status");
  if (!form || !frame || !status || !form.getAttribute("data-outline-url")) return;
  var message = document.getElementById("preview-message");
  var elapsed = document.getElementById("preview-elapsed");
  var outlineBase = form.getAttribute("data-outline-url").split("?")[0];
  var timer = null;
  var started = 0;
  var current = 0;

  function show(text) {
    status.hidden = false;
    status.classList.remove("failed");
    message.textContent = text;
  }

  function tick() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    elapsed.textContent = seconds > 0
      ? status.getAttribute("data-seconds").replace("{n}", String(seconds)) : "";
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
  }

  function fail() {
    stop();
    status.hidden = false;
    status.classList.add("failed");
    message.textContent = status.getAttribute("data-failed");
    elapsed.textContent = "";
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "action" || name.indexOf("actions-") === 0) return;
      params.append(name, value);
    });
    return params.toString();
  }

  function markSections(noData) {
    form.querySelectorAll(".section-choice").forEach(function (label) {
      var empty = noData.indexOf(label.getAttribute("data-section")) !== -1;
      label.classList.toggle("no-data", empty);
      var badge = label.querySelector(".badge");
      if (badge) badge.hidden = !empty;
    });
  }

  function labelActions(actions) {
    form.querySelectorAll(".action-row").forEach(function (row) {
      var rank = Number(row.getAttribute("data-rank"));
      var action = actions[rank - 1];
      var key = row.querySelector("input[type=hidden]");
      var label = row.querySelector("[data-action-label]");
      row.hidden = !action;
      if (key) key.value = action ? action.theme_key : "";
      if (label && action) label.textContent = "「" + action.theme + "」" + action.action;
    });
  }

  function load() {
    var request = ++current;
    started = Date.now();
    stop();
    show(status.getAttribute("data-analysing"));
    tick();
    timer = window.setInterval(tick, 1000);
    fetch(outlineBase + "?" + query(), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) throw new Error(data.error || response.status);
          return data;
        });
      })
      .then(function (data) {
        if (request !== current) return;
        markSections(data.no_data || []);
        labelActions(data.actions || []);
        show(status.getAttribute("data-loading"));
        frame.onload = function () {
          if (request !== current) return;
          stop();
          status.hidden = true;
        };
        frame.src = data.preview_url;
      })
      .catch(function () { if (request === current) fail(); });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.value === "preview") {
      event.preventDefault();
      load();
    }
  });
  load();
})();
