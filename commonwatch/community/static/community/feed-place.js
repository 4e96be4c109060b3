// Back after "Older posts" returns to the same place. That link puts its cursor in the
// address (hx-push-url), so coming back to the feed loads the page that was being read;
// this script then brings the post that was opened from it back into view and focus.
(function () {
  "use strict";
  var feed = document.getElementById("feed");
  if (!feed || !window.sessionStorage) { return; }
  function key() { return "feed-place:" + window.location.pathname + window.location.search; }

  feed.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".post-card h3 a") : null;
    if (!link) { return; }
    try { window.sessionStorage.setItem(key(), link.closest(".post-card").dataset.postId); } catch (e) { /* private mode */ }
  });

  var id = window.sessionStorage.getItem(key());
  var card = id ? feed.querySelector('.post-card[data-post-id="' + id + '"]') : null;
  if (!card) { return; }
  if ("scrollRestoration" in window.history) { window.history.scrollRestoration = "manual"; }
  card.scrollIntoView({ block: "center" });
  card.querySelector("h3 a").focus({ preventScroll: true });
})();
