// Settings › "Notificações no celular": subscribes this browser to Web Push and hands the
// subscription to the server (POST /notificacoes/aparelhos, with the form's CSRF token).
// Push needs JavaScript; without it the section says so and the rest of Settings works.
'use strict';

(function () {
  const box = document.getElementById('push-aparelho');
  if (!box || box.dataset.ligado) return;
  box.dataset.ligado = '1';
  const button = document.getElementById('ativar-notificacoes');
  const status = document.getElementById('push-estado');
  const say = (text) => { status.textContent = text; };

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('Este navegador não recebe notificações. No iPhone, adicione o Consultor à tela de início e abra por lá.');
    return;
  }
  if (Notification.permission === 'denied') {
    say('As notificações estão bloqueadas para este site. Libere nas configurações do navegador e recarregue a página.');
    return;
  }

  // The server's public key, base64url, as the push service wants it.
  const key = (b64) => {
    const pad = '='.repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };

  navigator.serviceWorker.register('/sw.js').then(async (reg) => {
    const current = await reg.pushManager.getSubscription();
    say(current ? 'Este aparelho já recebe notificações.' : 'Este aparelho ainda não recebe notificações.');
    button.hidden = false;
    button.textContent = current ? 'Ativar de novo neste aparelho' : 'Ativar notificações neste aparelho';
  }).catch(() => say('Não foi possível preparar as notificações neste navegador.'));

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        say('Sem a permissão do navegador, não há como avisar você. Tente de novo quando quiser.');
        return;
      }
      const reg = await navigator.serviceWorker.ready;
      const sub = (await reg.pushManager.getSubscription())
        || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.chave) });
      const json = sub.toJSON();
      const body = new URLSearchParams({
        csrf: box.dataset.csrf,
        endpoint: json.endpoint,
        p256dh: json.keys.p256dh,
        auth: json.keys.auth,
      });
      const res = await fetch('/notificacoes/aparelhos', { method: 'POST', body, credentials: 'same-origin' });
      // An expired form token sends the post back to the page (a redirect), not here.
      if (res.redirected) {
        say('Esta página expirou. Recarregue e tente de novo.');
        return;
      }
      if (!res.ok) {
        say((await res.text()) || 'Não foi possível ativar. Tente de novo.');
        return;
      }
      say('Pronto: este aparelho recebe notificações.');
      window.location.reload();
    } catch (e) {
      say('Não foi possível ativar as notificações: ' + (e && e.message ? e.message : 'erro do navegador') + '.');
    } finally {
      button.disabled = false;
    }
  });
}());
