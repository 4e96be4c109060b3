// The import form: a folder is sent in parts that each fit the server's limits
// (data-max-bytes, data-max-files), with a progress bar while they go; the first part
// starts the import, the last one lets it finish, then the import's page shows how
// each file fared. A zip, or a browser without this script, goes as the form sends it.
(function () {
  "use strict";
  var form = document.getElementById("clip-import-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var folder = form.querySelector("input[name=folder]");
  var archive = form.querySelector("input[name=archive]");
  var sending = document.getElementById("import-sending");
  var bar = sending.querySelector("progress");
  var said = sending.querySelector("[role=status]");
  var MARGIN = 1048576; // room for the multipart framing of each part
  var maxBytes = Number(form.dataset.maxBytes) - MARGIN;
  var maxFiles = Number(form.dataset.maxFiles);

  // Parts in the folder's order; a file too large to send at all is left out (the
  // server would skip it: no clip is that large).
  function split(files) {
    var parts = [], part = [], bytes = 0, left = [];
    files.forEach(function (file) {
      if (file.size > maxBytes) { left.push(file.name); return; }
      if (part.length && (bytes + file.size > maxBytes || part.length >= maxFiles)) {
        parts.push(part); part = []; bytes = 0;
      }
      part.push(file); bytes += file.size;
    });
    if (part.length) { parts.push(part); }
    return { parts: parts, left: left };
  }

  function say(text) { said.textContent = text; }

  function post(url, fields, files, sentBefore, total, done, failed) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Object.keys(fields).forEach(function (key) { data.append(key, fields[key]); });
    files.forEach(function (file) { data.append("folder", file, file.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      bar.value = (sentBefore + event.loaded) / total;
    });
    xhr.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (xhr.status === 200) { done(answer); return; }
      say(answer.detail || xhr.responseText || ("The server answered " + xhr.status + "."));
      failed();
    });
    xhr.addEventListener("error", function () {
      say("The connection was lost: nothing more was sent.");
      failed();
    });
    xhr.send(data);
  }

  function sendParts(parts, count) {
    var total = parts.reduce(function (sum, part) {
      return sum + part.reduce(function (s, f) { return s + f.size; }, 0);
    }, 0) || 1;
    var sentBefore = 0;
    function sendPart(i, filesUrl, pageUrl) {
      if (i === parts.length) { window.location.assign(pageUrl); return; }
      say("Sending part " + (i + 1) + " of " + parts.length + "…");
      var first = i === 0;
      var fields = first ? { camera: form.elements.camera.value, count: String(count), more: "1" } : {};
      if (!first && i === parts.length - 1) { fields.last = "1"; }
      if (first && parts.length === 1) { delete fields.more; }
      post(first ? form.action : filesUrl, fields, parts[i], sentBefore, total, function (answer) {
        sentBefore += parts[i].reduce(function (s, f) { return s + f.size; }, 0);
        sendPart(i + 1, answer.files_url, answer.url);
      }, function () {
        // The parts already sent are imported: close the import so it can finish.
        if (!first) { post(filesUrl, { last: "1" }, [], 0, 1, function () {}, function () {}); }
      });
    }
    sendPart(0, null, null);
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(folder.files || []);
    if (!files.length || (archive.files && archive.files.length)) { return; }
    event.preventDefault();
    var chosen = split(files);
    sending.hidden = false;
    if (!chosen.parts.length) { say("Every file is too large to send."); return; }
    form.querySelector("button[type=submit]").disabled = true;
    sendParts(chosen.parts, files.length - chosen.left.length);
  });
})();
