// Point picker: click a map to fill a latitude/longitude pair; an optional radius
// input draws the alert circle. Configured by data- attributes on the map element.
(function () {
  "use strict";
  var METERS_PER_MILE = 1609.344;

  function setUp(mapEl) {
    var latInput = document.getElementById(mapEl.dataset.latInput || "id_lat");
    var lngInput = document.getElementById(mapEl.dataset.lngInput || "id_lng");
    var radiusInput = mapEl.dataset.radiusInput ? document.getElementById(mapEl.dataset.radiusInput) : null;
    // Open on the point already set, else on the page's suggested centre (never an exact home).
    var start = [
      parseFloat(latInput.value) || parseFloat(mapEl.dataset.centerLat) || 39.7392,
      parseFloat(lngInput.value) || parseFloat(mapEl.dataset.centerLng) || -104.9903
    ];
    var map = L.map(mapEl).setView(start, 14);
    window.commonwatch.addBasemap(map, mapEl);
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
        marker = L.circleMarker(point, { radius: 8, color: "#0b5d4b", fillOpacity: 1 }).addTo(map);
      }
      marker.setLatLng(point);
      if (radiusInput) {
        if (!circle) {
          circle = L.circle(point, { radius: radiusMeters(), color: "#0b5d4b", fillOpacity: 0.12 }).addTo(map);
        }
        circle.setLatLng(point);
        circle.setRadius(radiusMeters());
      }
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lngInput.value = event.latlng.lng.toFixed(6);
      draw();
    });
    [latInput, lngInput, radiusInput].forEach(function (input) {
      if (input) { input.addEventListener("input", draw); }
    });
    draw();
    if (circle) { map.fitBounds(circle.getBounds(), { padding: [20, 20] }); }
  }

  if (typeof L === "undefined") { return; }
  document.querySelectorAll("[data-point-picker]").forEach(setUp);
})();
