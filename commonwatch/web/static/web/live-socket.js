// The live socket every page with live updates shares (feed, map, a post's page):
// connects to the feed's socket, hands each message to the page, and after a dropped
// connection comes back with growing pauses (1 s up to 30 s), asking for what was
// published since the page's last cursor and how the posts it shows stand now (resolved,
// open or removed meanwhile). A close that means "you may not read this" (signed out
// 4401, not a reader 4403) ends the retries.
//
//   window.commonwatch.liveSocket({
//     path: "/ws/feed/",               // from the page's data-ws-path
//     cursor: function () { ... },     // where to catch up from ("" for nothing)
//     shownIn: element,                // holds the page's posts, as data-post-id (optional)
//     onMessage: function (message) {},
//     onState: function (connected) {} // optional
//   });
(function () {
  "use strict";
  var STOP = { 4401: true, 4403: true };
  var FIRST_RETRY_MS = 1000;
  var LAST_RETRY_MS = 30000;
  var SHOWN_LIMIT = 100;  // as the server reads them (community.selectors.SHOWN_LIMIT)

  function postIds(root) {
    var found = root.dataset.postId ? [root] : [];
    found = found.concat(Array.prototype.slice.call(root.querySelectorAll("[data-post-id]")));
    return found.map(function (element) { return element.dataset.postId; })
      .filter(function (id) { return /^\d+$/.test(id); });
  }

  function liveSocket(options) {
    if (!("WebSocket" in window) || !options.path) { return; }
    var retryMs = FIRST_RETRY_MS;
    var state = options.onState || function () {};

    function query() {
      var params = [];
      var cursor = options.cursor ? options.cursor() : "";
      if (cursor) { params.push("after=" + encodeURIComponent(cursor)); }
      // On the first connection too: the page may have been rendered a while before.
      var shown = options.shownIn ? postIds(options.shownIn).slice(0, SHOWN_LIMIT) : [];
      if (shown.length) { params.push("shown=" + shown.join(",")); }
      return params.length ? "?" + params.join("&") : "";
    }

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + options.path + query());
      socket.addEventListener("open", function () { retryMs = FIRST_RETRY_MS; state(true); });
      socket.addEventListener("message", function (event) { options.onMessage(JSON.parse(event.data)); });
      socket.addEventListener("close", function (event) {
        state(false);
        if (STOP[event.code]) { return; }
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
      });
    }
    connect();
  }

  window.commonwatch = window.commonwatch || {};
  window.commonwatch.liveSocket = liveSocket;
})();
