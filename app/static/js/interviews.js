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
    sync();
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
