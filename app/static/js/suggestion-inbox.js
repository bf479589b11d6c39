// The inbox's bulk bar: counts the ticked suggestions and shows only the fields of the chosen
// action. Without JavaScript every field shows and the form still works.
(function () {
  "use strict";
  var form = document.getElementById("bulk-triage");
  if (!form) return;
  var action = form.querySelector("select[name=action]");
  var count = form.querySelector("[data-bulk-count]");
  var boxes = document.querySelectorAll("input.bulk-check[form=bulk-triage]");
  function showFields() {
    form.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-bulk-for") !== action.value;
    });
  }
  function recount() {
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n += 1; });
    count.textContent = String(n);
    form.classList.toggle("has-selection", n > 0);
  }
  action.addEventListener("change", showFields);
  boxes.forEach(function (b) { b.addEventListener("change", recount); });
  showFields();
  recount();
})();
