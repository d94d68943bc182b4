// A webhook receiver on 127.0.0.1:port that checks every POST with livekit-server-sdk's
// WebhookReceiver (signature, body hash) and answers 200, or 401 when it does not verify.
// `events` (pass one to keep collecting across a restart of the receiver) gets
// {at, event, raw, contentType} in arrival order (raw: the body as sent, fields the SDK
// does not know included); `rejected` the errors.
import http from 'node:http';
import { WebhookReceiver } from 'livekit-server-sdk';

export function startReceiver(port, key, secret, events = []) {
  const receiver = new WebhookReceiver(key, secret);
  const rejected = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      try {
        const event = await receiver.receive(body, req.headers.authorization);
        events.push({ at: performance.now(), event, raw: JSON.parse(body), contentType: req.headers['content-type'] });
        res.writeHead(200).end('ok');
      } catch (err) {
        rejected.push(String(err));
        res.writeHead(401).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () =>
    resolve({ events, rejected, close: () => new Promise((r) => server.close(r)) })));
}

// A port nothing listens on yet (to point a server at a receiver that is down).
export function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
