// Builder enhancements: the condition editor refreshes itself when a question or operator
// changes, and option rows can be added, moved and removed without a round trip.
// Every form also works without JavaScript (refresh / "add rows" buttons).
(function () {
  "use strict";

  // Condition editor: re-render on the server when the question, row, operator or value
  // changes, so the choices offered and the summary below always match the rows. The control
  // that changed gets the focus back after the reload (keyboard users keep their place).
  var logic = document.querySelector("[data-logic-form]");
  if (logic) {
    var refreshButton = logic.querySelector("[data-refresh-button]");
    var focusKey = "huisheng.logic-focus";
    try {
      var again = window.sessionStorage.getItem(focusKey);
      window.sessionStorage.removeItem(focusKey);
      var target = again && document.getElementById(again);
      if (target) target.focus();
    } catch (e) { /* storage unavailable: the page still works, without refocusing */ }
    logic.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-refresh") && refreshButton) {
        try { if (event.target.id) window.sessionStorage.setItem(focusKey, event.target.id); } catch (e) { /* see above */ }
        if (logic.requestSubmit) logic.requestSubmit(refreshButton); else refreshButton.click();
      }
    });
  }

  // Option rows: add, move and remove in the page.
  var questionForm = document.querySelector("[data-question-form]");
  if (!questionForm) return;

  function renumber(container) {
    var prefix = container.getAttribute("data-rows");
    var rows = container.querySelectorAll("[data-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        ["name", "id"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-"));
        });
      });
      row.querySelectorAll("label[for]").forEach(function (label) {
        label.setAttribute("for", label.getAttribute("for").replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-"));
      });
      var text = row.querySelector("input[type=text]");
      if (text && text.placeholder) text.placeholder = text.placeholder.replace(/\d+$/, String(index + 1));
    });
  }

  questionForm.querySelectorAll("[data-row-tools]").forEach(function (tools) { tools.hidden = false; });

  questionForm.addEventListener("click", function (event) {
    var target = event.target;
    var row = target.closest && target.closest("[data-row]");
    var container = target.closest && target.closest("[data-rows]");
    if (target.hasAttribute("data-row-remove") && row) {
      var all = container.querySelectorAll("[data-row]");
      if (all.length > 1) row.remove(); else row.querySelector("input[type=text]").value = "";
      renumber(container);
    } else if (target.hasAttribute("data-row-up") && row && row.previousElementSibling) {
      container.insertBefore(row, row.previousElementSibling);
      renumber(container);
    } else if (target.hasAttribute("data-row-down") && row && row.nextElementSibling) {
      container.insertBefore(row.nextElementSibling, row);
      renumber(container);
    } else if (target.hasAttribute("data-add-row")) {
      var list = questionForm.querySelector("[data-rows='" + target.getAttribute("data-add-row") + "']");
      var last = list && list.querySelector("[data-row]:last-child");
      if (!last) return;
      event.preventDefault();
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (el) {
        if (el.type === "checkbox") el.checked = false; else el.value = "";
      });
      list.appendChild(copy);
      renumber(list);
      copy.querySelector("input[type=text]").focus();
    }
  });
})();
