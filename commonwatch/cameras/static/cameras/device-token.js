// The device token page, while a new token is shown (once): "Copy token" puts it on the
// clipboard and says "Copied." in a live region. Where the clipboard is refused (an
// http:// address, a browser without it), the token is selected instead and copied the
// old way if the browser still can; otherwise the status asks the owner to copy it.
(function () {
  "use strict";
  var button = document.getElementById("copy-token");
  var token = document.getElementById("new-token");
  var status = document.getElementById("copy-token-status");
  if (!button || !token || !status) { return; }

  function selectToken() {
    var range = document.createRange();
    range.selectNodeContents(token);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelection() {
    selectToken();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    status.textContent = copied ? button.dataset.copied : button.dataset.failed;
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "";
    var text = token.textContent.trim();
    if (!navigator.clipboard || !navigator.clipboard.writeText) { copyBySelection(); return; }
    navigator.clipboard.writeText(text).then(function () {
      status.textContent = button.dataset.copied;
    }, copyBySelection);
  });
}());
