// After a decision the queue comes back at the same page and filters with the next item
// named in the address (#item-post-12): bring it into view and give it focus, so a
// keyboard or screen-reader user carries on where they were. A refused decision comes
// back at its own item instead: focus goes to the first field the refusal describes, so
// the reason is read out with it and the moderator can correct what they typed.
document.addEventListener("DOMContentLoaded", () => {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const item = id.startsWith("item-") ? document.getElementById(id) : null;
  if (item) {
    const refused = item.querySelector(`[aria-describedby="${id}-refused"]`);
    (refused || item).focus();
  }
});
