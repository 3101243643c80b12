// Gravl's own behaviour: the body map's details on hover, tap and keyboard focus.
// Kept tiny and dependency-free; pages work without it (the table holds the same data).
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

  function init(root) {
    root.querySelectorAll("[data-bodymap]").forEach(bindBodyMap);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) init(event.target);
  });
})();
