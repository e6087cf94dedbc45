// Consultor's service worker: shows the notifications the server pushes and opens the page
// they are about when one is tapped. It caches nothing and answers no request: every page is
// private to the account signed in, and a cache could show one account's leads to another on
// a shared phone (and pages keep working exactly as they do without it, JavaScript or not).
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = { body: event.data ? event.data.text() : '' };
  }
  // Only this site's own pages are opened.
  const url = typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/painel';
  event.waitUntil(self.registration.showNotification(data.title || 'Consultor', {
    body: data.body || '',
    tag: data.tag,
    lang: 'pt-BR',
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data: { url },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || '/painel';
  const url = new URL(path, self.location.origin).href;
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const same = open.find((c) => c.url === url);
    if (same) return same.focus();
    return self.clients.openWindow(url);
  })());
});
