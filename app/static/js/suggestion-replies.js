// Canned replies: choosing one fills the reply box it belongs to, ready to adjust. Without
// JavaScript the operator copies it from the 常用回复 page.
(function () {
  "use strict";
  document.querySelectorAll("select[data-canned-for]").forEach(function (select) {
    select.addEventListener("change", function () {
      var box = document.getElementById(select.getAttribute("data-canned-for"));
      if (!box || !select.value) return;
      box.value = select.value;
      box.dispatchEvent(new Event("input", {bubbles: true}));
      box.focus();
      select.value = "";
    });
  });
})();
