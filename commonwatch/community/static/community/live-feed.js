// Live feed: new posts inside your alert circle appear at the top without reloading.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var feed = document.getElementById("feed");
  if (!status || !feed || !("WebSocket" in window)) { return; }
  var fresh = 0;
  var retryMs = 1000;

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
      if (feed.querySelector('[data-post-id="' + message.post.id + '"]')) { return; }
      var empty = feed.querySelector(".empty");
      if (empty) { empty.remove(); }
      feed.insertBefore(card(message.post), feed.firstChild);
      fresh += 1;
      status.textContent = fresh === 1 ? status.dataset.freshOne
        : status.dataset.freshMany.replace("%(count)s", String(fresh));
    } else if (message.type === "removed") {
      var gone = feed.querySelector('[data-post-id="' + message.post_id + '"]');
      if (gone) { gone.remove(); }
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + status.dataset.wsPath);
    socket.addEventListener("open", function () { retryMs = 1000; status.dataset.connected = "true"; });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      status.dataset.connected = "false";
      if (event.code === 4403) { return; }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }
  connect();
})();
