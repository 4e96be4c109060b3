// A post its author marked resolved ("Found" for a lost pet) or open again, shown live
// on whatever the page holds of it: a feed card or the post's own page. The message
// ({type: "resolved", post_id, resolved, resolved_label}) names only a post the socket
// may show (community/live.py), and the page changes only what it already holds.
(function () {
  "use strict";

  // Badge and class on the element of the post, as _post_card.html and post.html draw them.
  function showResolved(article, message) {
    var badges = article.querySelector(".badges");
    var badge = article.querySelector(".badge.resolved");
    article.classList.toggle("is-resolved", message.resolved);
    if (message.resolved && !badge && badges) {
      badge = document.createElement("span");
      badge.className = "badge resolved";
      badges.appendChild(document.createTextNode(" "));
      badges.appendChild(badge);
    }
    if (badge && message.resolved) { badge.textContent = message.resolved_label; }
    if (badge && !message.resolved) { badge.remove(); }
  }

  window.commonwatch = window.commonwatch || {};
  window.commonwatch.showResolved = showResolved;
})();
