// The idle sign-out (accounts/middleware.py) ends a session after a while without a
// request; typing a long post or a moderator's note sends none. So before it happens the
// page says when, and "Stay signed in" (or Escape) makes a request that restarts the
// clock; past it, the page says so and offers to sign in again in a new tab, keeping
// what was typed here. The clock starts with this page; a request from another tab
// restarts the server's, and staying then costs nothing.
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var text = document.getElementById("idle-warning-text");
  text.setAttribute("role", "alert");  // here, not in the page: one alert a page says it has
  var stay = document.getElementById("idle-stay");
  var signIn = document.getElementById("idle-sign-in");
  var limitMs = Number(dialog.dataset.idleSeconds) * 1000;
  // Two minutes to answer, or half the limit when it is shorter.
  var noticeMs = Math.min(120000, limitMs / 2);
  var timers = [];
  var returnTo = null;
  var ended = false;

  function schedule() {
    timers.forEach(window.clearTimeout);
    var endsAt = new Date(Date.now() + limitMs);
    timers = [
      window.setTimeout(function () { warn(endsAt); }, limitMs - noticeMs),
      window.setTimeout(signedOut, limitMs)
    ];
  }

  function warn(endsAt) {
    var time = endsAt.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    text.textContent = dialog.dataset.warning.replace("%(time)s", time);
    returnTo = document.activeElement;
    dialog.showModal();
    stay.focus();
  }

  function signedOut() {
    ended = true;
    text.textContent = dialog.dataset.signedOut;
    stay.textContent = dialog.dataset.close;  // back to the page, to copy what was typed
    signIn.hidden = false;
    if (!dialog.open) { returnTo = document.activeElement; dialog.showModal(); }
    signIn.focus();
  }

  // Any request restarts the server's clock; this one reads the least.
  function keepSession() {
    fetch("/api/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { if (answer.ok) { schedule(); } else { signedOut(); } },
        function () { schedule(); });
  }

  stay.addEventListener("click", function () { dialog.close(); });
  signIn.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () {
    if (!ended) { keepSession(); }
    if (returnTo && returnTo.focus) { returnTo.focus(); }
  });
  schedule();
})();
