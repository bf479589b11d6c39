// Insight workspace: the analysis progress bar and "select all" in the inbox.
// Every page works without it (the runs page refreshes itself through <noscript>).
(function () {
  "use strict";

  // Poll a run's status and move the progress bar; reload when the run has finished.
  document.querySelectorAll("[data-run-status]").forEach(function (box) {
    var url = box.getAttribute("data-run-status");
    var bar = box.querySelector("[data-run-progress]");
    var stage = box.querySelector("[data-run-stage]");
    var percent = box.querySelector("[data-run-percent]");
    var poll = function () {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { setTimeout(poll, 5000); return; }
          if (bar) { bar.value = state.progress; bar.textContent = Math.round(state.progress * 100) + "%"; }
          if (stage) { stage.textContent = state.stage_label; }
          if (percent) { percent.textContent = Math.round(state.progress * 100) + "%"; }
          if (state.finished) { window.location.reload(); return; }
          setTimeout(poll, 1500);
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1000);
  });

  // <input type="checkbox" data-select-all="items"> ticks every checkbox named "items".
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (!name) return;
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();
