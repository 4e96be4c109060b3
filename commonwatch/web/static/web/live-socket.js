// The live socket every page with live updates shares (feed, map, a post's page):
// connects to the feed's socket, hands each message to the page, and after a dropped
// connection comes back with growing pauses (1 s up to 30 s), asking for what was
// published since the page's last cursor. A close that means "you may not read this"
// (signed out 4401, not a reader 4403) ends the retries.
//
//   window.commonwatch.liveSocket({
//     path: "/ws/feed/",               // from the page's data-ws-path
//     cursor: function () { ... },     // where to catch up from ("" for nothing)
//     onMessage: function (message) {},
//     onState: function (connected) {} // optional
//   });
(function () {
  "use strict";
  var STOP = { 4401: true, 4403: true };
  var FIRST_RETRY_MS = 1000;
  var LAST_RETRY_MS = 30000;

  function liveSocket(options) {
    if (!("WebSocket" in window) || !options.path) { return; }
    var retryMs = FIRST_RETRY_MS;
    var state = options.onState || function () {};

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var cursor = options.cursor ? options.cursor() : "";
      var query = cursor ? "?after=" + encodeURIComponent(cursor) : "";
      var socket = new WebSocket(scheme + window.location.host + options.path + query);
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
