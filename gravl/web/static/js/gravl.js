// Gravl's own behaviour: showing a masked password; the body map's details on hover, tap and
// keyboard focus; the logging page's sets, each stored by its ✓ without a page load, with
// drafts and an outbox that lose nothing (docs/logging.md); adding a row when editing a log.
// The rest timer and the workout page are gym.js's. Dependency-free; every page works without
// it (the table holds the body map's data, each ✓ and "Add set" fall back to a post).
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

  // --- The logging page: each set stored by its ✓, nothing typed ever lost (docs/logging.md) --
  // Rows not yet ticked are kept in localStorage (key: lifter, exercise, workout, day) and put
  // back after a reload; a ticked set waits in an outbox there until the server has it, and is
  // sent again when the network comes back. A ✓ names the set position it was given, so a
  // retry replaces that set instead of adding one.
  function bindLogForm(form) {
    var key = form.dataset.draftKey;
    var outboxKey = key + ":outbox";
    var rest = Number(form.dataset.restSeconds) || 90;
    var announce = form.querySelector("[data-log-announce]");
    var template = form.querySelector("template[data-row-template]");
    var sending = false;

    function read(name, fallback) {
      try { return JSON.parse(localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
    }
    function write(name, value) {
      try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode: kept in the page only */ }
    }
    function list() { return form.querySelector("[data-set-rows]"); }
    function rows() { return Array.prototype.slice.call(list().querySelectorAll("[data-set-row]")); }
    function row(number) { return list().querySelector("[data-set-row][data-number='" + number + "']"); }
    function fields(li) { return li.querySelectorAll("input[name], select[name]"); }
    function say(text) { if (announce) announce.textContent = text; }
    function startRest() {
      if (window.Gravl && window.Gravl.restTimer) window.Gravl.restTimer.start(rest);
    }
    function status(li, text, retry) {
      var p = li.querySelector("[data-set-status]");
      p.textContent = text;
      p.hidden = !text;
      if (retry) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button-secondary";
        button.textContent = "Retry";
        button.addEventListener("click", flush);
        p.appendChild(document.createTextNode(" "));
        p.appendChild(button);
      }
    }

    // Old days' drafts and outboxes are of no use: a day's are dropped once it has passed.
    var day = key.slice(key.lastIndexOf(":") + 1);
    Object.keys(localStorage).forEach(function (name) {
      var match = /^gravl-log:.*:(\d{4}-\d{2}-\d{2})(:outbox)?$/.exec(name);
      if (match && match[1] < day && !read(name, []).length) localStorage.removeItem(name);
    });

    // --- Drafts: what is typed in rows not yet ticked ---
    function saveDraft() {
      var values = {};
      rows().forEach(function (li) {
        if (li.hasAttribute("data-done") || li.classList.contains("is-queued")) return;
        var typed = {};
        var any = false;
        fields(li).forEach(function (el) {
          if (el.tagName === "INPUT" && el.value) { typed[el.name] = el.value; any = true; }
          var initial = el.tagName === "SELECT" && (el.querySelector("option[selected]") || el.options[0]);
          if (initial && el.value !== initial.value) {
            typed[el.name] = el.value; any = true;
          }
        });
        if (any) values[li.dataset.number] = typed;
      });
      write(key, { rows: rows().length, values: values });
    }
    function restore() {
      var draft = read(key, { rows: 0, values: {} });
      while (rows().length < draft.rows) addRow();
      read(outboxKey, []).forEach(function (item) { queued(item); });
      Object.keys(draft.values || {}).forEach(function (number) {
        var li = row(number);
        if (!li || li.hasAttribute("data-done") || li.classList.contains("is-queued")) return;
        Object.keys(draft.values[number]).forEach(function (name) {
          var el = li.querySelector("[name='" + name + "']");
          if (el) el.value = draft.values[number][name];
        });
      });
      form.querySelector("[data-row-count]").value = rows().length;
    }

    // --- Adding a row: the server's template, renumbered ---
    function addRow() {
      var number = rows().length + 1;
      var li = template.content.firstElementChild.cloneNode(true);
      var from = li.dataset.number;
      li.dataset.number = number;
      li.id = "set-" + number;
      li.querySelectorAll("[id]").forEach(function (el) { el.id = el.id.replace("set-" + from + "-", "set-" + number + "-"); });
      li.querySelectorAll("label[for]").forEach(function (el) { el.htmlFor = el.htmlFor.replace("set-" + from + "-", "set-" + number + "-"); });
      li.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace(/-\d+$/, "-" + number); });
      li.querySelector("[data-set-confirm]").value = number;
      li.querySelectorAll("[data-set-number]").forEach(function (el) { el.textContent = number; });
      li.querySelectorAll(".visually-hidden").forEach(function (el) { el.textContent = el.textContent.replace(/\d+/, number); });
      list().appendChild(li);
      form.querySelector("[data-row-count]").value = number;
      return li;
    }

    // --- The outbox: ticked sets until the server has them ---
    function doneCount() {
      return rows().filter(function (li) { return li.hasAttribute("data-done") || li.classList.contains("is-queued"); }).length;
    }
    function queued(item) {
      var li = row(item.number) || addRow();
      li.classList.add("is-queued");
      fields(li).forEach(function (el) { if (item.fields[el.name] !== undefined) el.value = item.fields[el.name]; });
      status(li, navigator.onLine === false ? "Not saved yet: no network. It is sent when the network is back." : "Saving…", navigator.onLine === false);
    }
    function tick(li) {
      var number = Number(li.dataset.number);
      var done = li.hasAttribute("data-done");
      var item = { number: number, position: done ? number : doneCount() + 1, fields: {} };
      fields(li).forEach(function (el) {
        // An empty input is "as planned": its placeholder is the value stored.
        item.fields[el.name] = el.value || el.dataset.planned || "";
        el.value = item.fields[el.name];
      });
      var box = read(outboxKey, []).filter(function (other) { return other.number !== number; });
      box.push(item);
      write(outboxKey, box);
      queued(item);
      saveDraft();
      startRest();
      say("Set " + item.position + " done. Rest started.");
      var next = rows().filter(function (other) { return !other.hasAttribute("data-done") && !other.classList.contains("is-queued"); })[0];
      var button = next && next.querySelector("[data-set-confirm]");
      if (button) { button.focus({ preventScroll: true }); next.scrollIntoView({ block: "nearest" }); }
      flush();
    }
    function body(item, token) {
      var data = new FormData();
      form.querySelectorAll("input[type=hidden][name]").forEach(function (el) {
        if (!el.closest("[data-set-row]")) data.append(el.name, el.value);
      });
      if (token) data.set("csrf_token", token);
      data.set("rows", Math.max(rows().length, item.number));
      Object.keys(item.fields).forEach(function (name) { data.append(name, item.fields[name]); });
      data.set("done", item.number);
      data.set("position", item.position);
      return data;
    }
    function freshToken(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var input = doc.querySelector("input[name=csrf_token]");
      if (input) return input.value;
      try { return JSON.parse(doc.body.getAttribute("hx-headers"))["X-CSRF-Token"]; } catch (e) { return null; }
    }
    function send(item, token, tried) {
      return fetch(form.getAttribute("action"), { method: "POST", body: body(item, token), credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (html) {
            if (response.status === 403 && !tried) {
              // The form's token has expired: the refusal page carries a fresh one.
              var fresh = freshToken(html);
              if (fresh) {
                form.querySelectorAll("input[name=csrf_token]").forEach(function (el) { el.value = fresh; });
                return send(item, fresh, true);
              }
            }
            return { response: response, html: html };
          });
        });
    }
    function settle(item, answer) {
      var url = new URL(answer.response.url, location.href);
      var box = read(outboxKey, []).filter(function (other) { return other.number !== item.number; });
      if (answer.response.ok && url.pathname === "/log") {
        write(outboxKey, box);
        replaceRows(answer.html);
        say("Set " + item.position + " saved.");
        return true;
      }
      if (answer.response.status === 422) {
        write(outboxKey, box);
        replaceRows(answer.html);
        var li = row(item.number);
        if (li) {
          var details = li.querySelector("details");
          if (details) details.open = true;
          var invalid = li.querySelector("[aria-invalid]");
          if (invalid) invalid.focus();
        }
        say("Set " + item.number + " was not saved: see the message at the set.");
        return true;
      }
      var waiting = row(item.number);
      if (waiting) status(waiting, url.pathname === "/signin" ? "Not saved yet: sign in again (in another tab), then retry." : "Not saved yet.", true);
      return false;
    }
    function flush() {
      if (sending) return;
      var box = read(outboxKey, []);
      if (!box.length) return;
      sending = true;
      var item = box[0];
      send(item, null, false)
        .then(function (answer) { return settle(item, answer); }, function () {
          var li = row(item.number);
          if (li) status(li, "Not saved yet: no network. It is sent when the network is back.", true);
          return false;
        })
        .then(function (more) {
          sending = false;
          if (more) flush();
        });
    }
    function replaceRows(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("[data-log-form] [data-set-rows]");
      if (!fresh) return;
      var focused = document.activeElement && document.activeElement.closest("[data-set-row]");
      var focusNumber = focused && focused.dataset.number;
      var focusName = document.activeElement && document.activeElement.name;
      list().replaceWith(document.adoptNode(fresh));
      var freshTemplate = doc.querySelector("template[data-row-template]");
      if (freshTemplate) template.innerHTML = freshTemplate.innerHTML;
      document.querySelectorAll(".form-error").forEach(function (el) { el.remove(); });
      var error = doc.querySelector(".form-error");
      if (error) list().insertAdjacentElement("beforebegin", document.adoptNode(error));
      restore();
      if (focusNumber) {
        var again = row(focusNumber);
        var el = again && (focusName && again.querySelector("[name='" + focusName + "']") || again.querySelector("[data-set-confirm]"));
        if (el && !el.closest("details:not([open])")) el.focus({ preventScroll: true });
      }
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-set-confirm]");
      if (button) {
        event.preventDefault();
        tick(button.closest("[data-set-row]"));
        return;
      }
      if (event.target.closest("[data-add-set]")) {
        event.preventDefault();
        var li = addRow();
        saveDraft();
        var first = li.querySelector("input");
        if (first) first.focus({ preventScroll: true });
        li.scrollIntoView({ block: "nearest" });
      }
    });
    // Enter never stores a set nor starts the timer: it moves to the row's next input.
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
      event.preventDefault();
      var li = event.target.closest("[data-set-row]");
      var inputs = Array.prototype.slice.call(li.querySelectorAll("input:not([type=hidden])"));
      var next = inputs[inputs.indexOf(event.target) + 1];
      if (next) next.focus(); else event.target.blur();
    });
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    window.addEventListener("online", flush);
    restore();
    flush();
  }

  // --- Editing a log: "Add set" copies the last row (same weight and reps) ----------------
  function bindEditForm(form) {
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
    });
  }

  // A masked password can be shown and hidden again (ASVS 2.1.12); it is masked again before
  // the form leaves, so no browser keeps it as plain text in its form history.
  function bindShowPassword(button) {
    var input = document.getElementById(button.dataset.showPassword);
    if (!input) return;
    var word = button.firstChild;
    button.hidden = false;
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      word.textContent = shown ? "Hide" : "Show";
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
        word.textContent = "Show";
      });
    }
  }

  function init(root) {
    root.querySelectorAll("[data-show-password]").forEach(bindShowPassword);
    root.querySelectorAll("[data-bodymap]").forEach(bindBodyMap);
    root.querySelectorAll("[data-log-form]").forEach(bindLogForm);
    root.querySelectorAll("[data-edit-form]").forEach(bindEditForm);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) init(event.target);
  });
})();
