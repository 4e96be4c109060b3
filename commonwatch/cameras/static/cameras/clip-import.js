// The import form: a folder is sent in parts that each fit the server's limits
// (data-max-bytes, data-max-files), with a progress bar while they go; the first part
// starts the import, the last one lets it finish, then the import's page shows how
// each file fared. A zip too large for one request is unpacked here as it is read
// (fflate) and its files go in parts the same way. A smaller zip, or a browser without
// this script, goes as the form sends it (the server opens the zip).
(function () {
  "use strict";
  var form = document.getElementById("clip-import-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var folder = form.querySelector("input[name=folder]");
  var archive = form.querySelector("input[name=archive]");
  var sending = document.getElementById("import-sending");
  var bar = sending.querySelector("progress");
  var said = sending.querySelector("[role=status]");
  var text = form.dataset;  // the page's sentences, translated (data-text-*)
  var MARGIN = 1048576; // room for the multipart framing of each part
  var BUSY_TRIES = 12;  // a part refused as busy (503) is sent again up to this many times
  var maxBytes = Number(form.dataset.maxBytes) - MARGIN;
  var maxFiles = Number(form.dataset.maxFiles);
  // Larger than this no file is sent: it could not go in one part, or be a clip. Such
  // files are still reported ([name, size, why]), so the import says why each is missing.
  var maxFileBytes = Math.min(maxBytes, Number(form.dataset.maxVideoBytes) || maxBytes);

  // Parts in the folder's order; a file too large to send is left out and reported.
  function split(files) {
    var parts = [], part = [], bytes = 0, left = [];
    files.forEach(function (file) {
      if (file.size > maxFileBytes) { left.push([file.name, file.size, "size"]); return; }
      if (part.length && (bytes + file.size > maxBytes || part.length >= maxFiles)) {
        parts.push(part); part = []; bytes = 0;
      }
      part.push(file); bytes += file.size;
    });
    if (part.length) { parts.push(part); }
    return { parts: parts, left: left };
  }

  function say(sentence) { said.textContent = sentence; }

  // Sends one part; done(answer) once it is taken. A part refused as busy (503: the
  // server ran nothing of it) goes again after its Retry-After, up to BUSY_TRIES times,
  // the status saying so while it waits; then failed("busy"), and the caller says what
  // became of the import. Any other refusal is said here, then failed(). A quiet post
  // (closing an import after a failure) says nothing: the failure stays on the page.
  function post(url, fields, files, progress, done, failed, quiet) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Object.keys(fields).forEach(function (key) { data.append(key, fields[key]); });
    files.forEach(function (file) { data.append("folder", file, file.name); });
    var busyTries = 0, saidBefore = "";
    function tell(sentence) { if (!quiet) { say(sentence); } }
    function send() {
      if (busyTries) { tell(saidBefore); }  // no longer waiting: sending again
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) { progress(event.loaded); });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 200) { done(answer); return; }
        // Busy (503): nothing of this part was kept; it goes again when the server says.
        if (xhr.status === 503) {
          if (busyTries === BUSY_TRIES) { failed("busy"); return; }
          if (!busyTries) { saidBefore = said.textContent; }
          busyTries += 1;
          // Seconds (an HTTP date, or none, counts as 5), within reason.
          var wait = Math.min(Math.max(Number(xhr.getResponseHeader("Retry-After")) || 5, 1), 60);
          tell(text.textBusy.replace("%(seconds)s", String(wait)));
          window.setTimeout(send, wait * 1000);
          return;
        }
        tell(answer.detail || xhr.responseText || ("The server answered " + xhr.status + "."));
        failed();
      });
      xhr.addEventListener("error", function () {
        tell("The connection was lost: nothing more was sent.");
        failed();
      });
      xhr.send(data);
    }
    send();
  }

  function sendParts(parts, count, left) {
    var total = parts.reduce(function (sum, part) {
      return sum + part.reduce(function (s, f) { return s + f.size; }, 0);
    }, 0) || 1;
    var sentBefore = 0;
    function sendPart(i, filesUrl, pageUrl) {
      if (i === parts.length) { window.location.assign(pageUrl); return; }
      say("Sending part " + (i + 1) + " of " + parts.length + "…");
      var first = i === 0;
      var fields = first ? { camera: form.elements.camera.value, count: String(count), more: "1" } : {};
      if (first && left.length) { fields.left_out = JSON.stringify(left); }
      if (!first && i === parts.length - 1) { fields.last = "1"; }
      if (first && parts.length === 1) { delete fields.more; }
      var progress = function (loaded) { bar.value = (sentBefore + loaded) / total; };
      post(first ? form.action : filesUrl, fields, parts[i], progress, function (answer) {
        sentBefore += parts[i].reduce(function (s, f) { return s + f.size; }, 0);
        sendPart(i + 1, answer.files_url, answer.url);
      }, function (why) {
        if (why === "busy") { say(first ? text.textBusyNothingSent : text.textBusyRestNotSent); }
        // The parts already sent are imported: close the import so it can finish.
        if (!first) { closeImport(filesUrl); return; }
        // Nothing was recorded: the owner may send it all again.
        form.querySelector("button[type=submit]").disabled = false;
      });
    }
    sendPart(0, null, null);
  }

  function nothing() {}

  function closeImport(filesUrl) { post(filesUrl, { last: "1" }, [], nothing, nothing, nothing, true); }

  // The next part of the unpacked files: as many as one request may carry (at least one).
  function takePart(ready) {
    var part = [], bytes = 0;
    while (ready.length && part.length < maxFiles && (!part.length || bytes + ready[0].size <= maxBytes)) {
      bytes += ready[0].size;
      part.push(ready.shift());
    }
    return part;
  }

  // Unpacks the zip member by member as it is read, so no more than about one part is
  // held at a time, and sends each part as soon as it is full. A member that cannot be
  // unpacked here (encrypted, an unknown compression) or that is too large to send is
  // left out, as a folder's file too large to send is.
  function sendZip(zip) {
    var unzip = new window.fflate.Unzip();
    unzip.register(window.fflate.UnzipInflate);
    var ready = [], readyBytes = 0, sent = 0, filesUrl = null, pageUrl = null, left = [];
    unzip.onfile = function (member) {
      if (/\/$/.test(member.name)) { return; }  // a folder inside the zip
      var name = member.name.split("/").pop();
      var chunks = [], size = 0;
      function leaveOut(why) {
        chunks = null;
        left.push([name, Math.max(size, member.originalSize || 0), why]);
      }
      if (member.originalSize > maxFileBytes) { leaveOut("size"); return; }  // not unpacked
      member.ondata = function (error, data, final) {
        if (chunks === null) { return; }
        if (error) { leaveOut("unpack"); return; }
        size += data.length;
        if (size > maxFileBytes) { leaveOut("size"); return; }
        chunks.push(data);
        if (final) {
          ready.push(new File(chunks, name));
          readyBytes += size;
        }
      };
      try { member.start(); } catch (error) { leaveOut("unpack"); }
    };

    function sendPart(last) {
      var part = takePart(ready);
      readyBytes -= part.reduce(function (sum, file) { return sum + file.size; }, 0);
      var fields = last ? { last: "1" } : {};
      if (!filesUrl) { fields = { camera: form.elements.camera.value, zip: zip.name }; if (!last) { fields.more = "1"; } }
      if (left.length) { fields.left_out = JSON.stringify(left.splice(0)); }
      return new Promise(function (resolve, reject) {
        post(filesUrl || form.action, fields, part, nothing, function (answer) {
          filesUrl = answer.files_url;
          pageUrl = answer.url;
          sent += part.length;
          say(sent + (sent === 1 ? " file sent…" : " files sent…"));
          resolve();
        }, reject);
      });
    }

    function sendFullParts() {
      if (readyBytes < maxBytes && ready.length < maxFiles) { return Promise.resolve(); }
      return sendPart(false).then(sendFullParts);
    }

    function sendTheRest() {
      if (!filesUrl && !ready.length) { throw new Error("The zip holds no file that could be sent."); }
      var last = takePart(ready.slice()).length === ready.length;
      return sendPart(last).then(function () { return last ? null : sendTheRest(); });
    }

    var reader = zip.stream().getReader();
    var read = 0;
    function pump() {
      return reader.read().then(function (step) {
        if (step.done) {
          unzip.push(new Uint8Array(0), true);
          return sendTheRest();
        }
        read += step.value.length;
        bar.value = read / (zip.size || 1);
        unzip.push(step.value);
        return sendFullParts().then(pump);
      });
    }
    say("Unpacking the zip…");
    pump().then(function () { window.location.assign(pageUrl); }, function (error) {
      if (error === "busy") { say(filesUrl ? text.textBusyRestNotSent : text.textBusyNothingSent); }
      if (error && error.message) { say("This zip could not be read: " + error.message); }
      if (filesUrl) { closeImport(filesUrl); return; }  // what was sent is imported
      form.querySelector("button[type=submit]").disabled = false;  // nothing was: try again
    });
  }

  function unpacksHere(zip) {
    return zip && zip.size > Number(form.dataset.maxBytes) && window.fflate && window.ReadableStream
      && typeof zip.stream === "function";
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(folder.files || []);
    var zip = archive.files && archive.files[0];
    if (!files.length && unpacksHere(zip)) {
      event.preventDefault();
      sending.hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      sendZip(zip);
      return;
    }
    if (!files.length || (archive.files && archive.files.length)) { return; }
    event.preventDefault();
    var chosen = split(files);
    sending.hidden = false;
    if (!chosen.parts.length) { say("Every file is too large to send."); return; }
    form.querySelector("button[type=submit]").disabled = true;
    sendParts(chosen.parts, files.length, chosen.left);
  });
})();
