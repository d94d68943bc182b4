// A WebSocket client speaking the control protocol: request() resolves with the reply of
// the same request_id; informs are kept, and inform(pred) resolves with the first that
// matches (already received or still to come). `closed` resolves with {code, reason} when
// the connection closes (by either side), so a test can assert the server's close code.
// `timeoutMs` bounds every wait (a reply, an inform, poses).
import WebSocket from 'ws';

export function wsClient(url, timeoutMs = 15000) {
  const ws = new WebSocket(url);
  const replies = new Map(), informs = [], watchers = [], media = [];
  const informArrivals = new Map();  // inform -> performance.now() when it came
  let nextId = 1;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {  // relayed media: when it came and its kind (1 pose, 2 audio, 3 pose ack)
      media.push({ at: performance.now(), kind: data[0] & 15 });
      for (const w of [...watchers]) if (w.media && w.pred()) { watchers.splice(watchers.indexOf(w), 1); w.resolve(); }
      return;
    }
    const m = JSON.parse(String(data));
    if (m.message_type === 'return' && replies.has(m.request_id)) {
      replies.get(m.request_id)(m);
      replies.delete(m.request_id);
    } else if (m.message_type === 'inform') {
      informs.push(m);
      informArrivals.set(m, performance.now());
      for (const w of [...watchers]) if (!w.media && w.pred(m)) { watchers.splice(watchers.indexOf(w), 1); w.resolve(m); }
    }
  });
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs))]);
  return {
    // Every inform received so far, in order of arrival (read only), and when each came.
    informs,
    informArrivals,
    // The arrival times (ms, performance.now()) of every pose packet relayed to us so far.
    poseArrivals: () => media.filter((m) => m.kind === 1).map((m) => m.at),
    // Stops reading the socket (the server's writes back up into the kernel's buffers, then
    // its queue for us), and starts again.
    pause() { ws.pause(); },
    resume() { ws.resume(); },
    // Sends a binary message (media, as a relay frame); `queuedBytes` is what is still
    // waiting on our side.
    sendBinary(data) { ws.send(data); },
    get queuedBytes() { return ws.bufferedAmount; },
    // Resolves with {code, reason} once the connection has closed.
    closed,
    async request(event_name, content = {}) {
      await opened;
      const request_id = `r${nextId++}`;
      const reply = new Promise((resolve) => replies.set(request_id, resolve));
      ws.send(JSON.stringify({ v: 1, event_name, request_id, content }));
      return within(reply, `reply to ${event_name}`);
    },
    inform(pred) {
      const seen = informs.find(pred);
      if (seen) return Promise.resolve(seen);
      return within(new Promise((resolve) => watchers.push({ pred, resolve })), 'inform');
    },
    // Resolves with the arrival times (ms) of the next `n` pose packets relayed to us.
    async nextPoses(n) {
      const from = media.length;
      const poses = () => media.slice(from).filter((m) => m.kind === 1);
      await within(new Promise((resolve) => watchers.push({ media: true, pred: () => poses().length >= n, resolve })), `${n} poses`);
      return poses().slice(0, n).map((m) => m.at);
    },
    close() { ws.close(); return closed; },
  };
}
