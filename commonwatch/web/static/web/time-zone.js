// Tells the site this browser's time zone (the "tz" cookie), so the pages after this one
// show times as the clock on this device does (core/time_zone.py). A year, site-wide.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) { return; }
  if (document.cookie.split("; ").indexOf("tz=" + zone) !== -1) { return; }
  var secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
})();
