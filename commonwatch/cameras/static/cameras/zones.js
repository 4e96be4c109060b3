// Zone editor: the owner draws privacy and motion zones on the camera's frame. Zones are
// polygons in frame coordinates (0..1 from the top-left), kept in the form's hidden
// inputs (privacy_zones, motion_zones) as JSON; the server checks them again. Drawing
// works with a mouse, a pen or a finger (pointer events): drag a rectangle, or tap the
// corners of a polygon and press Finish. Without a pointer, corners are typed in percent.
(function () {
  "use strict";
  var FILL = { privacy: "rgba(0, 0, 0, 0.85)", motion: "rgba(0, 150, 70, 0.35)" };
  var STROKE = { privacy: "#ffffff", motion: "#00b050" };
  var DRAFT = "#ff9800";

  function setUp(editor) {
    var canvas = document.getElementById("zone-canvas");
    var thumbnail = document.getElementById("zone-thumbnail");
    var list = document.getElementById("zone-list");
    var announcer = document.getElementById("zone-announce");
    var typed = document.getElementById("zone-corners");
    var typedError = document.getElementById("zone-corners-error");
    var zoneError = document.getElementById("zone-error");
    var inputs = {
      privacy: document.getElementById("id_privacy_zones"),
      motion: document.getElementById("id_motion_zones")
    };
    var text = editor.dataset;
    var limits = {
      zones: parseInt(text.maxZones, 10),
      min: parseInt(text.minCorners, 10),
      max: parseInt(text.maxCorners, 10)
    };
    var zones = { privacy: read(inputs.privacy), motion: read(inputs.motion) };
    var draft = [];      // corners of the polygon being drawn
    var dragFrom = null; // where a rectangle drag started
    var dragTo = null;
    var history = [];    // snapshots for Undo
    var draftStart = 0;  // history's length before the polygon being drawn

    function read(input) {
      try {
        var value = JSON.parse(input.value || "[]");
        return Array.isArray(value) ? value : [];
      } catch (error) {
        return [];
      }
    }

    function fill(template, values) {
      return template.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
    }

    function announce(message) { announcer.textContent = message; }

    function kind() { return editor.querySelector("input[name=zone-kind]:checked").value; }

    function shape() { return editor.querySelector("input[name=zone-shape]:checked").value; }

    function snapshot() {
      history.push(JSON.stringify({ zones: zones, draft: draft }));
    }

    function save() {
      inputs.privacy.value = JSON.stringify(zones.privacy);
      inputs.motion.value = JSON.stringify(zones.motion);
    }

    function round(value) { return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000; }

    function framePoint(event) {
      var box = canvas.getBoundingClientRect();
      return [round((event.clientX - box.left) / box.width), round((event.clientY - box.top) / box.height)];
    }

    // Why these corners cannot be a zone, or "" if they can. A shape whose edges cross
    // is refused here as the server refuses it (cameras/zones.py), before saving.
    function refusal(corners) {
      if (zones[kind()].length >= limits.zones) { return fill(text.textTooMany, { n: limits.zones }); }
      if (edgesCross(corners)) { return text.textCrossing; }
      return "";
    }

    function showRefusal(message) {
      zoneError.textContent = message;
      zoneError.hidden = !message;
      if (message) { announce(message); }
    }

    function addZone(corners) {
      var refused = refusal(corners);
      if (refused) {
        showRefusal(refused);
        return false;
      }
      var current = zones[kind()];
      snapshot();
      current.push(corners);
      changed(fill(text.textAdded, { n: current.length }));
      return true;
    }

    // Edges that cross (cameras/zones.py edges_cross) ---------------------------------

    function turn(a, b, c) { return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]); }

    function within(p, q, r) {
      return Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) &&
        Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
    }

    function segmentsMeet(a, b, c, d) {
      var turns = [turn(a, b, c), turn(a, b, d), turn(c, d, a), turn(c, d, b)];
      if (turns[0] * turns[1] < 0 && turns[2] * turns[3] < 0) { return true; }
      var lines = [[a, b, c], [a, b, d], [c, d, a], [c, d, b]];
      return turns.some(function (value, i) { return value === 0 && within.apply(null, lines[i]); });
    }

    // Whether two edges that share no corner meet; a corner tapped twice in a row is one.
    function edgesCross(corners) {
      var distinct = corners.filter(function (corner, i) {
        var before = corners[(i + corners.length - 1) % corners.length];
        return corner[0] !== before[0] || corner[1] !== before[1];
      });
      var edges = distinct.map(function (corner, i) { return [corner, distinct[(i + 1) % distinct.length]]; });
      var last = edges.length - 1;
      for (var i = 0; i < edges.length; i += 1) {
        for (var j = i + 2; j < edges.length; j += 1) {
          if (!(i === 0 && j === last) && segmentsMeet(edges[i][0], edges[i][1], edges[j][0], edges[j][1])) {
            return true;
          }
        }
      }
      return false;
    }

    function changed(message) {
      showRefusal("");
      save();
      render();
      if (message) { announce(message); }
    }

    // Drawing -------------------------------------------------------------------------

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(canvas.clientWidth * ratio);
      canvas.height = Math.round(canvas.clientHeight * ratio);
      paint();
    }

    function grid(context, width, height) {
      context.fillStyle = "#8a8f94";
      context.fillRect(0, 0, width, height);
      context.strokeStyle = "rgba(255, 255, 255, 0.35)";
      context.lineWidth = 1;
      for (var step = 1; step < 10; step += 1) {
        context.beginPath();
        context.moveTo(width * step / 10, 0);
        context.lineTo(width * step / 10, height);
        context.moveTo(0, height * step / 10);
        context.lineTo(width, height * step / 10);
        context.stroke();
      }
    }

    function trace(context, corners, width, height) {
      context.beginPath();
      corners.forEach(function (corner, index) {
        var x = corner[0] * width;
        var y = corner[1] * height;
        if (index === 0) { context.moveTo(x, y); } else { context.lineTo(x, y); }
      });
    }

    function paint() {
      var context = canvas.getContext("2d");
      var width = canvas.width;
      var height = canvas.height;
      context.clearRect(0, 0, width, height);
      if (!thumbnail || !thumbnail.complete || !thumbnail.naturalWidth) { grid(context, width, height); }
      context.lineWidth = 2 * (window.devicePixelRatio || 1);
      ["motion", "privacy"].forEach(function (name) {
        zones[name].forEach(function (corners) {
          trace(context, corners, width, height);
          context.closePath();
          context.fillStyle = FILL[name];
          context.fill();
          context.strokeStyle = STROKE[name];
          context.stroke();
        });
      });
      var pending = dragFrom && dragTo ? rectangle(dragFrom, dragTo) : draft;
      if (pending.length) {
        context.strokeStyle = DRAFT;
        trace(context, pending, width, height);
        if (dragFrom) { context.closePath(); }
        context.stroke();
        pending.forEach(function (corner) {
          context.fillStyle = DRAFT;
          context.fillRect(corner[0] * width - 4, corner[1] * height - 4, 8, 8);
        });
      }
      canvas.setAttribute("aria-label", fill(text.textFrame, {
        privacy: zones.privacy.length, motion: zones.motion.length
      }));
    }

    function rectangle(from, to) {
      return [[from[0], from[1]], [to[0], from[1]], [to[0], to[1]], [from[0], to[1]]];
    }

    function render() {
      list.textContent = "";
      var current = zones[kind()];
      if (!current.length) {
        var none = document.createElement("li");
        none.textContent = text.textNoZones;
        list.appendChild(none);
      }
      current.forEach(function (corners, index) {
        var item = document.createElement("li");
        var percent = corners.map(function (c) {
          return Math.round(c[0] * 100) + " " + Math.round(c[1] * 100);
        }).join(", ");
        item.textContent = fill(text.textZone, { n: index + 1 }) + " (" +
          fill(text.textCorners, { n: corners.length }) + "): " + percent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button secondary";
        remove.textContent = text.textRemove;
        remove.setAttribute("aria-label", text.textRemove + " " + fill(text.textZone, { n: index + 1 }));
        remove.addEventListener("click", function () {
          snapshot();
          current.splice(index, 1);
          changed(fill(text.textRemoved, { n: index + 1 }));
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
      paint();
    }

    // Pointer: a rectangle by dragging, or a polygon's corners by tapping. -----------

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (shape() === "rectangle") {
        dragFrom = dragTo = framePoint(event);
        canvas.setPointerCapture(event.pointerId);
      } else if (draft.length < limits.max) {
        if (!draft.length) { draftStart = history.length; }
        snapshot();
        draft.push(framePoint(event));
        announce(fill(text.textPoint, { n: draft.length }));
        paint();
      }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!dragFrom) { return; }
      dragTo = framePoint(event);
      paint();
    });
    function endDrag() {
      if (!dragFrom) { return; }
      var from = dragFrom;
      var to = dragTo;
      dragFrom = dragTo = null;
      if (Math.abs(to[0] - from[0]) > 0.005 && Math.abs(to[1] - from[1]) > 0.005) {
        addZone(rectangle(from, to));
      } else {
        paint();
      }
    }
    canvas.addEventListener("pointerup", endDrag);
    canvas.addEventListener("pointercancel", function () { dragFrom = dragTo = null; paint(); });

    document.getElementById("zone-finish").addEventListener("click", function () {
      if (draft.length < limits.min) { return; }
      var refused = refusal(draft);
      if (refused) {
        showRefusal(refused);  // the corners stay drawn: Undo takes back the last one
        return;
      }
      var corners = draft;
      history.length = draftStart;  // the corners become one zone: Undo removes it whole
      draft = [];
      addZone(corners);
    });

    document.getElementById("zone-undo").addEventListener("click", function () {
      var previous = history.pop();
      if (!previous) { return; }
      var state = JSON.parse(previous);
      zones = state.zones;
      draft = state.draft;
      changed(text.textUndone);
    });

    document.getElementById("zone-clear").addEventListener("click", function () {
      snapshot();
      zones[kind()] = [];
      draft = [];
      changed(text.textCleared);
    });

    // Typed corners: "10 10, 40 10, 40 30" in percent of the frame. ------------------

    function parseCorners(value) {
      var pairs = value.split(",").map(function (pair) { return pair.trim(); }).filter(Boolean);
      var corners = pairs.map(function (pair) {
        var numbers = pair.split(/\s+/).map(Number);
        return numbers.length === 2 ? numbers : null;
      });
      var valid = corners.length >= limits.min && corners.length <= limits.max &&
        corners.every(function (c) {
          return c && c.every(function (n) { return isFinite(n) && n >= 0 && n <= 100; });
        });
      return valid ? corners.map(function (c) { return [round(c[0] / 100), round(c[1] / 100)]; }) : null;
    }

    function addTyped() {
      var corners = parseCorners(typed.value);
      if (!corners) {
        typed.setAttribute("aria-invalid", "true");
        typedError.textContent = fill(text.textBadCorners, { min: limits.min, max: limits.max });
        typedError.hidden = false;
        announce(typedError.textContent);
        return;
      }
      typed.removeAttribute("aria-invalid");
      typedError.hidden = true;
      if (addZone(corners)) { typed.value = ""; }
    }
    document.getElementById("zone-add").addEventListener("click", addTyped);
    typed.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); addTyped(); }
    });

    editor.querySelectorAll("input[name=zone-kind]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (draft.length) { history.length = draftStart; }
        draft = [];
        showRefusal("");
        render();
      });
    });
    if (thumbnail) {
      thumbnail.addEventListener("load", paint);
      thumbnail.addEventListener("error", function () { thumbnail.hidden = true; paint(); });
    }
    window.addEventListener("resize", resize);
    guardUnsaved();
    resize();
    render();

    // Zones drawn but not saved would be lost without a word, and the clips then stored
    // unmasked: leaving the page asks first (the browser's own question) until they are.
    function guardUnsaved() {
      var saved = JSON.stringify(zones);
      var leaving = false;
      inputs.privacy.form.addEventListener("submit", function () { leaving = true; });
      window.addEventListener("beforeunload", function (event) {
        var unsaved = draft.length || JSON.stringify(zones) !== saved;
        if (unsaved && !leaving) { event.preventDefault(); }
      });
    }
  }

  var editor = document.getElementById("zone-editor");
  if (editor) { setUp(editor); }
})();
