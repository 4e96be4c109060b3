// Live feed: new posts inside your alert circle appear at the top without reloading, and
// a card its author marks resolved ("Found") shows it. The socket (web/live-socket.js)
// reconnects after a drop and first gets what was missed meanwhile.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var feed = document.getElementById("feed");
  if (!status || !feed || !window.commonwatch || !window.commonwatch.liveSocket) { return; }
  var fresh = 0;
  // Where the page is: when it was rendered, then the last live post it showed.
  var lastCursor = status.dataset.since || "";
  // The filters the page shows: a live post joins it only if it would be in it. A new
  // post is inside any period; the words match as the server's search reads them
  // (community/search.py): every word the start of a word of the title or text.
  var category = status.dataset.category || "";
  var words = (status.dataset.words || "").toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
  var homeLat = parseFloat(status.dataset.homeLat);
  var homeLng = parseFloat(status.dataset.homeLng);
  var METERS_PER_MILE = 1609.344;

  function matches(post) {
    if (category && post.category !== category) { return false; }
    if (!words.length) { return true; }
    var own = (post.title + " " + post.body).toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
    return words.every(function (word) {
      return own.some(function (w) { return w.indexOf(word) === 0; });
    });
  }

  // The same great-circle distance as geo/distance.py, to the post's public point.
  function miles(post) {
    if (isNaN(homeLat) || isNaN(homeLng)) { return ""; }
    var rad = Math.PI / 180;
    var dp = (post.lat - homeLat) * rad;
    var dl = (post.lng - homeLng) * rad;
    var a = Math.pow(Math.sin(dp / 2), 2) +
      Math.cos(homeLat * rad) * Math.cos(post.lat * rad) * Math.pow(Math.sin(dl / 2), 2);
    var m = 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a))) / METERS_PER_MILE;
    if (m < 0.1) { return "< 0.1 mi"; }
    return m < 10 ? m.toFixed(1) + " mi" : Math.round(m) + " mi";
  }

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    el.textContent = value;
    return el;
  }

  // The same card as community/_post_card.html, marked new for eyes and screen readers.
  function card(post) {
    var article = document.createElement("article");
    article.className = "post-card is-new live-new" + (post.resolved ? " is-resolved" : "");
    article.dataset.postId = post.id;
    if (post.cursor) { article.dataset.cursor = post.cursor; }
    var header = document.createElement("header");
    var badges = document.createElement("p");
    badges.className = "badges";
    badges.appendChild(text("span", "badge new", status.dataset.newLabel));
    badges.appendChild(document.createTextNode(" "));
    badges.appendChild(text("span", "badge category-" + post.category, post.category_label));
    if (post.resolved) {
      badges.appendChild(document.createTextNode(" "));
      badges.appendChild(text("span", "badge resolved", post.resolved_label));
    }
    header.appendChild(badges);
    var title = document.createElement("h3");
    var link = text("a", "", post.title);
    link.href = "/feed/posts/" + post.id + "/";
    title.appendChild(text("span", "visually-hidden", status.dataset.newSr + " "));
    title.appendChild(link);
    header.appendChild(title);
    article.appendChild(header);
    var photo = (post.media || []).filter(function (m) { return m.kind === "photo" && m.thumbnail_url; })[0];
    if (photo) {
      var img = document.createElement("img");
      img.className = "card-thumb";
      img.src = photo.thumbnail_url;
      img.alt = photo.alt;
      article.classList.add("has-photo");
      article.appendChild(img);
    }
    article.appendChild(text("p", "post-body", post.body.length > 280 ? post.body.slice(0, 280) + "…" : post.body));
    var meta = document.createElement("p");
    meta.className = "meta";
    var distance = miles(post);
    if (distance) {
      meta.appendChild(text("span", "distance", distance));
      meta.appendChild(document.createTextNode(" · "));
    }
    if (post.place_label) {  // named from the public cell, when it already has a name
      meta.appendChild(text("span", "place", status.dataset.near.replace("%(place)s", post.place_label)));
      meta.appendChild(document.createTextNode(" · "));
    }
    var when = text("time", "", status.dataset.now);
    if (post.published_at) {
      when.dateTime = post.published_at;
      when.title = new Date(post.published_at).toLocaleString();
    }
    meta.appendChild(when);
    meta.appendChild(document.createTextNode(" · "));
    var count = post.comment_count || 0;
    meta.appendChild(text("span", "comment-count", count === 1 ? status.dataset.commentOne
      : status.dataset.commentMany.replace("%(count)s", String(count))));
    article.appendChild(meta);
    return article;
  }

  // Said aloud (the status is a polite live region): how many arrived, and what the latest
  // is, so a screen reader user knows at once whether it matters without finding the card.
  function announce(post) {
    var count = fresh === 1 ? status.dataset.freshOne
      : status.dataset.freshMany.replace("%(count)s", String(fresh));
    status.textContent = count + ". " + status.dataset.latest  // functions: a title's "$&" stays
      .replace("%(category)s", function () { return post.category_label; })
      .replace("%(title)s", function () { return post.title; });
  }

  function onMessage(message) {
    if (message.type === "post") {
      if (message.post.cursor) { lastCursor = message.post.cursor; }
      if (feed.querySelector('[data-post-id="' + message.post.id + '"]')) { return; }
      if (!matches(message.post)) { return; }
      if (status.dataset.older) {  // an older page: say so, but keep its place
        fresh += 1;
        announce(message.post);
        return;
      }
      var empty = feed.querySelector(".empty");
      if (empty) { empty.remove(); }
      feed.insertBefore(card(message.post), feed.firstChild);
      fresh += 1;
      announce(message.post);
    } else if (message.type === "gap") {
      // Away too long to catch up post by post: offer the whole feed again.
      status.textContent = status.dataset.gap + " ";
      var reload = text("a", "", status.dataset.reload);
      reload.href = window.location.pathname + window.location.search;
      status.appendChild(reload);
    } else if (message.type === "removed") {
      var gone = feed.querySelector('[data-post-id="' + message.post_id + '"]');
      if (gone) { gone.remove(); }
    } else if (message.type === "resolved") {
      var shown = feed.querySelector('[data-post-id="' + message.post_id + '"]');
      if (shown) { window.commonwatch.showResolved(shown, message); }
    }
  }

  window.commonwatch.liveSocket({
    path: status.dataset.wsPath,
    cursor: function () { return lastCursor; },
    shownIn: feed,
    onMessage: onMessage,
    onState: function (connected) { status.dataset.connected = String(connected); }
  });
})();
