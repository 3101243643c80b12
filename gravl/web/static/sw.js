// Gravl's service worker (docs/gym-loop.md): the workout page opens with no network.
//
// Hand-written, not Workbox: it does three small things, and the part that matters at the gym
// (sets kept in IndexedDB and sent when the network returns, a refreshed CSRF token, a refusal
// shown on the exercise) lives in the page (js/gym.js), because Background Sync, Workbox's way,
// exists in Chromium only and could not show a refusal on the page.
//
// - A session page (/sessions/<id>) is fetched from the network first, and kept; with no
//   network (or none within a few seconds) the copy kept is shown, and gym.js adds what the
//   phone still holds. No other page is kept: pages carry personal data.
// - Files under /static/ are answered from the cache and refreshed behind it (their URLs carry
//   a content hash, so a new version has a new URL).
// - The page names the files it uses (and itself, on its first visit, before this worker was
//   in control): they are fetched into the cache, so the first reload offline works too.
// Signing out (any visit to /signin) forgets the pages kept.
"use strict";

var PAGES = "gravl-pages-v1";
var STATIC = "gravl-static-v1";
var KEPT = [PAGES, STATIC];
var SESSION_PAGE = /^\/sessions\/\d+$/;
var NETWORK_WAIT_MS = 4000;
var MAX_STATIC_FILES = 80;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("gravl-") === 0 && KEPT.indexOf(name) < 0;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// Old fingerprinted files pile up otherwise; the oldest go first.
function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_STATIC_FILES)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

function fromStatic(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (keepable(response)) {
          return cache.put(request, response.clone()).then(function () { return trim(cache); })
            .then(function () { return response; });
        }
        return response;
      });
      if (kept) {
        fresh.catch(function () { /* offline: the copy kept was answered */ });
        return kept;
      }
      return fresh;
    });
  });
}

function pageKey(url) {
  return url.origin + url.pathname;
}

function fromNetworkFirst(request, url) {
  return caches.open(PAGES).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (keepable(response)) cache.put(pageKey(url), response.clone());
      return response;
    });
    var late = new Promise(function (resolve) {
      setTimeout(function () { resolve(null); }, NETWORK_WAIT_MS);
    });
    // The network wins when it answers in time; with none (or too slow), the copy kept.
    return Promise.race([network, late]).then(function (response) {
      if (response) return response;
      return cache.match(pageKey(url)).then(function (kept) { return kept || network; });
    }, function () {
      return cache.match(pageKey(url)).then(function (kept) {
        return kept || network;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromStatic(request));
  } else if (request.mode === "navigate" && SESSION_PAGE.test(url.pathname)) {
    event.respondWith(fromNetworkFirst(request, url));
  } else if (request.mode === "navigate" && url.pathname === "/signin") {
    event.waitUntil(caches.delete(PAGES));
  }
});

// The page's files, and the page itself on its first visit: {type: "keep", files, page}.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep") return;
  var files = (data.files || []).filter(function (file) {
    return new URL(file, self.location.origin).pathname.indexOf("/static/") === 0;
  });
  var work = caches.open(STATIC).then(function (cache) {
    return Promise.all(files.map(function (file) {
      return cache.match(file).then(function (kept) {
        if (kept) return null;
        return fetch(file).then(function (response) {
          if (keepable(response)) return cache.put(file, response);
          return null;
        });
      });
    }));
  }).then(function () {
    if (!data.page) return null;
    var url = new URL(data.page, self.location.origin);
    if (!SESSION_PAGE.test(url.pathname)) return null;
    return caches.open(PAGES).then(function (cache) {
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        if (keepable(response)) return cache.put(pageKey(url), response);
        return null;
      });
    });
  }).then(function () {
    if (event.source) event.source.postMessage({ type: "kept" });
  }, function () { /* offline now: kept on the next visit */ });
  event.waitUntil(work);
});
