// Small maps of a post's approximate area (the post page, the moderation queue): each
// .area-map draws the ~100 m hexagon around the public point from its corners
// (data-area), with no point marker, so a map never points at a spot. Every map on the
// page is drawn at once: a page holds at most one queue page of them (moderation
// QUEUE_PAGE), and one drawn only when scrolled into view stayed an empty box wherever
// the page is seen without scrolling it (a full-page capture, a printout). Without
// script the text beside it says where.
(function () {
  "use strict";

  function draw(el) {
    var corners = JSON.parse(el.dataset.area || "[]");
    if (!corners.length || el.dataset.ready) { return; }
    var map = L.map(el, { maxZoom: 19, scrollWheelZoom: false, keyboard: false });
    window.commonwatch.addBasemap(map, el);
    var area = L.polygon(corners, { color: "#0b5d4b", weight: 2, fillOpacity: 0.25, interactive: false }).addTo(map);
    map.fitBounds(area.getBounds(), { padding: [40, 40], maxZoom: 16 });
    if (el.dataset.untabbed) {
      // A queue page holds twenty: their zoom buttons and attribution links were sixty
      // Tab stops between one decision and the next. They stay usable by pointer.
      Array.prototype.forEach.call(el.querySelectorAll(".leaflet-control a"), function (a) {
        a.setAttribute("tabindex", "-1");
      });
    }
    el.dataset.ready = "true";
  }

  if (typeof L === "undefined") { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".area-map[data-area]"), draw);
})();
