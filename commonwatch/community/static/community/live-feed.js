// Live feed: new posts inside your alert circle appear at the top without reloading.
// After a dropped connection it reconnects and first gets what it missed meanwhile.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var feed = document.getElementById("feed");
  if (!status || !feed || !("WebSocket" in window)) { return; }
  var fresh = 0;
  var retryMs = 1000;
  var STOP = { 4401: true, 4403: true };  // signed out, or no longer a reader: no retry
  // Where the page is: when it was rendered, then the last live post it showed.
  var lastCursor = status.dataset.since || "";

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    el.textContent = value;
    return el;
  }

  function card(post) {
    var article = document.createElement("article");
    article.className = "post-card live-new";
    article.dataset.postId = post.id;
    if (post.cursor) { article.dataset.cursor = post.cursor; }
    var header = document.createElement("header");
    header.appendChild(text("span", "badge category-" + post.category, post.category_label));
    var title = document.createElement("h3");
    var link = text("a", "", post.title);
    link.href = "/feed/posts/" + post.id + "/";
    title.appendChild(link);
    header.appendChild(title);
    article.appendChild(header);
    article.appendChild(text("p", "post-body", post.body.length > 280 ? post.body.slice(0, 280) + "…" : post.body));
    article.appendChild(text("p", "meta", post.author + " · " + status.dataset.newLabel));
    return article;
  }

  function onMessage(event) {
    var message = JSON.parse(event.data);
    if (message.type === "post") {
      if (message.post.cursor) { lastCursor = message.post.cursor; }
      if (feed.querySelector('[data-post-id="' + message.post.id + '"]')) { return; }
      var empty = feed.querySelector(".empty");
      if (empty) { empty.remove(); }
      feed.insertBefore(card(message.post), feed.firstChild);
      fresh += 1;
      status.textContent = fresh === 1 ? status.dataset.freshOne
        : status.dataset.freshMany.replace("%(count)s", String(fresh));
    } else if (message.type === "gap") {
      // Away too long to catch up post by post: offer the whole feed again.
      status.textContent = status.dataset.gap + " ";
      var reload = text("a", "", status.dataset.reload);
      reload.href = window.location.pathname + window.location.search;
      status.appendChild(reload);
    } else if (message.type === "removed") {
      var gone = feed.querySelector('[data-post-id="' + message.post_id + '"]');
      if (gone) { gone.remove(); }
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var query = lastCursor ? "?after=" + encodeURIComponent(lastCursor) : "";
    var socket = new WebSocket(scheme + window.location.host + status.dataset.wsPath + query);
    socket.addEventListener("open", function () { retryMs = 1000; status.dataset.connected = "true"; });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      status.dataset.connected = "false";
      if (STOP[event.code]) { return; }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }
  connect();
})();
