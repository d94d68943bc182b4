// Webhook delivery throughput and latency (a benchmark: prints figures, asserts nothing).
// A real server (--dev, a file database for the outbox) sends to a local receiver that
// checks every event with livekit-server-sdk's WebhookReceiver; native bots join in rooms
// of 10 (each join makes participant_joined and track_published for its camera, each room
// room_started). 1. Live: events/s and each event's delay after it was made, while the bots
// join. 2. Backlog: with the receiver down the same again fills the outbox; then it comes
// up and the outbox drains: events/s of delivery alone.
//   node tests/e2e/bench_webhooks.mjs [bots=200]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './lib/harness.mjs';
import { startBot, startServer } from './lib/processes.mjs';
import { freePort, startReceiver } from './lib/webhook_receiver.mjs';

const BOTS = Number(process.argv[2] || 200);
const DEV_KEY = 'devkey', DEV_SECRET = 'posemeet-development-secret-not-for-production';

const arrivals = [];
let hook = null;
const port = await freePort();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'posemeet-bench-webhooks-'));
const server = await startServer({ extraArgs: ['--db', path.join(tmp, 'bench.db'), '--max-connections-per-address', '0',
  '--webhook-url', `http://127.0.0.1:${port}/`, '--webhook-retry-max-ms', '200'] });
const metric = async (name) => Number(((await (await fetch(`${server.url}/metrics`)).text())
  .match(new RegExp(`^${name} (\\S+)$`, 'm')) ?? [])[1]);
const expected = BOTS * 2 + Math.ceil(BOTS / 10);
const report = (label, from, n) => {
  const got = arrivals.slice(from, from + n);
  const span = got.length ? got[got.length - 1].at - got[0].at : NaN;
  console.log(`  ${label}: ${got.length}/${n} events, ${(got.length / (span / 1000)).toFixed(0)} events/s ` +
    `(first to last arrival ${span.toFixed(0)} ms)`);
};

// 1. Live.
hook = await startReceiver(port, DEV_KEY, DEV_SECRET, arrivals);
let bots = startBot(server.ws, { room: 'live', count: BOTS, extraArgs: ['--room-size', '10', '--quiet'] });
await waitFor(() => arrivals.length >= expected, 60000, 5);
console.log(`webhooks, ${BOTS} bots in rooms of 10 (${expected} events per phase), ${hook.rejected.length} rejected by WebhookReceiver`);
report('live, while the bots join', 0, expected);
await bots.stop();
await waitFor(async () => (await metric('posemeet_webhook_queue')) === 0, 60000);

// 2. Backlog: the receiver goes down, the outbox fills, the receiver comes back.
await hook.close();
const before = arrivals.length;
bots = startBot(server.ws, { room: 'backlog', count: BOTS, extraArgs: ['--room-size', '10', '--quiet'] });
await waitFor(async () => (await metric('posemeet_webhook_queue')) >= expected, 60000);
hook = await startReceiver(port, DEV_KEY, DEV_SECRET, arrivals);
await waitFor(() => arrivals.length >= before + expected, 60000, 5);
report('backlog drained after the receiver came back', before, expected);
await bots.stop();
await server.stop();
await hook.close();
fs.rmSync(tmp, { recursive: true, force: true });
