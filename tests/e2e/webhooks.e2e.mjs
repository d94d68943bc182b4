// Webhooks in LiveKit's format, against the real server, checked by livekit-server-sdk's
// WebhookReceiver (signature, body hash): a meeting goes on while the receiver is down, the
// server restarts in the middle with the events still undelivered, the members' grace runs
// out after the restart, and when the receiver comes up every event arrives exactly once,
// in the room's order. Then, with the receiver up, how long an event takes to arrive.
// No browsers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { waitFor, percentile } from './lib/harness.mjs';
import { startServer } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';
import { freePort, startReceiver } from './lib/webhook_receiver.mjs';

const TIMEOUT_MS = 20000;
const KEY = 'e2e-hooks', SECRET = crypto.randomBytes(24).toString('hex');

async function token(identity, room) {
  const at = new AccessToken(KEY, SECRET, { identity, name: identity.toUpperCase() });
  at.addGrant({ roomJoin: true, room });
  return at.toJwt();
}

// A figure of the server's GET /metrics (NaN when absent).
async function metric(server, name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number((text.match(new RegExp(`^${name} (\\S+)$`, 'm')) ?? [])[1]);
}

export async function run(h, figures) {
  h.begin('webhooks: LiveKit-format events through a receiver outage and a server restart');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'posemeet-webhooks-'));
  const port = await freePort();
  const args = ['--api-key', KEY, '--api-secret', SECRET, '--db', path.join(tmp, 'server.db'),
    '--webhook-url', `http://127.0.0.1:${port}/hook`, '--webhook-retry-max-ms', '500', '--reconnect-grace-ms', '1000'];
  let server = null, receiver = null;
  const sockets = [];
  try {
    server = await startServer({ dev: false, extraArgs: args });
    // 1. A meeting while the receiver is down: two join, one turns the mic on.
    const ann = wsClient(server.ws, TIMEOUT_MS), bob = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(ann, bob);
    const a = await ann.request('vcJoinRoom', { room_id: 'hooks', token: await token('ann', 'hooks') });
    const b = await bob.request('vcJoinRoom', { room_id: 'hooks', token: await token('bob', 'hooks') });
    const mic = await ann.request('vcOperateSelfMic', { operate: 1 });
    h.check('two members join and one turns the mic on while the receiver is down',
      a.code === 200 && b.code === 200 && mic.code === 200, `${a.code} ${b.code} ${mic.code}`);
    const tried = await waitFor(async () =>
      (await metric(server, 'posemeet_webhook_queue')) >= 4 && (await metric(server, 'posemeet_webhook_failures_total')) >= 1,
      TIMEOUT_MS);
    h.check('the server keeps the 4 events and retries them while the receiver is down (GET /metrics)', !!tried,
      `queue ${await metric(server, 'posemeet_webhook_queue')}, failures ${await metric(server, 'posemeet_webhook_failures_total')}`);

    // 2. The server restarts with the events undelivered; the members do not come back, so
    // their grace runs out after the restart: they leave and the room finishes.
    await server.stop();
    server = await startServer({ dev: false, extraArgs: args });
    const expired = await waitFor(async () => (await metric(server, 'posemeet_webhook_queue')) >= 7, TIMEOUT_MS);
    h.check('after the restart the undelivered events are still there, and the leaves join them', !!expired,
      `queue ${await metric(server, 'posemeet_webhook_queue')}`);

    // 3. The receiver comes up: everything arrives, once, in order, signed as LiveKit signs.
    receiver = await startReceiver(port, KEY, SECRET);
    const drained = await waitFor(async () => (await metric(server, 'posemeet_webhook_queue')) === 0 &&
      receiver.events.length >= 7, TIMEOUT_MS);
    const names = receiver.events.map((e) => e.event.event);
    const who = receiver.events.map((e) => e.event.participant?.identity ?? '').join(',');
    h.check('when the receiver comes up every event arrives, each accepted by WebhookReceiver',
      !!drained && receiver.rejected.length === 0, `${receiver.events.length} events, rejected ${receiver.rejected.join('; ')}`);
    h.check('they arrive in the room\'s order: started, ann and bob joined, ann\'s mic, both left, finished',
      JSON.stringify(names) === JSON.stringify(['room_started', 'participant_joined', 'participant_joined',
        'track_published', 'participant_left', 'participant_left', 'room_finished']) &&
        /^,ann,bob,ann,(ann,bob|bob,ann),$/.test(who), `${names.join(' ')} / ${who}`);
    const ids = receiver.events.map((e) => e.event.id);
    h.check('each event arrives exactly once (no id twice), as application/webhook+json',
      new Set(ids).size === ids.length && receiver.events.every((e) => e.contentType === 'application/webhook+json'),
      ids.join(' '));
    const track = receiver.events.find((e) => e.event.event === 'track_published')?.event;
    h.check('the track event names the member and the microphone', track?.track?.source === 2 /* MICROPHONE */ ||
      track?.track?.source === 'MICROPHONE', JSON.stringify(track?.track ?? null));

    // 4. With the receiver up: how soon an event arrives after what caused it.
    const latencies = [];
    for (let i = 0; i < 10; i++) {
      const c = wsClient(server.ws, TIMEOUT_MS);
      sockets.push(c);
      const before = receiver.events.length;
      const sent = performance.now();
      await c.request('vcJoinRoom', { room_id: `live-${i}`, token: await token(`cy${i}`, `live-${i}`) });
      const got = await waitFor(() => receiver.events.length >= before + 2, TIMEOUT_MS, 2);  // started + joined
      if (got) latencies.push(receiver.events[before + 1].at - sent);
      await c.close();
    }
    figures.webhook_latency_ms = { median: percentile(latencies, 0.5), max: Math.max(...latencies), n: latencies.length };
    h.check('with the receiver up, each join\'s webhook arrives (delivery latency in figures.json)',
      latencies.length === 10, `median ${percentile(latencies, 0.5)?.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
  } finally {
    await Promise.all(sockets.map((s) => s.close().catch(() => {})));
    if (receiver) await receiver.close();
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
