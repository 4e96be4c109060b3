// Every page: the header menu, and the focus on a form sent back with errors.
(function () {
  "use strict";

  // The header menu is a <details>: folded on phones, always open on wide screens. On a
  // phone Escape folds it again, with the focus back on its button.
  function menu() {
    var details = document.querySelector(".nav-menu");
    if (!details || !window.matchMedia) { return; }
    var wide = window.matchMedia("(min-width: 48rem)");
    function sync() { details.open = wide.matches; }
    sync();
    wide.addEventListener("change", sync);
    details.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || wide.matches || !details.open) { return; }
      details.open = false;
      details.querySelector("summary").focus();
    });
  }

  // A form sent back with errors: the focus goes to its first field marked invalid, so a
  // screen reader reads that field with its label and its error (aria-describedby) at
  // once, instead of the page again from the top. A page that placed the focus keeps it
  // (the moderation queue's own script runs first).
  function firstError() {
    var field = document.querySelector("main [aria-invalid=true]");
    if (field && document.activeElement === document.body) { field.focus(); }
  }

  menu();
  document.addEventListener("DOMContentLoaded", firstError);
})();
