// The map of your circle: counts per H3 hexagon when zoomed out, posts one by one (at
// their approximate points, shaped and coloured by category) when zoomed in. New posts
// arrive over the feed's live socket: the map redraws and the list under it grows.
(function () {
  "use strict";
  // The site's accent for the alert circle: dark green on a light map, light in dark mode.
  function accentColour() {
    return getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#0b5d4b";
  }
  var el = document.getElementById("incident-map");
  if (!el || typeof L === "undefined") { return; }
  var home = [parseFloat(el.dataset.homeLat), parseFloat(el.dataset.homeLng)];
  var radius = parseFloat(el.dataset.radiusM);
  // Opened straight on the circle: a first view at another zoom would fetch and draw
  // its data too, then again for the circle's zoom once the fitting zoom animation ends.
  var map = L.map(el, { maxZoom: 19 }).fitBounds(L.latLng(home).toBounds(2 * radius), { padding: [10, 10] });
  var drawn = L.layerGroup().addTo(map);
  // Density classes, lightest to darkest: each a share of the busiest hexagon.
  var SHADES = ["#fde0c5", "#facba6", "#f59e72", "#e8664a", "#b8322b"];
  var pending = null;
  var failed = document.getElementById("map-failed");
  var more = document.getElementById("map-more");
  var POINTS_ZOOM = parseInt(el.dataset.pointsZoom, 10);  // selectors.POINTS_ZOOM
  var shownZoom = null;

  // On the dark basemap a dark outline and a see-through light fill turn to mud: the
  // outline turns light and the fill more solid, so the density still reads.
  var darkScheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function hexagonStyle() {
    return darkScheme && darkScheme.matches
      ? { color: "#fde0c5", weight: 1.5, fillOpacity: 0.8 }
      : { color: "#7a2a1d", weight: 1, fillOpacity: 0.6 };
  }

  function shade(count, most) {
    var index = Math.min(SHADES.length - 1, Math.floor((count / most) * SHADES.length - 1e-9));
    return SHADES[Math.max(index, 0)];
  }

  function drawHexagons(hexagons) {
    var most = hexagons.reduce(function (m, h) { return Math.max(m, h.count); }, 1);
    var total = 0;
    hexagons.forEach(function (h) {
      total += h.count;
      var label = h.count + " " + (h.count === 1 ? el.dataset.postLabel : el.dataset.postsLabel);
      var hexagon = L.polygon(h.boundary, Object.assign({ fillColor: shade(h.count, most) }, hexagonStyle()))
        .bindPopup(label)
        .addTo(drawn);
      // The count written on it: a marker that CSS centres, which Leaflet places without
      // measuring it (a permanent tooltip is measured, laying out the page once each).
      // A screen reader reads "34 posts", not a row of bare numbers.
      var count = document.createElement("span");
      count.textContent = String(h.count);
      var noun = document.createElement("span");
      noun.className = "visually-hidden";
      noun.textContent = " " + (h.count === 1 ? el.dataset.postLabel : el.dataset.postsLabel);
      count.appendChild(noun);
      L.marker(hexagon.getCenter(), {
        icon: L.divIcon({ className: "hex-count", html: count, iconSize: null }),
        interactive: false, keyboard: false
      }).addTo(drawn);
    });
    return total;
  }

  // The post whose popup is open. A popup near the edge pans the map to fit it, and the
  // pan (or a live post) draws the points again: the redrawn marker opens its popup again
  // (without a second pan) and takes back the keyboard focus, where both used to vanish.
  var openPost = null;

  function drawPoints(points, reopen) {
    points.slice().reverse().forEach(function (p) {
      var icon = L.divIcon({ className: "map-marker marker-" + p.category, iconSize: [18, 18] });
      var marker = L.marker([p.lat, p.lng], { icon: icon, title: p.title, alt: p.title, riseOnHover: true });
      var link = document.createElement("a");
      link.href = "/feed/posts/" + p.id + "/";
      link.textContent = p.title;
      marker.bindPopup(link, { autoPan: p.id !== reopen.open }).addTo(drawn);
      marker.getElement().dataset.postId = String(p.id);
      marker.on("popupopen", function () { openPost = p.id; });
      marker.on("popupclose", function () { if (openPost === p.id) { openPost = null; } });
      if (p.id === reopen.open) { marker.openPopup(); }
      if (p.id === reopen.focused) { marker.getElement().focus({ preventScroll: true }); }
    });
    return points.length;
  }

  // What drawPoints gives back after the markers are cleared: read before clearing them.
  function shownNow() {
    var active = document.activeElement;
    var focused = active && el.contains(active) && active.dataset.postId;
    return { open: openPost, focused: focused ? parseInt(focused, 10) : null };
  }

  function load() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var zoom = shownZoom = Math.round(map.getZoom());
    var query = (el.dataset.query ? el.dataset.query + "&" : "") + "zoom=" + zoom;
    if (zoom >= POINTS_ZOOM) {  // points: only those in view
      var b = map.getBounds();
      query += "&bbox=" + [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (x) { return x.toFixed(5); }).join(",");
    }
    fetch(el.dataset.pointsUrl + "?" + query, {
      credentials: "same-origin", headers: { Accept: "application/json" }, signal: pending.signal
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("map data: " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failed.hidden = true;
        var reopen = shownNow();
        drawn.clearLayers();
        var count = data.resolution === null ? drawPoints(data.points, reopen) : drawHexagons(data.hexagons);
        el.dataset.view = data.resolution === null ? "points" : "hexagons";
        el.dataset.zoom = String(zoom);  // the zoom this data was drawn for
        more.hidden = !data.more;
        el.dataset.loaded = String(count);
        if (el.dataset.ready !== "true") { performance.mark("map-ready"); } // bench/http_phone.py
        el.dataset.ready = "true";
      })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        failed.hidden = false;  // the posts are still in the list under the map
        el.dataset.failed = "true";
      });
  }

  var reload = null;
  function loadSoon() {
    clearTimeout(reload);
    reload = setTimeout(load, 300);
  }
  // A new zoom may change what is drawn; a pan changes it only where points are drawn.
  map.on("moveend", function () {
    var zoom = Math.round(map.getZoom());
    if (zoom !== shownZoom || zoom >= POINTS_ZOOM) { loadSoon(); }
  });
  load();
  // The data is on its way: now the rest of the drawing.
  window.commonwatch.addBasemap(map, el);
  L.circle(home, { radius: radius, color: accentColour(), weight: 2, fill: false }).addTo(map);

  // Live: the feed's socket. A new post joins the list and the map is drawn again.
  var list = document.getElementById("map-list");
  var live = document.getElementById("map-live");
  var lastCursor = el.dataset.since || "";

  function listItem(post) {
    var item = document.createElement("li");
    item.dataset.postId = post.id;
    item.className = "live-new";
    var shape = document.createElement("span");
    shape.className = "map-marker marker-" + post.category;
    shape.setAttribute("aria-hidden", "true");
    var badge = document.createElement("span");
    badge.className = "badge category-" + post.category;
    badge.textContent = post.category_label;
    var link = document.createElement("a");
    link.href = "/feed/posts/" + post.id + "/";
    link.textContent = post.title;
    var when = document.createElement("span");
    when.className = "meta";
    when.textContent = live.dataset.newLabel;
    [shape, document.createTextNode(" "), badge, document.createTextNode(" "), link,
      document.createTextNode(" "), when].forEach(function (node) { item.appendChild(node); });
    return item;
  }

  function onMessage(message) {
    if (message.type === "post") {
      var post = message.post;
      if (post.cursor) { lastCursor = post.cursor; }
      if (el.dataset.category && post.category !== el.dataset.category) { return; }
      if (list.querySelector('[data-post-id="' + post.id + '"]')) { return; }
      var empty = list.querySelector(".empty");
      if (empty) { empty.remove(); }
      list.insertBefore(listItem(post), list.firstChild);
      live.textContent = live.dataset.newLabel + ": " + post.title;
      loadSoon();
    } else if (message.type === "removed") {
      var gone = list.querySelector('[data-post-id="' + message.post_id + '"]');
      if (gone) { gone.remove(); }
      loadSoon();
    }
  }

  if (window.commonwatch.liveSocket) {
    window.commonwatch.liveSocket({
      path: el.dataset.wsPath,
      cursor: function () { return lastCursor; },
      shownIn: list,
      onMessage: onMessage,
      onState: function (connected) { el.dataset.live = String(connected); }
    });
  }
})();
