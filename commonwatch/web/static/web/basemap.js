// The background of every Leaflet map (map page, point picker, a post's small map):
// raster tiles or a vector PMTiles basemap, as MAP_TILES configures it (docs/basemap.md),
// read from the map element's data-basemap-* attributes (web/_basemap_attrs.html).
// Vector maps follow the site's light or dark theme, and switch when the system does.
// With no basemap configured the map keeps its own plain background (site.css).
(function () {
  "use strict";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  // The flavours paint grey wherever a tile has no land: past a region's extract, or a
  // zoomed-out tile reaching past the demo city. Land colour there (site.css --map-earth,
  // the flavours' earth) reads as the country around the map, not as a broken one.
  function vectorLayer(el) {
    var layer = protomapsL.leafletLayer({
      url: el.dataset.basemapUrl,
      flavor: dark && dark.matches ? "dark" : "light",
      lang: document.documentElement.lang || "en",
      attribution: el.dataset.basemapAttribution || "",
      maxZoom: 19
    });
    layer.backgroundColor = window.getComputedStyle(el).getPropertyValue("--map-earth").trim() || layer.backgroundColor;
    return layer;
  }

  function addBasemap(map, el) {
    var kind = el.dataset.basemapKind;
    if (kind === "raster") {
      L.tileLayer(el.dataset.basemapUrl, { attribution: el.dataset.basemapAttribution || "", maxZoom: 19 }).addTo(map);
      return;
    }
    if (kind !== "vector" || typeof protomapsL === "undefined") { return; }
    var layer = vectorLayer(el).addTo(map);
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", function () {
        map.removeLayer(layer);
        layer = vectorLayer(el).addTo(map);
        layer.bringToBack();
      });
    }
  }

  // Someone whose system asks for less motion gets maps that jump to a place or a zoom
  // instead of gliding and fading into it. Every map is made after this file (it follows
  // Leaflet); a script moving a map passes mapMotion to setView, panTo and fitBounds.
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (still) {
    L.Map.mergeOptions({ zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, inertia: false });
  }

  window.commonwatch = window.commonwatch || {};
  window.commonwatch.addBasemap = addBasemap;
  // Leaflet's own choice unless stilled: "animate: true" would force a glide on long jumps.
  window.commonwatch.mapMotion = still ? { animate: false } : {};
})();
