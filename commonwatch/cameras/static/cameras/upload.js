// Resumable clip uploads from the browser (tus 1.0, tus-js-client): one file after the
// other, each with its own progress bar and status. A file chosen again for the same
// camera resumes the upload it left unfinished (tus-js-client remembers it by file).
(function () {
  "use strict";
  const form = document.getElementById("clip-upload");
  if (!form || !window.tus) return;
  const list = document.getElementById("upload-list");
  const check = document.getElementById("upload-check");
  const endpoint = form.dataset.endpoint;
  const chunkSize = Number(form.dataset.chunkBytes);
  const maxBytes = Number(form.dataset.maxBytes);
  const csrf = form.elements.csrfmiddlewaretoken.value;

  function size(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function row(file) {
    const item = document.createElement("li");
    const name = document.createElement("div");
    name.className = "upload-name";
    name.textContent = file.name + " (" + size(file.size) + ")";
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const status = document.createElement("div");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    status.textContent = "Waiting";
    item.append(name, bar, status);
    list.append(item);
    return { item, bar, status };
  }

  function reason(error) {
    const response = error.originalResponse;
    if (response) {
      try {
        return JSON.parse(response.getBody()).detail || error.message;
      } catch (ignored) {
        return "The server answered " + response.getStatus() + ".";
      }
    }
    return "The connection was lost. Choose the same file again to go on where it stopped.";
  }

  function send(file, camera, shown) {
    return new Promise(function (done) {
      const upload = new window.tus.Upload(file, {
        endpoint: endpoint,
        chunkSize: chunkSize,
        retryDelays: [0, 1000, 3000, 5000],
        // tus-js-client's own rule, and 408: the server dropped bytes that stopped coming.
        onShouldRetry: function (error) {
          const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          const later = status < 400 || status >= 500 || [408, 409, 423].includes(status);
          return later && navigator.onLine !== false;
        },
        removeFingerprintOnSuccess: true,
        headers: { "X-CSRFToken": csrf },
        metadata: { camera: camera, filename: file.name, filetype: file.type },
        onProgress: function (sent, total) {
          const percent = Math.floor((sent / total) * 100);
          shown.bar.value = percent;
          shown.status.textContent = "Sending: " + percent + "%";
        },
        onSuccess: function (payload) {
          shown.bar.value = 100;
          shown.item.classList.add("is-done");
          // The server keeps one clip per video: the same bytes again add nothing.
          const kept = payload.lastResponse.getHeader("Commonwatch-Clip") === "already-kept";
          shown.status.textContent = kept
            ? "Nothing added: this video is already among your clips; "
            : "Uploaded. The clip is being processed: ";
          const library = document.createElement("a");
          library.href = form.dataset.libraryUrl;
          library.textContent = "see it in your clips";
          shown.status.append(library, ".");
          done();
        },
        onError: function (error) {
          shown.item.classList.add("is-failed");
          shown.status.textContent = "Not uploaded: " + reason(error);
          done();
        },
      });
      upload.findPreviousUploads().then(function (previous) {
        const same = previous.find(function (p) {
          return p.metadata && p.metadata.camera === camera;
        });
        if (same) upload.resumeFromPreviousUpload(same);
        shown.status.textContent = same ? "Resuming" : "Starting";
        upload.start();
      });
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const files = Array.from(form.elements.files.files);
    const camera = form.elements.camera.value;
    check.hidden = files.length > 0;
    check.textContent = files.length ? "" : "Choose at least one video file.";
    if (!files.length) return;
    const queue = [];
    for (const file of files) {
      const shown = row(file);
      if (file.size > maxBytes) {
        shown.item.classList.add("is-failed");
        shown.status.textContent = "Not uploaded: larger than " + size(maxBytes) + ".";
      } else {
        queue.push([file, shown]);
      }
    }
    form.elements.files.value = "";
    for (const [file, shown] of queue) {
      await send(file, camera, shown);
    }
  });
})();
