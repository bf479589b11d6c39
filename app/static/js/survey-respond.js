// The member's survey page: live display logic, client-side checks, tap-to-rank,
// exclusive options, character counters and the Next/Submit label. The server does all of
// this too (the page works without JavaScript); this only makes it quicker on a phone.
(function () {
  "use strict";

  var form = document.querySelector("[data-survey-form]");
  var dataNode = document.getElementById("sv-data");
  if (!form || !dataNode) return;
  var data = JSON.parse(dataNode.textContent || "{}");
  var messages = data.messages || {};
  var known = data.known || {};
  var types = data.types || {};
  var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
  var rulesOf = {};
  blocks.forEach(function (block) {
    var rules = JSON.parse(block.getAttribute("data-rules") || "{}");
    rulesOf[block.getAttribute("data-question")] = rules;
    types[block.getAttribute("data-question")] = rules.type;
  });

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] === undefined || values[key] === null ? "" : values[key];
    });
  }

  function field(name) { return form.elements[name]; }

  function checkedValues(name) {
    var out = [];
    form.querySelectorAll("input[name='" + cssEscape(name) + "']:checked").forEach(function (el) {
      out.push(el.value);
    });
    return out;
  }

  function cssEscape(text) {
    return window.CSS && CSS.escape ? CSS.escape(text) : String(text).replace(/(["\\'.\]\[])/g, "\\$1");
  }

  function toNumber(text) {
    if (text === undefined || text === null) return NaN;
    var s = String(text).replace(/[\uff10-\uff19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\uff0e/g, ".").trim();
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
    return parseFloat(s);
  }

  // The current answer of a question on this page, in the domain's canonical shape.
  function readAnswer(qid) {
    var rules = rulesOf[qid] || {};
    var base = "a." + qid;
    var t = rules.type;
    if (t === "single_choice") {
      var one = checkedValues(base)[0];
      var other = field(base + ".other");
      var text = other ? other.value.trim() : "";
      if (!one && !text) return undefined;
      return text && (!one || one === rules.other) ? { choice: rules.other, other: text } : one;
    }
    if (t === "dropdown") {
      var select = field(base);
      var chosen = select ? select.value : "";
      var otherBox = field(base + ".other");
      var typed = otherBox ? otherBox.value.trim() : "";
      if (!chosen && !typed) return undefined;
      return typed && (!chosen || chosen === rules.other) ? { choice: rules.other, other: typed } : chosen;
    }
    if (t === "multiple_choice") {
      var list = checkedValues(base);
      var box = field(base + ".other");
      var extra = box ? box.value.trim() : "";
      if (extra && rules.other && list.indexOf(rules.other) < 0) list.push(rules.other);
      if (!list.length) return undefined;
      return extra ? { choices: list, other: extra } : list;
    }
    if (t === "rating" || t === "nps" || t === "csat" || t === "ces") {
      var v = checkedValues(base)[0];
      return v === undefined ? undefined : parseInt(v, 10);
    }
    if (t === "matrix") {
      var rows = {};
      var any = false;
      (rules.items || []).forEach(function (item) {
        var value = checkedValues(base + "." + item)[0];
        if (value !== undefined) { rows[item] = parseInt(value, 10); any = true; }
      });
      return any ? rows : undefined;
    }
    if (t === "ranking") {
      var positions = [];
      (rules.items || []).forEach(function (item) {
        var sel = field(base + "." + item);
        var pos = sel ? parseInt(sel.value, 10) : NaN;
        if (!isNaN(pos)) positions.push([pos, item]);
      });
      if (!positions.length) return undefined;
      positions.sort(function (a, b) { return a[0] - b[0]; });
      return positions.map(function (p) { return p[1]; });
    }
    var input = field(base);
    var raw = input ? String(input.value || "").trim() : "";
    if (!raw) return undefined;
    if (t === "number") {
      var n = toNumber(raw);
      return isNaN(n) ? undefined : n;
    }
    return raw;
  }

  // -- conditions (same meaning as surveys/logic.py) -----------------------------------
  function compare(op, left, right) {
    switch (op) {
      case "eq": return left === right;
      case "ne": return left !== right;
      case "gt": return left > right;
      case "gte": return left >= right;
      case "lt": return left < right;
      case "lte": return left <= right;
      case "in": return Array.isArray(right) && right.indexOf(left) >= 0;
    }
    return false;
  }

  function evaluate(cond, answers) {
    if (!cond) return true;
    if (cond.and) return cond.and.every(function (c) { return evaluate(c, answers); });
    if (cond.or) return cond.or.some(function (c) { return evaluate(c, answers); });
    if (cond.not) return !evaluate(cond.not, answers);
    var answer = answers[cond.question];
    var op = cond.op;
    if (answer === undefined || answer === null) return op === "not_answered";
    var t = types[cond.question];
    if (cond.item !== undefined && cond.item !== null) {
      var value;
      if (t === "matrix") value = answer[cond.item];
      else if (t === "ranking") value = answer.indexOf(cond.item) >= 0 ? answer.indexOf(cond.item) + 1 : undefined;
      if (value === undefined) return op === "not_answered";
      if (op === "answered") return true;
      if (op === "not_answered") return false;
      return compare(op, value, cond.value);
    }
    if (op === "answered") return true;
    if (op === "not_answered") return false;
    if (t === "single_choice" || t === "dropdown") {
      return compare(op, typeof answer === "string" ? answer : answer.choice, cond.value);
    }
    if (t === "multiple_choice") {
      var chosen = Array.isArray(answer) ? answer : (answer.choices || []);
      return op === "contains" && chosen.indexOf(cond.value) >= 0;
    }
    if (t === "short_text" || t === "long_text") {
      var wanted = String(cond.value).trim();
      if (op === "eq") return answer === wanted;
      if (op === "ne") return answer !== wanted;
      if (op === "contains") return answer.toLowerCase().indexOf(wanted.toLowerCase()) >= 0;
      return false;
    }
    return compare(op, answer, cond.value);
  }

  function currentAnswers() {
    var answers = {};
    Object.keys(known).forEach(function (k) { answers[k] = known[k]; });
    blocks.forEach(function (block) {
      var qid = block.getAttribute("data-question");
      delete answers[qid];
      if (!block.hidden) {
        var a = readAnswer(qid);
        if (a !== undefined) answers[qid] = a;
      }
    });
    return answers;
  }

  // -- display logic, numbering and the Next/Submit label -----------------------------
  var shownField = form.querySelector("input[name='shown']");
  var nextButton = form.querySelector("[data-next-button]");
  var firstNumber = data.firstNumber || 1;

  function refresh() {
    var answers = {};
    Object.keys(known).forEach(function (k) { answers[k] = known[k]; });
    var shown = [];
    var number = firstNumber;
    blocks.forEach(function (block) {
      var qid = block.getAttribute("data-question");
      var condition = block.getAttribute("data-show-if");
      var visible = condition ? evaluate(JSON.parse(condition), answers) : true;
      block.hidden = !visible;
      if (visible) {
        shown.push(qid);
        var a = readAnswer(qid);
        if (a !== undefined) answers[qid] = a;
        var num = block.querySelector(".sv-q-num");
        if (num) num.textContent = number + ".";
        number += 1;
      }
    });
    if (shownField) shownField.value = shown.join(",");
    if (nextButton) {
      nextButton.textContent = morePages(answers) ? nextButton.getAttribute("data-label-next")
        : nextButton.getAttribute("data-label-submit");
    }
  }

  function morePages(answers) {
    var later = data.later || [];
    var ids = later.map(function (p) { return p.id; });
    var i = 0;
    while (i < later.length) {
      var page = later[i];
      var target = null;
      for (var r = 0; r < page.skip.length; r++) {
        if (evaluate(page.skip[r]["if"], answers)) { target = page.skip[r].goto; break; }
      }
      if (target === "end") return false;
      if (target !== null) {
        var j = ids.indexOf(target);
        if (j > i) { i = j; continue; }
      }
      if (page.shown) return true;
      i += 1;
    }
    return false;
  }

  // -- client-side checks --------------------------------------------------------------
  function problemsOf(qid) {
    var rules = rulesOf[qid] || {};
    var t = rules.type;
    var a = readAnswer(qid);
    var base = "a." + qid;
    if (t === "ranking") {
      var set = (rules.items || []).filter(function (item) {
        var sel = field(base + "." + item);
        return sel && sel.value;
      }).length;
      var total = (rules.items || []).length;
      if (set === 0) return rules.required ? [fill(messages.required, {})] : [];
      if (set < total) return [fill(messages.incomplete_ranking, { count: total - set })];
      return [];
    }
    if (a === undefined) {
      if (t === "number" && field(base) && String(field(base).value).trim()) {
        return [fill(messages.invalid_number, {})];
      }
      return rules.required ? [fill(messages.required, {})] : [];
    }
    if (t === "single_choice" || t === "dropdown") {
      var choice = typeof a === "string" ? a : a.choice;
      if (choice === rules.other && rules.otherRequired && (typeof a === "string" || !a.other)) {
        return [fill(messages.other_text_required, { label: rules.otherLabel })];
      }
    }
    if (t === "multiple_choice") {
      var chosen = Array.isArray(a) ? a : a.choices;
      var exclusive = chosen.filter(function (c) { return (rules.exclusive || []).indexOf(c) >= 0; });
      if (exclusive.length && chosen.length > 1) {
        return [fill(messages.exclusive_conflict, { label: rules.exclusiveLabels[exclusive[0]] })];
      }
      if (!exclusive.length) {
        if (rules.minChoices && chosen.length < rules.minChoices) return [fill(messages.too_few_choices, { min: rules.minChoices })];
        if (rules.maxChoices && chosen.length > rules.maxChoices) return [fill(messages.too_many_choices, { max: rules.maxChoices })];
      }
      if (rules.other && chosen.indexOf(rules.other) >= 0 && rules.otherRequired && (Array.isArray(a) || !a.other)) {
        return [fill(messages.other_text_required, { label: rules.otherLabel })];
      }
    }
    if (t === "number") {
      if (rules.integer && Math.floor(a) !== a) return [fill(messages.not_integer, {})];
      var low = rules.min, high = rules.max;
      if ((low !== null && low !== undefined && a < low) || (high !== null && high !== undefined && a > high)) {
        if (low !== null && low !== undefined && high !== null && high !== undefined) return [fill(messages.range, { min: low, max: high })];
        return [low !== null && low !== undefined ? fill(messages.min, { min: low }) : fill(messages.max, { max: high })];
      }
    }
    if (t === "short_text" || t === "long_text") {
      if (rules.maxLength && a.length > rules.maxLength) return [fill(messages.too_long, { max: rules.maxLength })];
      if (rules.minLength && a.length < rules.minLength) return [fill(messages.too_short, { min: rules.minLength })];
    }
    if (t === "date") {
      if ((rules.minDate && a < rules.minDate) || (rules.maxDate && a > rules.maxDate)) {
        if (rules.minDate && rules.maxDate) return [fill(messages.date_range, { min: rules.minDate, max: rules.maxDate })];
        return [rules.minDate ? fill(messages.date_min, { min: rules.minDate }) : fill(messages.date_max, { max: rules.maxDate })];
      }
    }
    if (t === "matrix" && rules.required) {
      var missing = (rules.items || []).filter(function (item) { return a[item] === undefined; }).length;
      if (missing) return [fill(messages.incomplete_matrix, { count: missing })];
    }
    return [];
  }

  function showProblems(block, problems) {
    var box = block.querySelector(".sv-errors");
    if (!box) return;
    box.innerHTML = "";
    problems.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = text;
      box.appendChild(p);
    });
    block.classList.toggle("has-error", problems.length > 0);
  }

  var submitter = null;
  form.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name='action']");
    if (button) submitter = button.value;
  });

  form.addEventListener("submit", function (event) {
    var action = (event.submitter && event.submitter.value) || submitter || "next";
    if (action !== "next") return;
    refresh();
    var first = null;
    blocks.forEach(function (block) {
      if (block.hidden) { showProblems(block, []); return; }
      var problems = problemsOf(block.getAttribute("data-question"));
      showProblems(block, problems);
      if (problems.length && !first) first = block;
    });
    if (first) {
      event.preventDefault();
      first.scrollIntoView({ behavior: "smooth", block: "start" });
      var focusable = first.querySelector("input, select, textarea");
      if (focusable) focusable.focus({ preventScroll: true });
      return;
    }
    if (nextButton) nextButton.disabled = true;  // one click, one submission
    setTimeout(function () { if (nextButton) nextButton.disabled = false; }, 8000);
  });

  // -- exclusive options, 其他 text, counters ------------------------------------------
  // A box beyond the question's maximum is not ticked: the member hears why at once.
  function overTheMaximum(el) {
    if (el.type !== "checkbox" || !el.checked || el.hasAttribute("data-exclusive")) return false;
    var qid = el.name.replace(/^a\./, "");
    var rules = rulesOf[qid] || {};
    if (!rules.maxChoices || rules.type !== "multiple_choice") return false;
    var ticked = form.querySelectorAll("input[type=checkbox][name='" + cssEscape(el.name) + "']:checked:not([data-exclusive])");
    if (ticked.length <= rules.maxChoices) return false;
    el.checked = false;
    var block = el.closest("fieldset[data-question]");
    if (block) showProblems(block, [fill(messages.too_many_choices, { max: rules.maxChoices })]);
    return true;
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (overTheMaximum(el)) { refresh(); return; }
    if (el.type === "checkbox" && el.checked) {
      var group = form.querySelectorAll("input[type=checkbox][name='" + cssEscape(el.name) + "']");
      group.forEach(function (other) {
        if (other === el) return;
        if (el.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive")) other.checked = false;
      });
    }
    var block = el.closest && el.closest("fieldset[data-question]");
    if (block && block.classList.contains("has-error")) showProblems(block, problemsOf(block.getAttribute("data-question")));
    refresh();
  });

  form.addEventListener("input", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-other-for")) {
      var option = el.getAttribute("data-other-for");
      var name = el.name.replace(/\.other$/, "");
      var target = form.querySelector("input[name='" + cssEscape(name) + "'][value='" + cssEscape(option) + "']");
      if (target && el.value.trim() && !target.checked) {
        target.checked = true;
        target.dispatchEvent(new Event("change", { bubbles: true }));
      }
      var select = form.querySelector("select[name='" + cssEscape(name) + "']");
      if (select && el.value.trim() && select.value !== option) select.value = option;
    }
    if (el.hasAttribute && el.hasAttribute("data-counter")) updateCounter(el);
    refresh();
  });

  function updateCounter(el) {
    var counter = form.querySelector("[data-counter-for='" + cssEscape(el.name) + "']");
    if (!counter) return;
    var max = parseInt(counter.getAttribute("data-max"), 10);
    counter.textContent = el.value.length + " / " + max;
    counter.classList.toggle("error", el.value.length > max);
  }
  form.querySelectorAll("[data-counter]").forEach(updateCounter);

  // -- ranking by tapping ---------------------------------------------------------------
  form.querySelectorAll("[data-rank]").forEach(function (list) {
    list.classList.add("enhanced");
    var hint = list.parentNode.querySelector("[data-rank-hint]");
    if (hint) hint.hidden = false;
    var items = Array.prototype.slice.call(list.querySelectorAll(".sv-rank-item"));
    items.forEach(function (li) {
      var badge = document.createElement("span");
      badge.className = "sv-rank-badge";
      badge.setAttribute("aria-hidden", "true");
      li.insertBefore(badge, li.firstChild);
      var moves = document.createElement("span");
      moves.className = "sv-rank-moves";
      ["↑", "↓"].forEach(function (arrow, k) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "button secondary small";
        b.textContent = arrow;
        b.setAttribute("aria-label", arrow);
        b.addEventListener("click", function (event) {
          event.stopPropagation();
          move(li, k === 0 ? -1 : 1);
        });
        moves.appendChild(b);
      });
      li.appendChild(moves);
      li.setAttribute("tabindex", "0");
      li.setAttribute("role", "button");
      li.addEventListener("click", function () { toggle(li); });
      li.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(li); }
      });
    });

    function select(li) { return li.querySelector("select"); }
    function ranked() {
      return items.filter(function (li) { return select(li).value; })
        .sort(function (a, b) { return parseInt(select(a).value, 10) - parseInt(select(b).value, 10); });
    }
    function renumber(order) {
      items.forEach(function (li) { select(li).value = ""; });
      order.forEach(function (li, k) { select(li).value = String(k + 1); });
      paint();
      select(items[0]).dispatchEvent(new Event("change", { bubbles: true }));
    }
    function toggle(li) {
      var order = ranked();
      var at = order.indexOf(li);
      if (at >= 0) order.splice(at, 1); else order.push(li);
      renumber(order);
    }
    function move(li, delta) {
      var order = ranked();
      var at = order.indexOf(li);
      if (at < 0) { order.push(li); renumber(order); return; }
      var to = at + delta;
      if (to < 0 || to >= order.length) return;
      order.splice(at, 1);
      order.splice(to, 0, li);
      renumber(order);
    }
    function paint() {
      items.forEach(function (li) {
        var value = select(li).value;
        var badge = li.querySelector(".sv-rank-badge");
        badge.textContent = value ? value : "·";
        li.classList.toggle("ranked", !!value);
        li.setAttribute("aria-label", li.querySelector(".sv-rank-label").textContent +
          (value ? "：" + fill(messages.ranked, { n: value }) : "：" + (messages.unranked || "")));
      });
      var order = ranked();
      order.forEach(function (li) { list.appendChild(li); });
      items.filter(function (li) { return !select(li).value; }).forEach(function (li) { list.appendChild(li); });
    }
    paint();
  });

  refresh();
  var alertBox = document.getElementById("sv-alert");
  if (alertBox) {
    var firstError = form.querySelector(".sv-question.has-error");
    if (firstError) firstError.scrollIntoView({ block: "start" });
  }
})();
