// Interviews: the member / external switch on the form, and saving a highlight by selecting
// text in the rendered notes. The selection is sent as the paragraph index, the offset where
// it starts in the paragraph's visible text, and the selected text; the server finds the
// passage in the Markdown source and stores its source offsets.
(function () {
  "use strict";

  // --- the interview form ---------------------------------------------------------------
  var iform = document.getElementById("interview-form");
  if (iform) {
    var radios = iform.querySelectorAll("input[name=interviewee_kind]");
    var sync = function () {
      var kind = "member";
      radios.forEach(function (r) { if (r.checked) kind = r.value; });
      iform.querySelectorAll(".when-member").forEach(function (el) { el.hidden = kind !== "member"; });
      iform.querySelectorAll(".when-external").forEach(function (el) { el.hidden = kind !== "external"; });
    };
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    memberPicker(iform);
    sync();
  }

  // The interviewee search: a combobox over the server's member search replaces the long
  // dropdown (which stays the form field, and the fallback without JavaScript). Each result
  // shows the join date (and role) that tells namesakes apart.
  function memberPicker(form) {
    var picker = form.querySelector("[data-member-picker]");
    var select = form.querySelector("select[name=interviewee_id]");
    if (!picker || !select || !window.fetch) return;
    var input = picker.querySelector("[role=combobox]");
    var list = picker.querySelector("[role=listbox]");
    var picked = picker.querySelector("[data-picked]");
    var selectField = select.closest(".field") || select;
    selectField.hidden = true;
    selectField.classList.remove("when-member");
    picker.hidden = false;
    var results = [], active = -1, timer = null, asked = "";

    function showPicked() {
      var option = select.options[select.selectedIndex];
      picked.textContent = option && option.value ? picker.getAttribute("data-picked-text") + option.text : "";
    }
    function close() {
      list.hidden = true; input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant"); active = -1;
    }
    function highlight(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({block: "nearest"}); }
      });
    }
    function choose(index) {
      var m = results[index];
      if (!m) return;
      var value = String(m.id), option = null;
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === value) option = select.options[i];
      if (!option) { option = new Option(m.name + " · " + m.detail, value); select.add(option); }
      select.value = value;
      input.value = m.name;
      showPicked(); close();
    }
    function render() {
      list.innerHTML = "";
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "muted"; empty.textContent = picker.getAttribute("data-empty-text");
        list.appendChild(empty);
      }
      results.forEach(function (m, i) {
        var li = document.createElement("li");
        li.id = "interviewee-option-" + i; li.setAttribute("role", "option");
        var name = document.createElement("span"); name.textContent = m.name;
        var detail = document.createElement("span"); detail.className = "muted small"; detail.textContent = " " + m.detail;
        li.appendChild(name); li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false; input.setAttribute("aria-expanded", "true");
      highlight(results.length ? 0 : -1);
    }
    function search() {
      var q = input.value.trim();
      if (!q) { results = []; close(); return; }
      asked = q;
      fetch(picker.getAttribute("data-search-url") + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) { if (q !== asked) return; results = data.members || []; render(); })
        .catch(function () { results = []; close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault(); highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    var current = select.options[select.selectedIndex];
    if (current && current.value) input.value = current.text.split(" · ")[0];
    showPicked();
  }

  // --- highlights -------------------------------------------------------------------------
  var notes = document.getElementById("notes");
  var hform = document.getElementById("highlight-form");
  if (!notes || !hform) return;
  var panel = document.getElementById("highlight-panel");
  var quoteBox = document.getElementById("selected-quote");
  var fields = {
    paragraph: hform.querySelector("input[name=paragraph]"),
    offset: hform.querySelector("input[name=offset]"),
    quote: hform.querySelector("input[name=quote]")
  };

  function blockOf(node) {
    while (node && node !== notes) {
      if (node.nodeType === 1 && node.hasAttribute("data-p")) return node;
      node = node.parentNode;
    }
    return null;
  }

  function showQuote(text) {
    if (!quoteBox) return;
    quoteBox.textContent = text || quoteBox.getAttribute("data-empty");
    quoteBox.classList.toggle("empty", !text);
  }

  function capture() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var block = blockOf(range.startContainer);
    if (!block || block !== blockOf(range.endContainer)) return;
    if (!block.classList.contains("selectable")) return;
    var text = sel.toString().replace(/\s+/g, " ").trim();
    if (!text) return;
    // Offset of the selection start in the block's visible text: the hint for the server.
    var before = document.createRange();
    before.selectNodeContents(block);
    before.setEnd(range.startContainer, range.startOffset);
    fields.paragraph.value = block.getAttribute("data-p");
    fields.offset.value = String(before.toString().length);
    fields.quote.value = text;
    showQuote(text);
    if (panel) panel.classList.add("active");
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(capture, 250);
  });
  notes.addEventListener("mouseup", capture);
  notes.addEventListener("touchend", function () { setTimeout(capture, 50); });

  hform.addEventListener("submit", function (event) {
    if (!fields.quote.value) {
      event.preventDefault();
      showQuote("");
      if (quoteBox) quoteBox.focus();
    }
  });

  if (quoteBox && !fields.quote.value) showQuote("");

  // Follow links to a highlight: make the mark blink briefly.
  function flash() {
    var id = decodeURIComponent((location.hash || "").slice(1));
    if (!/^h-\d+$/.test(id)) return;
    var mark = document.getElementById(id);
    if (!mark) return;
    var marks = notes.querySelectorAll('mark[data-h="' + id.slice(2) + '"]');
    marks.forEach(function (m) { m.classList.add("flash"); });
    setTimeout(function () { marks.forEach(function (m) { m.classList.remove("flash"); }); }, 2500);
  }
  window.addEventListener("hashchange", flash);
  flash();
})();
