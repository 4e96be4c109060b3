{% load static %}/* Commonwatch's service worker: shows the pushes the site sends, opens the post on a
   tap, and mutes a thread or a category from the notification's buttons. It is served
   from the site root (scope "/") and caches nothing. */
"use strict";

const ICON = "{% static 'web/icon.svg' %}";

function sameSite(path) {
  const url = new URL(path || "/notifications/", self.location.origin);
  return url.origin === self.location.origin ? url.href : new URL("/notifications/", self.location.origin).href;
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const actions = [];
  if (data.mute_thread) actions.push({ action: "mute_thread", title: "Mute thread" });
  if (data.mute_topic) actions.push({ action: "mute_topic", title: "Mute category" });
  event.waitUntil(
    self.registration.showNotification(data.title || "Commonwatch", {
      body: data.body || "",
      tag: data.tag || undefined,
      icon: ICON,
      actions: actions,
      data: { url: data.url, mute_thread: data.mute_thread, mute_topic: data.mute_topic },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  const data = event.notification.data || {};
  event.notification.close();
  if (event.action === "mute_thread" || event.action === "mute_topic") {
    const link = event.action === "mute_thread" ? data.mute_thread : data.mute_topic;
    event.waitUntil(fetch(sameSite(link), { method: "POST", credentials: "omit" }));
    return;
  }
  const target = sameSite(data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
