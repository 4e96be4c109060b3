/* Turn web push on or off for this browser (notifications settings page): register the
   service worker, subscribe through the browser's push service with the site's VAPID
   key, and hand the subscription to the API. */
"use strict";

(function () {
  const panel = document.getElementById("push");
  if (!panel) return;
  const status = panel.querySelector(".push-status");
  const api = panel.dataset.api;
  if (!panel.dataset.vapidKey) {
    status.textContent = "";
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    status.textContent = "This browser cannot receive push messages.";
    return;
  }
  const turnOnButton = panel.querySelector("[data-push=on]");
  const turnOffButton = panel.querySelector("[data-push=off]");
  panel.querySelector(".push-actions").hidden = false;
  status.textContent = "";

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  function send(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  /* Offer the one action that makes sense for this browser: on, or off. */
  function showOn(on) {
    turnOnButton.hidden = on;
    turnOffButton.hidden = !on;
    panel.dataset.state = on ? "on" : "off";
  }

  async function currentSubscription() {
    const registration = await navigator.serviceWorker.getRegistration("/");
    return registration ? registration.pushManager.getSubscription() : null;
  }

  async function fingerprint(endpoint) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(endpoint));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* On only when the site pushes to this browser for the person signed in now: a
     subscription the browser kept from someone else (or one the site dropped) is not
     turned on behind their back; "Turn on" takes it over. The page lists the person's
     devices as SHA-256 fingerprints (data-devices), not as endpoints. */
  async function showState() {
    const subscription = await currentSubscription();
    const known = (panel.dataset.devices || "").split(" ");
    const on = Boolean(subscription) && crypto.subtle !== undefined
      && known.includes(await fingerprint(subscription.endpoint));
    showOn(on);
    if (on) status.textContent = "Push is on for this device.";
  }

  async function turnOn() {
    status.textContent = "Asking your browser…";
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status.textContent = "Notifications are blocked for this site. Allow them in your browser's site settings.";
      return;
    }
    const registration = await navigator.serviceWorker.register("/service-worker.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    panel.dataset.worker = "ready";
    let subscription;
    try {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(panel.dataset.vapidKey),
      });
    } catch (error) {
      // Browsers word this for developers ("Registration failed - permission denied"
      // when their push service is out of reach): the page says what a person can do.
      console.warn("Push subscription failed:", error);
      status.textContent = "Your browser could not reach its push service. Check that you are online and that notifications are allowed for this site, then try again.";
      return;
    }
    const response = await send(api, subscription.toJSON());
    if (response.ok) {
      status.textContent = "Push is on for this device.";
      showOn(true);
      const warning = document.getElementById("no-push-device");
      if (warning) warning.hidden = true;  // its "reaches only your inbox" is past
    } else {
      const answer = await response.json().catch(() => ({}));
      status.textContent = "The site could not turn push on: " + (answer.detail || response.status);
    }
  }

  async function turnOff() {
    const subscription = await currentSubscription();
    if (subscription) {
      await send(api + "/remove", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    status.textContent = "Push is off for this device.";
    showOn(false);
  }

  const said = (e) => { status.textContent = e.message; };
  turnOnButton.addEventListener("click", () => turnOn().catch(said));
  turnOffButton.addEventListener("click", () => turnOff().catch(said));
  showState().catch(said);
})();
