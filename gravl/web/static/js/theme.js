// The page's frame: the theme switch in the footer (light, dark or the system's), and the current
// section kept in view in the phone's one-row navigation strip. The theme is kept in the
// gravl_theme cookie (gravl/web/templating.py THEME_COOKIE), which the server reads to render
// <html data-theme> so the first paint is already right; no script runs before it.
(function () {
  "use strict";

  var COOKIE = "gravl_theme";
  var BAR = { light: "#1e3a8a", dark: "#172554" };

  function remember(choice) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    var value = choice === "system" ? "; Max-Age=0" : choice + "; Max-Age=31536000";
    document.cookie = COOKIE + "=" + value + "; Path=/; SameSite=Lax" + secure;
  }

  function themeColor(content, media) {
    var meta = document.createElement("meta");
    meta.name = "theme-color";
    meta.content = content;
    if (media) meta.media = media;
    document.head.appendChild(meta);
  }

  function apply(choice) {
    var root = document.documentElement;
    if (choice === "system") delete root.dataset.theme;
    else root.dataset.theme = choice;
    var scheme = document.querySelector('meta[name="color-scheme"]');
    if (scheme) scheme.content = choice === "system" ? "light dark" : choice;
    document.querySelectorAll('meta[name="theme-color"]').forEach(function (meta) {
      meta.remove();
    });
    if (choice === "system") {
      themeColor(BAR.light, "(prefers-color-scheme: light)");
      themeColor(BAR.dark, "(prefers-color-scheme: dark)");
    } else {
      themeColor(BAR[choice]);
    }
  }

  function bindThemeSwitch(fieldset) {
    fieldset.hidden = false;
    fieldset.addEventListener("change", function (event) {
      var choice = event.target.value;
      if (choice !== "system" && !(choice in BAR)) return;
      remember(choice);
      apply(choice);
    });
  }

  // On a phone the navigation is one row that scrolls sideways: show where the lifter is.
  function revealCurrentSection() {
    var strip = document.querySelector(".site-nav ul");
    var current = strip && strip.querySelector('[aria-current="page"]');
    if (!current || strip.scrollWidth <= strip.clientWidth) return;
    var item = current.parentElement;
    strip.scrollLeft = item.offsetLeft - (strip.clientWidth - item.offsetWidth) / 2;
  }

  var fieldset = document.querySelector("[data-theme-switch]");
  if (fieldset) bindThemeSwitch(fieldset);
  revealCurrentSection();
})();
