// Incident map: clustered posts and a heat layer, at approximate locations, inside your circle.
// Without a tile server it still shows a plain background, the points and your radius.
(function () {
  "use strict";
  var el = document.getElementById("incident-map");
  if (!el || typeof L === "undefined") { return; }
  var home = [parseFloat(el.dataset.homeLat), parseFloat(el.dataset.homeLng)];
  // maxZoom on the map itself: without a tile layer nothing else sets it, and clustering needs it.
  var map = L.map(el, { maxZoom: 19 }).setView(home, 14);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var circle = L.circle(home, { radius: parseFloat(el.dataset.radiusM), color: "#0b5d4b", fillOpacity: 0.06 }).addTo(map);
  map.fitBounds(circle.getBounds(), { padding: [10, 10] });

  var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
  var heat = L.heatLayer([], { radius: 22, blur: 18, maxZoom: 17 });
  var layers = {};
  layers[el.dataset.layerPoints] = clusters;
  layers[el.dataset.layerHeat] = heat;
  clusters.addTo(map);
  L.control.layers(null, layers, { collapsed: false }).addTo(map);

  var url = el.dataset.pointsUrl + (el.dataset.query ? "?" + el.dataset.query : "");
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var heatPoints = [];
      data.points.forEach(function (p) {
        var marker = L.circleMarker([p.lat, p.lng], { radius: 7, color: "#a4161a", fillOpacity: 0.8 });
        var link = document.createElement("a");
        link.href = "/feed/posts/" + p.id + "/";
        link.textContent = p.title;
        marker.bindPopup(link);
        clusters.addLayer(marker);
        heatPoints.push([p.lat, p.lng, 1]);
      });
      heat.setLatLngs(heatPoints);
      el.dataset.loaded = String(data.points.length);
      performance.mark("map-ready"); // first data drawn: bench/http_phone.py reads it
    });
})();
