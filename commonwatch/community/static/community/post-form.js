// The new-post form: a preview of each chosen photo beside its description, a size
// check before anything is uploaded (the server's limits, from the input's data-*),
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
  var urls = [];

  function megabytes(bytes) { return Math.round(bytes / 1048576); }

  function tooLarge(file) {
    var video = file.type.indexOf("video/") === 0;
    var limit = Number(input.dataset[video ? "maxVideoBytes" : "maxPhotoBytes"]);
    if (!limit || file.size <= limit) { return ""; }
    return "“" + file.name + "” is " + megabytes(file.size) + " MB: " +
      (video ? "videos" : "photos") + " may be at most " + megabytes(limit) +
      " MB. Choose a smaller file.";
  }

  function isHeic(file) {
    return /image\/hei[cf]/.test(file.type) || /\.hei[cf]$/i.test(file.name);
  }

  function showPreview(slot, file) {
    var box = slot.querySelector(".photo-preview");
    box.textContent = "";
    if (file.type.indexOf("video/") === 0) {
      box.textContent = "Video: " + file.name;
      return;
    }
    var url = URL.createObjectURL(file);
    urls.push(url);
    var img = document.createElement("img");
    img.alt = "Preview of " + file.name;
    img.addEventListener("error", function () {
      // Most browsers cannot draw HEIC; the server converts it, so it is still sent.
      box.textContent = (isHeic(file) ? "This browser cannot preview HEIC photos; " :
        "No preview for this file; ") + "“" + file.name + "” will still be sent.";
    });
    img.src = url;
    box.appendChild(img);
  }

  function refresh() {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    var files = Array.prototype.slice.call(input.files || []);
    var refusals = files.map(tooLarge).filter(Boolean);
    input.setCustomValidity(refusals.join(" "));
    problem.textContent = refusals.join(" ");
    problem.hidden = refusals.length === 0;
    slots.forEach(function (slot, index) {
      var file = files[index];
      slot.hidden = !file;
      slot.querySelector(".photo-preview").textContent = "";
      if (file) { showPreview(slot, file); }
    });
    form.classList.toggle("has-media", files.length > 0);
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
