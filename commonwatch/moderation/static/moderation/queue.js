// After a decision the queue comes back at the same page and filters with the next item
// named in the address (#item-post-12): bring it into view and give it focus, so a
// keyboard or screen-reader user carries on where they were.
document.addEventListener("DOMContentLoaded", () => {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const item = id.startsWith("item-") ? document.getElementById(id) : null;
  if (item) {
    item.focus();
  }
});
