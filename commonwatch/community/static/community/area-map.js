// Small maps of a post's approximate area (the post page, the moderation queue): each
// .area-map draws the ~100 m hexagon around the public point from its corners
// (data-area), with no point marker, so a map never points at a spot. A page with many
// draws each when it comes into view. Without script the text beside it says where.
(function () {
  "use strict";

  function draw(el) {
    var corners = JSON.parse(el.dataset.area || "[]");
    if (!corners.length || el.dataset.ready) { return; }
    var map = L.map(el, { maxZoom: 19, scrollWheelZoom: false, keyboard: false });
    window.commonwatch.addBasemap(map, el);
    var area = L.polygon(corners, { color: "#0b5d4b", weight: 2, fillOpacity: 0.25, interactive: false }).addTo(map);
    map.fitBounds(area.getBounds(), { padding: [40, 40], maxZoom: 16 });
    el.dataset.ready = "true";
  }

  var maps = Array.prototype.slice.call(document.querySelectorAll(".area-map[data-area]"));
  if (!maps.length || typeof L === "undefined") { return; }
  if (maps.length === 1 || !("IntersectionObserver" in window)) {
    maps.forEach(draw);
    return;
  }
  var watcher = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        watcher.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "200px" });
  maps.forEach(function (el) { watcher.observe(el); });
})();
