// A minimal SMTP server for the end-to-end tests: the app sends its e-mail here (SMTP_URL),
// and the tests read what arrived over HTTP (GET /messages). Loopback only; nothing is kept
// after the run.
import net from 'node:net';
import http from 'node:http';

const smtpPort = Number(process.env.SMTP_PORT ?? 3125);
const httpPort = Number(process.env.HTTP_PORT ?? 3126);
const messages = [];

net.createServer((socket) => {
  socket.setEncoding('utf8');
  let buffer = '';
  let data = null;
  let to = [];
  const say = (line) => socket.write(`${line}\r\n`);
  say('220 localhost ESMTP e2e');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data !== null) {
        if (line === '.') {
          messages.push({ to, data });
          data = null;
          to = [];
          say('250 guardada');
        } else {
          data += (line.startsWith('.') ? line.slice(1) : line) + '\n';
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') say('250-localhost\r\n250 8BITMIME');
      else if (verb === 'RCPT') { to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, '$1')); say('250 ok'); }
      else if (verb === 'DATA') { data = ''; say('354 pode mandar'); }
      else if (verb === 'QUIT') { say('221 tchau'); socket.end(); }
      else say('250 ok');
    }
  });
  socket.on('error', () => {});
}).listen(smtpPort, '127.0.0.1');

http.createServer((req, res) => {
  if (req.url === '/healthz') { res.end('ok'); return; }
  if (req.url === '/messages') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(messages));
    return;
  }
  res.statusCode = 404;
  res.end();
}).listen(httpPort, '127.0.0.1');
