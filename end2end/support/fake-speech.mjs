// Stand-ins for the outside services a voice note goes through, for the end-to-end tests:
// Meta's media endpoints as the sandbox downloads from them (SANDBOX_MEDIA_URL: GET
// /media/{id} gives the file's address, GET /files/{id} its bytes) and an OpenAI-compatible
// speech-to-text API (TRANSCRIPTION_BASE_URL: POST /audio/transcriptions). A test chooses what
// the lead "says": the media id is `voz-` and the words in base64url, the file carries them
// after an Ogg header, and the transcription reads them back. Loopback only.
import http from 'node:http';

const port = Number(process.env.HTTP_PORT ?? 3127);
const root = `http://127.0.0.1:${port}`;

function said(id) {
  return id.startsWith('voz-') ? Buffer.from(id.slice(4), 'base64url').toString('utf8') : '';
}

http.createServer((req, res) => {
  const url = new URL(req.url, root);
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/healthz') return json(200, { ok: true });
  let m = url.pathname.match(/^\/media\/([^/]+)$/);
  if (req.method === 'GET' && m) {
    return json(200, { url: `${root}/files/${m[1]}`, mime_type: 'audio/ogg; codecs=opus', file_size: 64 });
  }
  m = url.pathname.match(/^\/files\/([^/]+)$/);
  if (req.method === 'GET' && m) {
    res.writeHead(200, { 'content-type': 'audio/ogg' });
    return res.end(Buffer.concat([Buffer.from('OggS\0'), Buffer.from(`FALA:${said(m[1])}:FIM`)]));
  }
  if (req.method === 'POST' && url.pathname === '/audio/transcriptions') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const words = body.match(/FALA:([\s\S]*?):FIM/);
      if (!words || words[1] === 'FALHA') return json(500, { error: { message: 'falhou' } });
      json(200, { text: words[1] });
    });
    return;
  }
  json(404, { error: { message: 'não encontrado' } });
}).listen(port, '127.0.0.1');
