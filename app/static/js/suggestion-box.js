// The suggestion box: a character counter, image checks before upload, errors that clear
// once the member fixes the field, and while typing (debounced) a proposed category and
// similar suggestions (only what the member may already see on the board).
(function () {
  "use strict";
  var form = document.getElementById("box-form");
  if (!form) return;

  var content = form.querySelector("textarea[name=content]");
  var title = form.querySelector("input[name=title]");
  var counter = document.getElementById("content-count");
  var submit = form.querySelector("button[type=submit]");

  function updateCounter() {
    if (!counter || !content) return;
    var max = parseInt(counter.getAttribute("data-max"), 10) || 2000;
    var n = content.value.length;
    counter.textContent = n + " / " + max;
    counter.classList.toggle("over", n > max);
  }
  if (content) {
    content.addEventListener("input", updateCounter);
    updateCounter();
  }

  // A server error under a field ("请填写建议内容。") goes once the field has an answer.
  function clearErrors(field) {
    var box = field.closest(".field");
    if (!box || !box.classList.contains("has-error")) return;
    box.classList.remove("has-error");
    var errors = box.querySelectorAll("p.error:not(#image-error)");
    for (var i = 0; i < errors.length; i++) errors[i].remove();
    field.removeAttribute("aria-invalid");
  }
  form.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches("textarea, input[type=text]") && field.value.trim()) clearErrors(field);
  });
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=radio]")) clearErrors(event.target);
  });

  // The category: the member's choice wins; until there is one, the box proposes one.
  var hint = document.getElementById("category-hint");
  var radios = form.querySelectorAll("input[type=radio][name=category]");
  var chosenByMember = false;
  var proposed = null;
  for (var r = 0; r < radios.length; r++) {
    if (radios[r].checked) proposed = radios[r].value;
    radios[r].addEventListener("change", function () {
      chosenByMember = true;
      if (hint) hint.hidden = true;
    });
  }
  function propose(category) {
    if (chosenByMember || !category || category === proposed) return;
    for (var k = 0; k < radios.length; k++) {
      if (radios[k].value === category) {
        radios[k].checked = true;
        proposed = category;
        clearErrors(radios[k]);
        if (hint) {
          hint.textContent = hint.getAttribute("data-template").replace("__CATEGORY__", category);
          hint.hidden = false;
        }
      }
    }
  }

  // Images: count and size, so that people do not wait for an upload that will be refused.
  var files = form.querySelector("input[type=file][name=images]");
  var imageError = document.getElementById("image-error");
  var names = document.getElementById("file-names");
  if (files && imageError) {
    files.addEventListener("change", function () {
      if (names) {
        var list = [];
        for (var k = 0; k < files.files.length; k++) list.push(files.files[k].name);
        names.textContent = list.length ? list.join("、") : names.getAttribute("data-empty");
      }
      var max = parseInt(form.getAttribute("data-max-images"), 10) || 3;
      var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 5242880;
      var problem = "";
      if (files.files.length > max) {
        problem = form.getAttribute("data-msg-count") || ("最多 " + max + " 张图片");
      }
      for (var i = 0; i < files.files.length && !problem; i++) {
        var f = files.files[i];
        if (f.size > maxBytes) {
          problem = (form.getAttribute("data-msg-size") || "图片太大：") + f.name;
        } else if (!/^image\/(jpeg|png|webp)$/.test(f.type)) {
          problem = (form.getAttribute("data-msg-type") || "不支持的图片格式：") + f.name;
        }
      }
      imageError.textContent = problem;
      imageError.hidden = !problem;
      if (submit) submit.disabled = !!problem;
    });
  }

  // Similar suggestions.
  var panel = document.getElementById("similar");
  var url = form.getAttribute("data-similar-url");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  if (!panel || !url || !content || !window.fetch) return;
  var list = panel.querySelector(".similar-list");
  var timer = null;
  var lastQuery = "";
  var seq = 0;

  function render(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (item) {
      var li = document.createElement("li");
      var badge = document.createElement("span");
      badge.className = "badge status status-" + item.status;
      badge.textContent = item.status_label;
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      li.appendChild(badge);
      li.appendChild(link);
      list.appendChild(li);
    });
    panel.hidden = items.length === 0;
  }

  function lookup() {
    var text = content.value.trim();
    var query = (title ? title.value.trim() : "") + "\n" + text;
    if (text.length < 6) { render([]); lastQuery = ""; return; }
    if (query === lastQuery) return;
    lastQuery = query;
    var mine = ++seq;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : ""
      },
      body: JSON.stringify({ text: text, title: title ? title.value : "" })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (mine !== seq || !data || !data.success) return;
        render(data.data.items || []);
        propose(data.data.category);
      })
      .catch(function () { /* suggestions are a help, never a blocker */ });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(lookup, 600);
  }
  content.addEventListener("input", schedule);
  if (title) title.addEventListener("input", schedule);
})();
