// Gravl's own behaviour: the body map's details on hover, tap and keyboard focus; adding a
// set row and the rest timer on the logging page; the session's "As planned" button. Kept tiny
// and dependency-free; every page works without it (the table holds the body map's data, "Add
// set" falls back to a post, "As planned" logs whatever the inputs hold).
(function () {
  "use strict";

  function bindBodyMap(map) {
    var detail = map.querySelector("[data-bodymap-detail]");
    if (!detail) return;
    var regions = map.querySelectorAll("g.muscle[tabindex]");
    var selected = null;

    function show(region) {
      if (selected) selected.classList.remove("is-selected");
      selected = region;
      region.classList.add("is-selected");
      detail.textContent = "";
      var name = document.createElement("strong");
      name.textContent = region.dataset.name;
      detail.appendChild(name);
      detail.appendChild(document.createTextNode(
        " " + Math.floor(Number(region.dataset.score)) + "% · " +
        region.dataset.status + " · " + region.dataset.ready));
      detail.dataset.status = region.dataset.status;
    }

    regions.forEach(function (region) {
      region.addEventListener("mouseenter", function () { show(region); });
      region.addEventListener("focus", function () { show(region); });
      region.addEventListener("click", function () { show(region); });
    });
    // The echo shapes in the other view show the same muscle's details when tapped.
    map.querySelectorAll("g.muscle[aria-hidden]").forEach(function (echo) {
      var primary = map.querySelector("g.muscle[tabindex][data-muscle='" + echo.dataset.muscle + "']");
      if (!primary) return;
      echo.addEventListener("mouseenter", function () { show(primary); });
      echo.addEventListener("click", function () { show(primary); });
    });
  }

  // --- Rest timer -----------------------------------------------------------------------
  function bindRestTimer(timer) {
    var display = timer.querySelector("[data-rest-remaining]");
    var announce = timer.querySelector("[data-rest-announce]");
    var rest = Number(timer.dataset.restSeconds) || 90;
    var endsAt = 0;
    var tick = null;

    function format(seconds) {
      var s = Math.max(0, Math.ceil(seconds));
      return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }
    function render() {
      var left = (endsAt - Date.now()) / 1000;
      display.textContent = format(left);
      if (left <= 0) {
        stop();
        announce.textContent = "Rest over: next set.";
        timer.classList.add("is-done");
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
    }
    function stop() {
      if (tick) clearInterval(tick);
      tick = null;
      timer.classList.remove("is-running");
    }
    function start(seconds) {
      stop();
      endsAt = Date.now() + seconds * 1000;
      announce.textContent = "Rest started: " + format(seconds) + ".";
      timer.classList.add("is-running");
      timer.classList.remove("is-done");
      tick = setInterval(render, 250);
      render();
    }
    timer.querySelector("[data-rest-start]").addEventListener("click", function () { start(rest); });
    timer.querySelector("[data-rest-add]").addEventListener("click", function () {
      start(tick ? (endsAt - Date.now()) / 1000 + 30 : 30);
    });
    timer.querySelector("[data-rest-stop]").addEventListener("click", function () {
      stop();
      display.textContent = format(rest);
      announce.textContent = "Rest stopped.";
    });
    return { start: function () { start(rest); } };
  }

  // --- Adding a set: copy the last row (same weight and reps: the usual next set) ----------
  function bindLogForm(form, timer) {
    var button = form.querySelector("[data-add-set]");
    var list = form.querySelector("[data-set-rows]");
    if (!button || !list) return;
    button.addEventListener("click", function (event) {
      var rows = list.querySelectorAll("[data-set-row]");
      var last = rows[rows.length - 1];
      if (!last) return; // nothing to copy: let the form post and the server add a row
      event.preventDefault();
      var number = rows.length + 1;
      var row = last.cloneNode(true);
      row.querySelector("[data-set-number]").textContent = number;
      row.querySelectorAll("[id]").forEach(function (el) {
        el.id = el.id.replace(/^set-\d+-/, "set-" + number + "-");
      });
      row.querySelectorAll("label[for]").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/^set-\d+-/, "set-" + number + "-");
      });
      row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      row.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      });
      var type = row.querySelector("select[name=set_type]");
      if (type) type.value = "normal";
      // 0 reps is a missed attempt, valid only as a failure set: the next set's reps are typed.
      var reps = row.querySelector("input[name=reps]");
      if (reps && /^0+$/.test(reps.value.trim())) reps.value = "";
      last.querySelectorAll("select").forEach(function (select, i) {
        if (select.name !== "set_type") row.querySelectorAll("select")[i].value = select.value;
      });
      list.appendChild(row);
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) first.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
      if (timer) timer.start();
    });
  }

  // --- The session's next set: "As planned" until an input differs from the target -------
  function bindSetForm(form) {
    var button = form.querySelector("[data-set-submit]");
    if (!button) return;
    var planned = button.innerHTML;
    function edited() {
      return Array.prototype.some.call(form.querySelectorAll("input:not([type=hidden]), select"), function (el) {
        if (el.tagName === "SELECT") {
          return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
        }
        return el.value !== el.defaultValue;
      });
    }
    function relabel() {
      if (edited()) button.textContent = button.dataset.editedLabel;
      else button.innerHTML = planned;
    }
    form.addEventListener("input", relabel);
    form.addEventListener("change", relabel);
  }

  function init(root) {
    root.querySelectorAll("[data-bodymap]").forEach(bindBodyMap);
    var timerElement = root.querySelector("[data-rest-timer]");
    var timer = timerElement ? bindRestTimer(timerElement) : null;
    root.querySelectorAll("[data-log-form]").forEach(function (form) { bindLogForm(form, timer); });
    root.querySelectorAll("[data-set-form]").forEach(bindSetForm);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) init(event.target);
  });
})();
