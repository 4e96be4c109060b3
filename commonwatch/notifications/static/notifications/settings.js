/* Notification settings: until quiet hours are saved, their time zone starts as the
   browser's own (the server cannot know it). */
"use strict";

(function () {
  const zone = document.querySelector("select[name=time_zone][data-from-browser]");
  if (!zone || typeof Intl === "undefined") return;
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (mine && Array.from(zone.options).some((option) => option.value === mine)) zone.value = mine;
})();
