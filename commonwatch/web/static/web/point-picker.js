// Point picker: set a latitude/longitude pair by clicking or tapping the map, dragging the
// pin, moving it with the arrow keys while the map has focus, searching an address or
// using the device's location; typed coordinates work as well. An optional radius input
// draws the alert circle and refits the map to it. Configured by data- attributes on the
// map element; the address finder and the location button, when the page has them, are
// tied to the map by data-place-finder="<map id>".
(function () {
  "use strict";
  // The site's accent for the alert circle: dark green on a light map, light in dark mode.
  function accentColour() {
    return getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#0b5d4b";
  }
  var METERS_PER_MILE = 1609.344;
  var METERS_PER_DEGREE = 111320;
  var STEP_M = 10;
  var BIG_STEP_M = 100;
  var ARROWS = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function setUp(mapEl) {
    var latInput = document.getElementById(mapEl.dataset.latInput || "id_lat");
    var lngInput = document.getElementById(mapEl.dataset.lngInput || "id_lng");
    var radiusInput = mapEl.dataset.radiusInput ? document.getElementById(mapEl.dataset.radiusInput) : null;
    var announcer = document.getElementById(mapEl.id + "-announce");
    var text = mapEl.dataset;
    // Open on the point already set, else on the page's suggested centre (never an exact home).
    var start = [
      parseFloat(latInput.value) || parseFloat(mapEl.dataset.centerLat) || 39.7392,
      parseFloat(lngInput.value) || parseFloat(mapEl.dataset.centerLng) || -104.9903
    ];
    // The arrow keys move the pin, not the map (the +/- keys still zoom).
    var map = L.map(mapEl, { keyboard: false }).setView(start, 14);
    window.commonwatch.addBasemap(map, mapEl);
    mapEl.setAttribute("tabindex", "0");
    var marker = null;
    var circle = null;

    function announce(message) {
      if (announcer) { announcer.textContent = message; }
    }

    function radiusMeters() {
      return (parseFloat(radiusInput.value) || 1) * METERS_PER_MILE;
    }

    function point() {
      var lat = parseFloat(latInput.value);
      var lng = parseFloat(lngInput.value);
      return isNaN(lat) || isNaN(lng) ? null : L.latLng(lat, lng);
    }

    function draw() {
      var at = point();
      if (!at) { return; }
      if (!marker) {
        marker = L.marker(at, {
          draggable: true,
          keyboard: false,  // the map itself takes the arrow keys
          icon: L.divIcon({ className: "picker-pin", iconSize: [22, 22] }),
          title: text.pinLabel || ""
        }).addTo(map);
        marker.on("dragend", function () {
          var moved = marker.getLatLng();
          setPoint(moved.lat, moved.lng);
          announce(describe(text.pinMoved));
        });
      }
      marker.setLatLng(at);
      if (radiusInput) {
        if (!circle) {
          circle = L.circle(at, { radius: radiusMeters(), color: accentColour(), fillOpacity: 0.12, interactive: false }).addTo(map);
        }
        circle.setLatLng(at);
        circle.setRadius(radiusMeters());
      }
    }

    function setPoint(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      draw();
    }

    function describe(template) {
      var at = point();
      return (template || "%(lat)s, %(lng)s")
        .replace("%(lat)s", at ? at.lat.toFixed(5) : "")
        .replace("%(lng)s", at ? at.lng.toFixed(5) : "");
    }

    function fit() {
      if (circle) {
        map.fitBounds(circle.getBounds(), L.extend({ padding: [20, 20] }, window.commonwatch.mapMotion));
      } else if (point()) {
        map.setView(point(), Math.max(map.getZoom(), 16), window.commonwatch.mapMotion);
      }
    }

    // Somewhere found (an address, the device's location): the pin goes there, the map follows.
    function placeAt(lat, lng, message) {
      setPoint(lat, lng);
      fit();
      announce(message);
    }

    map.on("click", function (event) {
      setPoint(event.latlng.lat, event.latlng.lng);
      announce(describe(text.pinMoved));
    });

    mapEl.addEventListener("keydown", function (event) {
      var arrow = ARROWS[event.key];
      if (event.target !== mapEl) { return; }
      if (arrow) {
        event.preventDefault();
        var at = point() || map.getCenter();
        var step = event.shiftKey ? BIG_STEP_M : STEP_M;
        var lat = at.lat + arrow[0] * step / METERS_PER_DEGREE;
        var lng = at.lng + arrow[1] * step / (METERS_PER_DEGREE * Math.cos(at.lat * Math.PI / 180));
        setPoint(lat, lng);
        if (!map.getBounds().pad(-0.1).contains([lat, lng])) { map.panTo([lat, lng], window.commonwatch.mapMotion); }
        announce(describe(text.pinMoved));
      } else if ((event.key === "Enter" || event.key === " ") && !point()) {
        event.preventDefault();
        var centre = map.getCenter();
        setPoint(centre.lat, centre.lng);
        announce(describe(text.pinMoved));
      }
    });

    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", draw);
      // Typed and left (Tab, Enter): the map follows, as after an address search; not
      // on every keystroke, which would jump the map about mid-number.
      input.addEventListener("change", function () { if (point()) { fit(); } });
    });
    if (radiusInput) {
      radiusInput.addEventListener("input", function () { draw(); fit(); });
    }
    draw();
    if (circle) { map.fitBounds(circle.getBounds(), { padding: [20, 20] }); }

    var finder = document.querySelector('[data-place-finder="' + mapEl.id + '"]');
    if (finder) { setUpFinder(finder, placeAt); }
  }

  // The address search (through the site's own endpoint) and "Use my location".
  function setUpFinder(finder, placeAt) {
    var query = finder.querySelector("[data-place-query]");
    var searchButton = finder.querySelector("[data-place-search]");
    var results = finder.querySelector("[data-place-results]");
    var status = finder.querySelector("[data-place-status]");
    var locate = finder.querySelector("[data-use-location]");
    var text = finder.dataset;

    function say(message, isError) {
      status.textContent = message;
      status.classList.toggle("error", Boolean(isError));
    }

    function show(places) {
      results.replaceChildren();
      places.forEach(function (place) {
        var item = document.createElement("li");
        var choose = document.createElement("button");
        choose.type = "button";
        choose.className = "link-button";
        choose.textContent = place.label;
        choose.addEventListener("click", function () {
          results.replaceChildren();
          placeAt(place.lat, place.lng, text.placed.replace("%(place)s", place.label));
          say(text.placed.replace("%(place)s", place.label));
        });
        item.appendChild(choose);
        results.appendChild(item);
      });
      say(places.length ? text.found.replace("%(count)s", places.length) : text.none);
    }

    function search() {
      var words = query.value.trim();
      if (!words) { say(text.empty, true); query.focus(); return; }
      say(text.searching);
      fetch(finder.dataset.placesUrl + "?q=" + encodeURIComponent(words), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) { show(body); return; }
          results.replaceChildren();
          var detail = body && body.detail;
          if (Array.isArray(detail)) { detail = detail.map(function (d) { return d.msg; }).join(" "); }
          say(detail || text.failed, true);
        });
      }).catch(function () {
        results.replaceChildren();
        say(text.failed, true);
      });
    }

    if (query && searchButton) {
      searchButton.addEventListener("click", search);
      query.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); search(); }  // not the page's form
      });
    }

    if (locate) {
      locate.addEventListener("click", function () {
        if (!navigator.geolocation || !window.isSecureContext) {
          say(text.noLocation, true);
          return;
        }
        say(text.locating);
        navigator.geolocation.getCurrentPosition(function (position) {
          var message = text.located;
          placeAt(position.coords.latitude, position.coords.longitude, message);
          say(message);
        }, function (error) {
          say(error.code === 1 ? text.locationDenied : text.noLocation, true);
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
  }

  if (typeof L === "undefined") { return; }
  document.querySelectorAll("[data-point-picker]").forEach(setUp);
})();
