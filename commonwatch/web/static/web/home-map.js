// Home point picker: click the map to place your home; the circle shows your alert radius.
(function () {
  "use strict";
  var mapEl = document.getElementById("home-map");
  if (!mapEl || typeof L === "undefined") { return; }
  var latInput = document.getElementById("id_lat");
  var lngInput = document.getElementById("id_lng");
  var radiusInput = document.getElementById("id_radius_mi");
  var METERS_PER_MILE = 1609.344;
  var start = [parseFloat(latInput.value) || 39.7392, parseFloat(lngInput.value) || -104.9903];

  var map = L.map(mapEl).setView(start, 13);
  var tileUrl = mapEl.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: mapEl.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var marker = null;
  var circle = null;

  function radiusMeters() {
    return (parseFloat(radiusInput.value) || 1) * METERS_PER_MILE;
  }

  function draw() {
    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    if (isNaN(lat) || isNaN(lng)) { return; }
    var point = [lat, lng];
    if (!marker) {
      marker = L.circleMarker(point, { radius: 7, color: "#0b5d4b", fillOpacity: 1 }).addTo(map);
      circle = L.circle(point, { radius: radiusMeters(), color: "#0b5d4b", fillOpacity: 0.12 }).addTo(map);
    }
    marker.setLatLng(point);
    circle.setLatLng(point);
    circle.setRadius(radiusMeters());
  }

  map.on("click", function (event) {
    latInput.value = event.latlng.lat.toFixed(6);
    lngInput.value = event.latlng.lng.toFixed(6);
    draw();
  });
  [latInput, lngInput, radiusInput].forEach(function (input) {
    input.addEventListener("input", draw);
  });
  draw();
  if (circle) { map.fitBounds(circle.getBounds(), { padding: [20, 20] }); }
})();
