// Post page: the photo carousel with its lightbox, and the share link (its map of the
// approximate area is community/area-map.js). Everything works without it: photos are
// links, the address is in a box to copy.
(function () {
  "use strict";

  function carousel() {
    var box = document.getElementById("post-carousel");
    var dialog = document.getElementById("lightbox");
    if (!box) { return; }
    var track = box.querySelector(".carousel-track");
    var slides = Array.prototype.slice.call(box.querySelectorAll(".carousel-slide"));
    var current = 0;

    function button(label, className, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button secondary " + className;
      b.setAttribute("aria-label", label);
      b.textContent = className === "carousel-previous" ? "\u2039" : "\u203a";
      b.addEventListener("click", onClick);
      return b;
    }

    function show(index, focus) {
      current = (index + slides.length) % slides.length;
      slides.forEach(function (slide, i) { slide.hidden = i !== current; });
      counter.textContent = box.dataset.position
        .replace("%(n)s", String(current + 1)).replace("%(total)s", String(slides.length));
      if (focus) { (slides[current].querySelector("a, video") || slides[current]).focus(); }
    }

    var counter = document.createElement("p");
    counter.className = "carousel-counter";
    counter.setAttribute("aria-live", "polite");
    if (slides.length > 1) {
      var controls = document.createElement("div");
      controls.className = "carousel-controls";
      controls.appendChild(button(box.dataset.previous, "carousel-previous", function () { show(current - 1); }));
      controls.appendChild(counter);
      controls.appendChild(button(box.dataset.next, "carousel-next", function () { show(current + 1); }));
      box.appendChild(controls);
      box.addEventListener("keydown", function (event) {
        if (event.target.tagName === "VIDEO") { return; }
        if (event.key === "ArrowLeft") { show(current - 1, true); event.preventDefault(); }
        if (event.key === "ArrowRight") { show(current + 1, true); event.preventDefault(); }
      });
    }
    box.classList.add("is-enhanced");
    show(0);

    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var photos = Array.prototype.slice.call(track.querySelectorAll(".lightbox-open"));
    var image = document.getElementById("lightbox-image");
    var caption = document.getElementById("lightbox-caption");
    var at = 0;
    var opener = null;

    function view(index) {
      at = (index + photos.length) % photos.length;
      var img = photos[at].querySelector("img");
      image.src = photos[at].href;
      image.alt = img.alt;
      caption.textContent = img.alt + " (" + box.dataset.position
        .replace("%(n)s", String(at + 1)).replace("%(total)s", String(photos.length)) + ")";
    }

    var previous = document.getElementById("lightbox-previous");
    var next = document.getElementById("lightbox-next");
    previous.hidden = next.hidden = photos.length < 2;
    previous.addEventListener("click", function () { view(at - 1); });
    next.addEventListener("click", function () { view(at + 1); });
    document.getElementById("lightbox-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { view(at - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { view(at + 1); event.preventDefault(); }
    });
    // Escape closes a modal <dialog> by itself; focus goes back to the photo opened.
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener) { opener.focus(); }
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
    photos.forEach(function (link, index) {
      link.setAttribute("aria-haspopup", "dialog");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        opener = link;
        view(index);
        dialog.showModal();
        document.getElementById("lightbox-close").focus();
      });
    });
  }

  // The Web Share sheet where the device has one, else the link copied to the clipboard.
  function share() {
    var shareButton = document.getElementById("share-post");
    if (!shareButton) { return; }
    var status = document.getElementById("share-status");
    var field = document.getElementById("share-url");
    shareButton.addEventListener("click", function () {
      var url = shareButton.dataset.url;
      if (navigator.share) {
        navigator.share({ title: shareButton.dataset.title, url: url }).catch(function () {});
        return;
      }
      var copied = navigator.clipboard && navigator.clipboard.writeText
        ? navigator.clipboard.writeText(url) : Promise.reject(new Error("no clipboard"));
      copied.then(function () { status.textContent = shareButton.dataset.copied; },
        function () {
          field.select();
          status.textContent = shareButton.dataset.failed;
        });
    });
  }

  // Live: the author marking it resolved ("Found") or open again shows at once, and is
  // said aloud (the socket: web/live-socket.js; the badge: community/live-resolved.js).
  function live() {
    var status = document.getElementById("post-live");
    var article = document.getElementById("post-full");
    if (!status || !article || !window.commonwatch || !window.commonwatch.liveSocket) { return; }
    window.commonwatch.liveSocket({
      path: status.dataset.wsPath,
      shownIn: article,
      onMessage: function (message) {
        if (message.type !== "resolved" || String(message.post_id) !== article.dataset.postId) { return; }
        // Each (re)connection also says how the post stands: announce changes only.
        if (article.classList.contains("is-resolved") === message.resolved) { return; }
        window.commonwatch.showResolved(article, message);
        status.textContent = message.resolved
          ? status.dataset.resolvedNow.replace("%(label)s", message.resolved_label)
          : status.dataset.openNow;
      },
      onState: function (connected) { status.dataset.connected = String(connected); }
    });
  }

  carousel();
  share();
  live();
})();
