// The gym loop (docs/gym-loop.md): the workout page stores a set with one tap and no page
// load, keeps working with no network, and a rest timer runs across pages.
//
// - A tapped set goes first into an outbox on the phone (IndexedDB, via the vendored
//   idb-keyval), keyed by session, exercise and position, so sending it twice stores it once.
//   It shows at once ("saved on this phone, will sync"), the form moves to the next set and the
//   rest starts. The outbox is sent in order, one set at a time, now, when the network returns
//   and on every page load; each answer (the exercise's section, rendered by the server) takes
//   the section's place. A refused set stays on the exercise with the reason until it is
//   corrected or discarded; a stale CSRF token is renewed once from a fresh page.
// - What is typed but not tapped is a draft in localStorage, per set: a reload, a crash or a
//   visit to another page brings it back, and it is never sent.
// - The rest timer's end is a wall-clock time in localStorage: every Gravl page shows it, and
//   at zero it beeps (WebAudio), vibrates and, with the page hidden, notifies where allowed.
// - The screen stays on while a session is open (Screen Wake Lock, where there is one).
// Without this script every form still posts and the server answers with the page.
(function () {
  "use strict";

  var Gravl = (window.Gravl = window.Gravl || {});
  var REST_KEY = "gravl.rest";
  var DRAFT = "gravl.draft.";
  var EDITING = "gravl.edit.";
  var FIELDS = ["set_type", "weight", "reps", "rpe", "seconds"];
  var PENDING_NOTE = "saved on this phone, will sync";

  function readJSON(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeJSON(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: not kept */ }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* storage blocked */ }
  }
  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }
  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // --- Sound at the end of a rest: three short tones, no file ------------------------------
  var audio = null;
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) {
      try { audio = new Context(); } catch (e) { return; }
    }
    if (audio.state === "suspended") audio.resume().catch(function () {});
  }
  function beep() {
    if (!audio || audio.state !== "running") return;
    var now = audio.currentTime;
    [0, 0.3, 0.6].forEach(function (offset, i) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = i === 2 ? 1320 : 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.2);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(now + offset);
      tone.stop(now + offset + 0.22);
    });
  }
  function notify(text) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    if (document.visibilityState === "visible") return; // the bar and the sound say it
    var options = { body: text, tag: "gravl-rest", renotify: true };
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.showNotification("Rest over", options);
      }).catch(function () {});
    } else {
      try { new Notification("Rest over", options); } catch (e) { /* needs the worker here */ }
    }
  }

  // --- Rest timer: one per browser, shown in every page's header -------------------------
  function restTimer() {
    var bar = document.querySelector("[data-rest-bar]");
    var announce = document.querySelector("[data-rest-announce]");
    var tick = null;

    function say(text) { if (announce) announce.textContent = text; }
    function render() {
      var rest = readJSON(REST_KEY);
      var left = rest ? (rest.endsAt - Date.now()) / 1000 : 0;
      if (rest && left <= 0 && !rest.alerted) {
        rest.alerted = true;
        writeJSON(REST_KEY, rest);
        if (left > -30) { // not for a rest that ended long before this page opened
          beep();
          if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
          notify("Time for the next set.");
          say("Rest over: next set.");
        }
      }
      if (!rest || left < -20) {
        if (rest) forget(REST_KEY);
        if (tick) clearInterval(tick);
        tick = null;
        if (bar) bar.hidden = true;
        return;
      }
      if (!tick) tick = setInterval(render, 250);
      if (!bar) return;
      bar.hidden = false;
      bar.classList.toggle("is-done", left <= 0);
      bar.querySelector("[data-rest-label]").textContent = left > 0 ? "Rest" : "Rest over";
      bar.querySelector("[data-rest-left]").textContent = clock(left);
      var ask = bar.querySelector("[data-rest-notify]");
      if (ask) ask.hidden = !("Notification" in window) || Notification.permission !== "default";
    }
    function start(seconds) {
      seconds = Number(seconds);
      if (!(seconds > 0)) return;
      unlockAudio();
      writeJSON(REST_KEY, { endsAt: Date.now() + seconds * 1000, seconds: seconds });
      say("Rest " + clock(seconds) + ".");
      render();
    }
    function add(seconds) {
      var rest = readJSON(REST_KEY);
      if (!rest || rest.alerted) return start(seconds);
      rest.endsAt += seconds * 1000;
      writeJSON(REST_KEY, rest);
      render();
    }
    function stop() {
      forget(REST_KEY);
      say("Rest stopped.");
      render();
    }
    if (bar) {
      bar.querySelector("[data-rest-add]").addEventListener("click", function () { add(30); });
      bar.querySelector("[data-rest-skip]").addEventListener("click", stop);
      var ask = bar.querySelector("[data-rest-notify]");
      if (ask) {
        ask.addEventListener("click", function () {
          unlockAudio();
          Notification.requestPermission().then(render, render);
        });
      }
    }
    window.addEventListener("storage", function (event) { if (event.key === REST_KEY) render(); });
    document.addEventListener("visibilitychange", render);
    render();
    return { start: start, add: add, stop: stop };
  }

  // --- The screen stays on while a session is open ----------------------------------------
  function keepAwake() {
    if (!document.querySelector("[data-gym-finish]") || !("wakeLock" in navigator)) return;
    var lock = null;
    function acquire() {
      if (lock || document.visibilityState !== "visible") return;
      navigator.wakeLock.request("screen").then(function (sentinel) {
        lock = sentinel;
        sentinel.addEventListener("release", function () { lock = null; });
      }).catch(function () { /* not allowed here (battery saver): the screen may sleep */ });
    }
    document.addEventListener("visibilitychange", acquire);
    acquire();
  }

  // --- Service worker: the workout page and its files, offline ----------------------------
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") document.documentElement.dataset.offlineReady = "true";
    });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var files = [];
      document.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], script[src]").forEach(function (el) {
        files.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      var onSession = !!document.querySelector("[data-gym-exercise]");
      registration.active.postMessage({
        type: "keep",
        files: files,
        page: onSession && !controlled ? window.location.pathname : null,
      });
    }).catch(function () { /* no worker (private window): online only */ });
  }

  // --- The outbox --------------------------------------------------------------------------
  var kv = window.idbKeyval;
  var store = null;
  try { store = kv ? kv.createStore("gravl-outbox", "sets") : null; } catch (e) { store = null; }
  var memory = {}; // without IndexedDB: kept until the page goes
  var counter = 0;

  function keyOf(entry) { return entry.session + "/" + entry.exercise + "/" + entry.position; }
  function entries() {
    var found = store ? kv.values(store) : Promise.resolve(Object.keys(memory).map(function (k) { return memory[k]; }));
    return found.then(function (list) {
      return list.sort(function (a, b) { return a.seq - b.seq; });
    }, function () { return []; });
  }
  function read(key) { return store ? kv.get(key, store) : Promise.resolve(memory[key]); }
  function keep(entry) {
    return read(keyOf(entry)).then(function (before) {
      entry.seq = before ? before.seq : Date.now() * 1000 + (counter++ % 1000);
      entry.version = Date.now() + ":" + Math.random();
      if (!store) { memory[keyOf(entry)] = entry; return entry; }
      return kv.set(keyOf(entry), entry, store).then(function () { return entry; });
    });
  }
  function drop(entry, onlyVersion) {
    var key = keyOf(entry);
    return read(key).then(function (now) {
      if (!now || (onlyVersion && now.version !== entry.version)) return; // tapped again since
      if (!store) { delete memory[key]; return; }
      return kv.del(key, store);
    });
  }

  // --- The session page ----------------------------------------------------------------------
  function sessionId() {
    var form = document.querySelector("[data-gym-finish]");
    var match = window.location.pathname.match(/^\/sessions\/(\d+)$/);
    return form ? form.dataset.session : match ? match[1] : null;
  }
  function sectionOf(entry) {
    if (String(entry.session) !== String(sessionId())) return null;
    return document.getElementById("exercise-" + entry.exercise);
  }
  function formOf(section) { return section && section.querySelector("[data-gym-set]"); }
  function draftKey(form) {
    return DRAFT + form.dataset.session + "." + form.dataset.exercise + "." + form.dataset.position;
  }
  function editKey(form) { return EDITING + form.dataset.session + "." + form.dataset.exercise; }
  function action(form, position) {
    return "/sessions/" + form.dataset.session + "/exercises/" + form.dataset.exercise + "/sets/" + position;
  }
  function inputs(form) {
    return Array.prototype.filter.call(form.elements, function (el) { return FIELDS.indexOf(el.name) >= 0; });
  }
  function valuesOf(form) {
    var values = {};
    inputs(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }
  // asPlanned: the values become the form's defaults, so the button reads "As planned".
  function setValues(form, values, asPlanned) {
    inputs(form).forEach(function (el) {
      if (!(el.name in values)) return;
      if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = option.value === values[el.name];
          if (asPlanned) option.defaultSelected = option.selected;
        });
      } else {
        el.value = values[el.name];
        if (asPlanned) el.defaultValue = values[el.name];
      }
    });
    clearErrors(form);
    relabel(form);
  }
  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (p) { p.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }
  function edited(form) {
    return inputs(form).some(function (el) {
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return el.value !== el.defaultValue;
    });
  }
  // "✓ As planned" while the form holds the target; "Save set" once anything differs.
  function relabel(form) {
    var button = form.querySelector("[data-set-submit]");
    var planned = !form.hasAttribute("data-editing") && !form.hasAttribute("data-asks-weight") &&
      !form.querySelector(".field-error, .form-error") && !edited(form);
    var state = planned ? "planned" : "edited";
    if (button.dataset.state === state) return;
    button.dataset.state = state;
    button.textContent = "";
    if (planned) {
      var mark = make("span", null, "✓ ");
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      button.appendChild(document.createTextNode("As planned"));
    } else {
      button.textContent = button.dataset.editedLabel;
    }
  }
  function describe(values, form) {
    var units = form.dataset.units || "";
    var text;
    if (form.hasAttribute("data-timed")) {
      text = (values.seconds || "?") + " s";
    } else {
      text = (values.reps || "?") + (values.reps === "1" ? " rep" : " reps");
    }
    if (values.weight) text += " @ " + values.weight + " " + units;
    if (values.rpe) text += " · RPE " + values.rpe;
    return text;
  }
  function doneList(section) {
    var list = section.querySelector(".done-sets");
    if (list) return list;
    list = make("ol", "done-sets");
    list.setAttribute("aria-label", "Sets done");
    var form = formOf(section);
    var anchor = form || section.querySelector(".exercise-done") || section.querySelector(".later-heading");
    section.insertBefore(list, anchor);
    return list;
  }
  function doneCount(section) {
    var list = section.querySelector(".done-sets");
    return list ? list.querySelectorAll("li:not(.is-refused)").length : 0;
  }

  // The form shows the next set: the first of the sets left, or none (the exercise is done).
  function loadNext(section, form, carried) {
    var later = section.querySelector(".later-sets li");
    form.removeAttribute("data-editing");
    form.classList.remove("is-editing");
    var cancel = form.querySelector("[data-edit-cancel]");
    if (cancel) cancel.remove();
    var target = form.querySelector(".next-target");
    if (!later) {
      form.hidden = true;
      section.classList.add("is-complete");
      if (!section.querySelector(".exercise-done")) {
        var of = Number(form.dataset.of);
        var done = make("p", "exercise-done", of > 1 ? "All " + of + " sets done." : "Done.");
        form.parentNode.insertBefore(done, form.nextSibling);
      }
      form.dataset.position = doneCount(section) + 1;
      form.action = action(form, form.dataset.position);
      return;
    }
    var values = JSON.parse(later.dataset.values || "{}");
    if (!values.weight && carried && carried.weight) values.weight = carried.weight;
    form.dataset.position = doneCount(section) + 1;
    form.dataset.number = later.dataset.number;
    form.dataset.rest = later.dataset.rest;
    form.toggleAttribute("data-asks-weight", later.hasAttribute("data-asks-weight"));
    form.action = action(form, form.dataset.position);
    form.querySelector("legend").textContent = "Set " + later.dataset.number + " of " + form.dataset.of;
    if (!target) {
      target = make("p", "next-target");
      form.querySelector("legend").after(target);
    }
    target.hidden = false;
    target.textContent = "";
    Array.prototype.forEach.call(later.childNodes, function (node) {
      if (node.nodeType === 1 && node.matches(".set-number, .adapted-pill")) return;
      target.appendChild(node.cloneNode(true));
    });
    var note = form.querySelector(".adapted-note");
    if (note) note.remove();
    var list = later.parentNode;
    later.remove();
    if (!list.children.length) {
      var heading = section.querySelector(".later-heading");
      if (heading) heading.remove();
      list.remove();
    }
    form.hidden = false;
    setValues(form, values, true);
  }

  function enterEdit(section, form, position, values) {
    if (!form.hasAttribute("data-editing")) {
      form._next = {
        values: valuesOf(form),
        defaults: inputs(form).map(function (el) {
          return el.tagName === "SELECT" ? el.selectedIndex : el.defaultValue;
        }),
        position: form.dataset.position,
        legend: form.querySelector("legend").textContent,
        hidden: form.hidden,
      };
    }
    form.setAttribute("data-editing", "");
    form.classList.add("is-editing");
    form.hidden = false;
    form.dataset.position = position;
    form.action = action(form, position);
    form.querySelector("legend").textContent = "Change set " + position;
    var target = form.querySelector(".next-target");
    if (target) target.hidden = true;
    setValues(form, values, true);
    if (!form.querySelector("[data-edit-cancel]")) {
      var cancel = make("button", "button-secondary", "Cancel");
      cancel.type = "button";
      cancel.setAttribute("data-edit-cancel", "");
      form.querySelector("[data-set-submit]").after(cancel);
    }
    writeJSON(editKey(form), position);
    var first = form.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  }

  function leaveEdit(section, form) {
    forget(editKey(form));
    var next = form._next;
    form._next = null;
    if (!next) return loadNext(section, form);
    form.removeAttribute("data-editing");
    form.classList.remove("is-editing");
    var cancel = form.querySelector("[data-edit-cancel]");
    if (cancel) cancel.remove();
    var target = form.querySelector(".next-target");
    if (target) target.hidden = false;
    form.dataset.position = next.position;
    form.action = action(form, next.position);
    form.querySelector("legend").textContent = next.legend;
    inputs(form).forEach(function (el, i) {
      if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (o, j) { o.defaultSelected = j === next.defaults[i]; });
      } else {
        el.defaultValue = next.defaults[i];
      }
    });
    setValues(form, next.values, false);
    form.hidden = next.hidden;
  }

  // A set kept on the phone, on its exercise: pending (it moves the form on) or refused.
  function showEntry(section, entry) {
    var form = formOf(section);
    var list = doneList(section);
    var row = list.querySelector('li[data-position="' + entry.position + '"]');
    var isNew = !row;
    if (!row) {
      row = make("li");
      row.dataset.position = entry.position;
      list.appendChild(row);
    }
    var refused = entry.state === "refused";
    row.className = refused ? "is-refused" : "is-pending";
    row.textContent = "";
    var edit = make("button", "done-edit");
    edit.type = "button";
    edit.setAttribute("data-edit-set", "");
    edit.dataset.values = JSON.stringify(entry.fields);
    edit.appendChild(make("span", "set-number", "Set " + entry.position));
    edit.appendChild(document.createTextNode(" "));
    edit.appendChild(make("span", "done-load", entry.text));
    row.appendChild(edit);
    row.appendChild(document.createTextNode(" "));
    row.appendChild(make("span", "sync-note", refused ? "not saved: " + entry.reason : PENDING_NOTE));
    if (refused) {
      var discard = make("button", "sync-discard", "Discard");
      discard.type = "button";
      discard.setAttribute("data-discard", "");
      discard.setAttribute("aria-label", "Discard set " + entry.position);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(discard);
      return;
    }
    if (!form) return;
    var editing = form.hasAttribute("data-editing");
    if (editing && Number(form.dataset.position) === entry.position) {
      leaveEdit(section, form);
    } else if (isNew && !editing && Number(form.dataset.position) === entry.position) {
      if (entry.fields.set_type === "warmup") { // a warm-up: the same working set comes next
        form.dataset.position = entry.position + 1;
        form.action = action(form, form.dataset.position);
        setValues(form, {}, false);
        inputs(form).forEach(function (el) {
          if (el.tagName === "SELECT") {
            Array.prototype.forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
          } else {
            el.value = el.defaultValue;
          }
        });
        relabel(form);
      } else {
        loadNext(section, form, entry.fields);
      }
    }
  }

  function restoreDraft(form) {
    var draft = readJSON(draftKey(form));
    if (draft) setValues(form, draft, false);
  }

  // Everything the phone holds for this page's exercises: sets not sent, edits, drafts.
  function restore(section) {
    var form = formOf(section);
    if (!form) return Promise.resolve();
    var exercise = form.dataset.exercise;
    return entries().then(function (list) {
      list.forEach(function (entry) {
        if (String(entry.session) === form.dataset.session && String(entry.exercise) === exercise) {
          showEntry(section, entry);
        }
      });
      var editing = readJSON(editKey(form));
      var row = editing && section.querySelector('.done-sets li[data-position="' + editing + '"] [data-edit-set]');
      if (row && !form.hasAttribute("data-editing")) {
        enterEdit(section, form, editing, JSON.parse(row.dataset.values || "{}"));
      }
      restoreDraft(form);
      counts();
    });
  }

  function counts() {
    var shown = document.querySelector("[data-sets-done]");
    if (!shown) return;
    var planned = 0;
    var left = 0;
    document.querySelectorAll("[data-gym-exercise]").forEach(function (section) {
      var form = formOf(section);
      planned += Number(section.dataset.planned) || 0;
      left += section.querySelectorAll(".later-sets li").length;
      if (form && form._next && !form._next.hidden) left += 1;
      else if (form && !form.hidden && !form.hasAttribute("data-editing")) left += 1;
    });
    shown.textContent = Math.max(0, planned - left) + " of " + planned + " sets done";
  }

  function syncStatus(text) {
    var status = document.querySelector("[data-gym-sync]");
    if (status && status.textContent !== text) status.textContent = text;
  }
  var stuck = false; // the last send found no network
  function summarize() {
    var session = sessionId();
    if (!session) return Promise.resolve();
    return entries().then(function (list) {
      var mine = list.filter(function (e) { return String(e.session) === String(session); });
      var refused = mine.filter(function (e) { return e.state === "refused"; }).length;
      var waiting = mine.length - refused;
      var parts = [];
      if (waiting && (stuck || !navigator.onLine)) {
        parts.push("No network: " + waiting + (waiting === 1 ? " set is" : " sets are") +
          " saved on this phone and will be sent when the network is back.");
      }
      if (refused) parts.push(refused + (refused === 1 ? " set was" : " sets were") + " not saved: see the exercise.");
      syncStatus(parts.join(" "));
    });
  }

  // The server's section for an exercise takes the place of the page's.
  function replaceSection(entry, html) {
    var current = sectionOf(entry);
    if (!current) return Promise.resolve();
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("section[data-gym-exercise]");
    if (!fresh) return Promise.resolve();
    var active = document.activeElement;
    var focusId = current.contains(active) ? active.id : null;
    var focusSubmit = current.contains(active) && active.matches("[data-set-submit]");
    current.replaceWith(fresh);
    return restore(fresh).then(function () {
      var again = focusId ? document.getElementById(focusId) : focusSubmit ? fresh.querySelector("[data-set-submit]") : null;
      if (again && !again.closest("[hidden]")) again.focus({ preventScroll: true });
      else if (focusSubmit) focusNext(fresh);
    });
  }

  // --- Sending -------------------------------------------------------------------------------
  function currentToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }
  function useToken(token) {
    document.querySelectorAll("input[name=csrf_token]").forEach(function (field) { field.value = token; });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRF-Token": token }));
  }
  // A fresh page's token (the old one was signed for a cookie or sign-in that has changed).
  function freshToken(session) {
    return fetch("/sessions/" + session, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.redirected && new URL(response.url).pathname === "/signin") return "signin";
      return response.text().then(function (html) {
        var match = html.match(/name="csrf_token" value="([^"]+)"/);
        if (!match) return "error";
        useToken(match[1]);
        return true;
      });
    }, function () { return "offline"; });
  }

  function reasonOf(html, status) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var messages = Array.prototype.map.call(
      template.content.querySelectorAll(".form-error, .field-error"),
      function (p) { return p.textContent.trim(); }
    ).filter(Boolean);
    if (messages.length) return messages.join(" ");
    if (status === 404) return "this session or exercise is not there any more.";
    if (status === 403) return "the server refused it (sign in again, then tap the set).";
    return "the server refused it (" + status + ").";
  }

  function refuse(entry, reason, html) {
    entry.state = "refused";
    entry.reason = reason;
    var save = store ? kv.set(keyOf(entry), entry, store) : Promise.resolve((memory[keyOf(entry)] = entry));
    return save.then(function () {
      return html ? replaceSection(entry, html) : null;
    }).then(function () {
      var section = sectionOf(entry);
      if (section) showEntry(section, entry);
      return "refused";
    });
  }

  function send(entry, retried) {
    var body = new URLSearchParams(entry.fields);
    var token = currentToken();
    body.set("csrf_token", token);
    var url = "/sessions/" + entry.session + "/exercises/" + entry.exercise + "/sets/" + entry.position;
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRF-Token": token },
    }).then(function (response) {
      var redirect = response.headers.get("HX-Redirect") || "";
      if (redirect.indexOf("/signin") === 0) return "signin";
      if (response.status === 403 && !retried) {
        return freshToken(entry.session).then(function (renewed) {
          return renewed === true ? send(entry, true) : renewed;
        });
      }
      if (response.ok) {
        return response.text().then(function (html) {
          return drop(entry, true).then(function () { return replaceSection(entry, html); });
        }).then(function () { return "sent"; });
      }
      if (response.status >= 500 || response.status === 429 || response.status === 503) return "error";
      return response.text().then(function (html) {
        return refuse(entry, reasonOf(html, response.status), response.status === 422 ? html : null);
      });
    }, function () { return "offline"; });
  }

  var flushing = null;
  var again = false;
  function sendAll() {
    return entries().then(function (list) {
      var blocked = {};
      var chain = Promise.resolve("sent");
      list.forEach(function (entry) {
        chain = chain.then(function (last) {
          if (last === "offline" || last === "signin" || last === "error") return last;
          var exercise = entry.session + "/" + entry.exercise;
          if (entry.state === "refused") { blocked[exercise] = true; return last; }
          if (blocked[exercise]) return last; // its sets wait for the refused one
          return send(entry).then(function (result) {
            if (result === "refused") blocked[exercise] = true;
            return result;
          });
        });
      });
      return chain;
    }).then(function (last) {
      stuck = last === "offline";
      return summarize().then(function () {
        if (last === "signin") {
          syncStatus("Sign in again to send the sets saved on this phone: they are kept until then.");
        } else if (last === "error") {
          syncStatus("The server could not store a set just now: it stays on this phone and is sent again later.");
        }
      });
    });
  }
  function flush() {
    if (flushing) { again = true; return flushing; }
    flushing = sendAll().catch(function () {}).then(function () {
      flushing = null;
      if (again) { again = false; return flush(); }
    });
    return flushing;
  }

  // Signing out clears the phone's storage (Clear-Site-Data), outbox included: send what waits
  // first, and ask before throwing away what still cannot be sent.
  function guardSignOut(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.signout") || form.dataset.confirmed) return;
    event.preventDefault();
    flush().then(entries).then(function (left) {
      var count = left.length;
      var ok = !count || window.confirm(
        count + (count === 1 ? " set is" : " sets are") + " still only on this phone. " +
        "Signing out deletes " + (count === 1 ? "it" : "them") + ". Sign out anyway?");
      if (!ok) return;
      form.dataset.confirmed = "true";
      form.submit();
    });
  }

  // --- Taps ----------------------------------------------------------------------------------
  function focusNext(section) {
    var form = formOf(section);
    var target = form && !form.hidden ? form.querySelector("[data-set-submit]") : null;
    if (!target) {
      var next = section.nextElementSibling;
      while (next && !(next.matches("[data-gym-exercise]") && formOf(next) && !formOf(next).hidden)) {
        next = next.nextElementSibling;
      }
      target = next ? formOf(next).querySelector("[data-set-submit]") : document.querySelector("[data-gym-finish] button[type=submit]");
    }
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest" });
    }
  }

  function onSubmit(event) {
    var swapping = event.target.closest("[data-swap-form], [data-notes-form]");
    if (swapping && swapping.closest("[data-gym-exercise]")) {
      event.preventDefault();
      swap(swapping);
      return;
    }
    var form = event.target.closest("[data-gym-set]");
    if (form) {
      event.preventDefault();
      unlockAudio();
      var section = form.closest("[data-gym-exercise]");
      var values = valuesOf(form);
      var editing = form.hasAttribute("data-editing");
      var rest = Number(form.dataset.rest);
      var entry = {
        session: form.dataset.session,
        exercise: Number(form.dataset.exercise),
        position: Number(form.dataset.position),
        fields: values,
        text: describe(values, form),
        state: "pending",
      };
      var draft = draftKey(form);
      keep(entry).then(function () {
        forget(draft);
        if (editing) forget(editKey(form));
        showEntry(section, entry);
        counts();
        if (!editing && Gravl.restTimer) Gravl.restTimer.start(rest);
        focusNext(section);
        summarize();
        flush();
      }, function () {
        form.submit(); // the phone keeps nothing: the plain post, as without this script
      });
      return;
    }
    var finish = event.target.closest("[data-gym-finish]");
    if (finish && !finish.dataset.sent) {
      event.preventDefault();
      flush().then(entries).then(function (list) {
        var left = list.filter(function (e) { return String(e.session) === finish.dataset.session; });
        if (left.length) {
          summarize().then(function () {
            syncStatus(document.querySelector("[data-gym-sync]").textContent + " Finish once they are sent.");
          });
          return;
        }
        finish.dataset.sent = "true";
        forget(REST_KEY); // the workout is over: no rest to count down
        try {
          Object.keys(window.localStorage).forEach(function (key) {
            var prefix = finish.dataset.session + ".";
            if (key.indexOf(DRAFT + prefix) === 0 || key.indexOf(EDITING + prefix) === 0) forget(key);
          });
        } catch (e) { /* storage blocked: nothing was kept */ }
        finish.submit();
      });
    }
  }

  // --- Swapping an exercise not started yet: its alternatives inside its section ----------
  function onToggle(event) {
    var details = event.target;
    if (!details.matches || !details.matches("[data-swap]") || !details.open) return;
    var slot = details.querySelector("[data-swap-slot]");
    var link = slot && slot.querySelector("a");
    if (!link) return;
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var template = document.createElement("template");
      template.innerHTML = html;
      var form = template.content.querySelector("[data-swap-form]");
      if (!form) return;
      form.classList.remove("card");
      slot.replaceWith(form);
      var first = form.querySelector("input[type=radio]");
      if (first) first.focus();
    }, function () { /* offline: the link stays */ });
  }

  // A swap, or an exercise's notes: sent now (online only), the section comes back.
  function swap(form) {
    var section = form.closest("[data-gym-exercise]");
    var notes = form.matches("[data-notes-form]");
    var body = new URLSearchParams(new FormData(form));
    body.set("csrf_token", currentToken());
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRF-Token": currentToken() },
    }).then(function (response) {
      if (!response.ok && !(notes && response.status === 422)) return form.submit(); // the page says why
      return response.text().then(function (html) {
        var entry = { session: sessionId(), exercise: Number(section.dataset.gymExercise) };
        return replaceSection(entry, html).then(function () {
          var fresh = sectionOf(entry);
          var heading = fresh && fresh.querySelector(notes ? ".exercise-notes summary" : "h2");
          if (heading) {
            if (!notes) heading.setAttribute("tabindex", "-1");
            heading.focus();
          }
        });
      });
    }, function () {
      syncStatus(notes ? "No network: the notes were not saved; they stay in the box."
        : "No network: swapping an exercise needs one.");
    });
  }

  function onClick(event) {
    var edit = event.target.closest("[data-edit-set]");
    if (edit) {
      var section = edit.closest("[data-gym-exercise]");
      var form = formOf(section);
      if (!form) return; // the exercise is done: the link opens the set on a new page
      event.preventDefault();
      var position = Number(edit.closest("li").dataset.position);
      enterEdit(section, form, position, JSON.parse(edit.dataset.values || "{}"));
      restoreDraft(form);
      counts();
      return;
    }
    var cancel = event.target.closest("[data-edit-cancel]");
    if (cancel) {
      var cancelForm = cancel.closest("[data-gym-set]");
      event.preventDefault();
      forget(draftKey(cancelForm));
      leaveEdit(cancelForm.closest("[data-gym-exercise]"), cancelForm);
      counts();
      return;
    }
    var discard = event.target.closest("[data-discard]");
    if (discard) {
      var row = discard.closest("li");
      var owner = row.closest("[data-gym-exercise]");
      var ownerForm = formOf(owner);
      var entry = {
        session: sessionId(),
        exercise: Number(owner.dataset.gymExercise),
        position: Number(row.dataset.position),
      };
      drop(entry, false).then(function () {
        row.remove();
        if (ownerForm) ownerForm.querySelector("[data-set-submit]").focus();
        summarize();
        flush(); // the sets after it may go now
      });
    }
  }

  function onInput(event) {
    var form = event.target.closest && event.target.closest("[data-gym-set]");
    if (!form || FIELDS.indexOf(event.target.name) < 0) return;
    relabel(form);
    if (edited(form)) writeJSON(draftKey(form), valuesOf(form));
    else forget(draftKey(form));
  }

  function init() {
    Gravl.restTimer = restTimer();
    registerWorker();
    var sections = document.querySelectorAll("[data-gym-exercise]");
    if (sections.length) {
      keepAwake();
      document.addEventListener("submit", onSubmit);
      document.addEventListener("click", onClick);
      document.addEventListener("input", onInput);
      document.addEventListener("change", onInput);
      document.addEventListener("toggle", onToggle, true);
      document.querySelectorAll("[data-gym-set]").forEach(relabel);
    }
    // Ready once what the phone holds is on the page; then it is sent.
    Promise.all(Array.prototype.map.call(sections, restore)).then(summarize).then(function () {
      document.documentElement.dataset.gymReady = "true";
      return flush();
    });
    window.addEventListener("online", flush);
    window.addEventListener("offline", summarize);
    document.addEventListener("submit", guardSignOut, true);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") flush();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
