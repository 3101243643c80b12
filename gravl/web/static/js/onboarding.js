// Sign-up: the device's timezone and usual weight unit, sent with the form so a new account's
// "today" and weights are right from the first page (the welcome page shows both to confirm).
// Without this script the account starts on UTC and kilograms, as before.
(function () {
  "use strict";
  // Where pounds are the everyday unit for body and gym weights.
  var POUND_REGIONS = ["US", "LR", "MM"];

  function timezone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function units() {
    var language = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    try {
      var region = new Intl.Locale(language).maximize().region;
      return POUND_REGIONS.indexOf(region) >= 0 ? "lb" : "kg";
    } catch (e) {
      return "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-device-timezone]").forEach(function (input) {
      if (!input.value) input.value = timezone();
    });
    document.querySelectorAll("input[data-device-units]").forEach(function (input) {
      if (!input.value) input.value = units();
    });
  });
})();
