// Tells the site this browser's time zone (the "tz" cookie), so the pages after this one
// show times as the clock on this device does (core/time_zone.py). A year, site-wide.
// Asking Intl for the zone loads the browser's time-zone data: ~0.1 s of one task on a
// slow phone's first page. So it waits for the first of: an idle moment two seconds after
// the page has loaded (a map's data comes after load), or the person's first tap, key or
// form sent, which come before the next page is asked for.
(function () {
  "use strict";
  var told = false;
  function remember() {
    if (told) { return; }
    told = true;
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
    if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) { return; }
    if (document.cookie.split("; ").indexOf("tz=" + zone) !== -1) { return; }
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
  }
  ["pointerdown", "keydown", "submit"].forEach(function (type) {
    document.addEventListener(type, remember, { capture: true, once: true });
  });
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      if (window.requestIdleCallback) {
        window.requestIdleCallback(remember, { timeout: 3000 });
      } else {
        remember();
      }
    }, 2000);
  });
})();
