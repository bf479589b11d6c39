// Report page: poll the generation status and update the progress bar; reload when done.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.getAttribute("data-finished") === "true") return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("status-progress");
  var label = document.getElementById("status-label");
  var message = document.getElementById("status-message");
  var errorBox = document.getElementById("status-error");
  var delay = 1000;

  function update(data) {
    if (bar) bar.value = data.progress || 0;
    if (label) {
      label.textContent = data.label;
      label.className = "badge report-" + data.status;
    }
    if (message) message.textContent = data.message || "";
    if (errorBox && data.error) {
      errorBox.textContent = data.error;
      errorBox.hidden = false;
    }
    if (data.finished) {
      window.location.reload();
      return;
    }
    delay = Math.min(delay * 1.3, 5000);
    window.setTimeout(poll, delay);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(update)
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, delay);
})();
