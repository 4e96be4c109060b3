// The new-post form: a preview of each chosen photo beside its description, a size and
// count check before anything is uploaded (the server's limits, from the input's data-*),
// and the author's time zone so "when did it happen" is read as their clock.
(function () {
  "use strict";
  var form = document.getElementById("post-form");
  if (!form) { return; }
  var input = form.querySelector("input[type=file][name=media]");
  var problem = document.getElementById("media-check");
  var slots = Array.prototype.slice.call(form.querySelectorAll(".photo-description"));
  var when = form.querySelector("input[name=occurred_at]");
  var offset = form.querySelector("input[name=utc_offset]");
  var PREVIEW_EDGE = 256;

  // A file's size rounded up and the limit rounded down, so the one is never shown
  // equal to the other.
  function size(bytes, round) {
    if (bytes < 1048576) { return round(bytes / 1024) + " KB"; }
    return (round(bytes / 104857.6) / 10) + " MB";
  }

  function tooLarge(file) {
    var video = file.type.indexOf("video/") === 0;
    var limit = Number(input.dataset[video ? "maxVideoBytes" : "maxPhotoBytes"]);
    if (!limit || file.size <= limit) { return ""; }
    return "“" + file.name + "” is " + size(file.size, Math.ceil) + ": " +
      (video ? "videos" : "photos") + " may be at most " + size(limit, Math.floor) +
      ". Choose a smaller file.";
  }

  function isHeic(file) {
    return /image\/hei[cf]/.test(file.type) || /\.hei[cf]$/i.test(file.name);
  }

  // Drawn on a canvas from the decoded file: no blob: address, which the page's
  // Content-Security-Policy does not allow for images, and a small picture to hold.
  function showPreview(slot, file) {
    var box = slot.querySelector(".photo-preview");
    box.textContent = "";
    if (file.type.indexOf("video/") === 0) {
      box.textContent = "Video: " + file.name;
      return;
    }
    createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PREVIEW_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Preview of " + file.name);
      box.textContent = "";
      box.appendChild(canvas);
    }).catch(function () {
      // Most browsers cannot decode HEIC; the server converts it, so it is still sent.
      box.textContent = (isHeic(file) ? "This browser cannot preview HEIC photos; " :
        "No preview for this file; ") + "“" + file.name + "” will still be sent.";
    });
  }

  function refresh() {
    var files = Array.prototype.slice.call(input.files || []);
    var refusals = files.map(tooLarge).filter(Boolean);
    // One description slot per file the server takes: more are refused before sending.
    if (files.length > slots.length) {
      refusals.unshift("You chose " + files.length + " files: a post takes at most " +
        slots.length + " photos or videos.");
    }
    input.setCustomValidity(refusals.join(" "));
    problem.textContent = refusals.join(" ");
    problem.hidden = refusals.length === 0;
    // A description the server sent back with a reason stays in view, with its text,
    // while the author chooses the files again (a browser never keeps them).
    var refused = false;
    slots.forEach(function (slot, index) {
      var file = files[index];
      var reason = slot.querySelector(".errorlist") !== null;
      refused = refused || reason;
      slot.hidden = !file && !reason;
      slot.querySelector(".photo-preview").textContent = "";
      if (file) { showPreview(slot, file); }
    });
    form.classList.toggle("has-media", files.length > 0 || refused);
  }

  function rememberZone() {
    var moment = when && when.value ? new Date(when.value) : new Date();
    offset.value = String(-moment.getTimezoneOffset());
  }

  form.classList.add("previews");
  input.addEventListener("change", refresh);
  if (when && offset) {
    when.max = new Date(Date.now() - new Date().getTimezoneOffset() * 60000)
      .toISOString().slice(0, 16);
    when.addEventListener("change", rememberZone);
    rememberZone();
  }
  form.addEventListener("submit", function (event) {
    if (!input.checkValidity()) {
      event.preventDefault();
      problem.hidden = false;
      problem.focus();
    }
  });
  refresh();
}());
