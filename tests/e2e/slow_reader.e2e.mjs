// A reader that cannot keep up with what the relay owes it (issue 13), against the real
// server: its outgoing queue drops media and it is told so (vcOnMediaCongestion); while the
// episode lasts the relay sends it each sender's pose at most 5 times a second (fewer,
// current frames instead of pushing every pose into a queue that drops most of them, which
// is also what starved an overloaded media thread's writes); once it reads again and the
// drops stop, the episode ends, it is told, and the full rate comes back.
// Then, on a server with its default queues, the server itself stalls (stopped for 300 ms, as
// when its machine stalls): its media thread, behind what it reads, sheds the late pose
// deltas at the door (counted in /api/v1/stats) and relays at the full rate again once it
// has caught up.
//
// The sender floods 1,200-byte pose deltas at 1,000/s (the server's --media-rate raised for
// it) so that the reader's kernel buffers and queue fill in seconds; everything waits on
// events (the server's statistics, the notices), bounded only by TIMEOUT_MS.
import { ratePerSecond, sleep, waitFor } from './lib/harness.mjs';
import { startServer } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';

const ROOM = 'slow-reader';
const TIMEOUT_MS = 30000;
const SEND_PER_S = 1000;
const CONGESTED_POSE_HZ = 5;  // core/forwarding_policy.hpp kCongestedPoseHz

// A relay frame (version 1, no targets: every relay member) around a pose packet: version 1
// | kind 1, sender 0 (the server stamps it), `sequence`, a timestamp, then a delta's payload
// (first byte 1: PoseFrameType::Delta, which the relay may skip; a keyframe it never does).
function poseDelta(sequence, bytes = 1200) {
  const packet = Buffer.alloc(bytes);
  packet[0] = 0x11;
  packet.writeUInt16LE(sequence & 0xffff, 3);
  packet.writeUInt32LE(Date.now() >>> 0, 5);
  packet[9] = 1;
  return Buffer.concat([Buffer.from([1, 0]), packet]);
}

// The server's /api/v1/stats now.
const serverStats = async (server) => (await fetch(`${server.url}/api/v1/stats`)).json();

// A member that sends poses at `perSecond` until stop().
async function floodingSender(wsUrl, perSecond) {
  const ws = wsClient(`${wsUrl}?room=${ROOM}`, TIMEOUT_MS);
  await ws.request('vcJoinRoom', { room_id: ROOM, user_name: 'Flood', media_relay: 1 });
  let sequence = 0;
  const timer = setInterval(() => {
    // Never more than ~1 s queued on our side: the server reads us at its own pace.
    if (ws.queuedBytes > perSecond * 1200) return;
    for (let i = 0; i < perSecond / 100; i++) ws.sendBinary(poseDelta(sequence++));
  }, 10);
  return { stop: () => { clearInterval(timer); return ws.close(); } };
}

// A reader that stops reading, on a server whose queues hold 64 KB (full in a moment).
async function slowReader(h) {
  const server = await startServer({ extraArgs: ['--media-rate', String(2 * SEND_PER_S), '--queue-max-bytes', '65536'] });
  const reader = wsClient(`${server.ws}?room=${ROOM}`, TIMEOUT_MS);
  let sender = null;
  try {
    const joined = await reader.request('vcJoinRoom', { room_id: ROOM, user_name: 'Slow', media_relay: 1 });
    const me = joined.response?.user?.user_id;
    sender = await floodingSender(server.ws, SEND_PER_S);
    const before = ratePerSecond(await reader.nextPoses(200));

    // The reader stops reading: once the kernel's buffers are full the server's queue for it
    // drops, and the server lists it as a congested slow receiver.
    reader.pause();
    const listed = await waitFor(async () => (await serverStats(server)).media.slow_receivers.find((r) => r.user_id === me && r.congested),
      TIMEOUT_MS, 100);
    reader.resume();

    // It reads again: it is told of the congestion, then - two seconds after the last drop - that
    // it is over. Up to then the relay thinned its pose; the poses of the last 750 ms before
    // the "over" notice count (its backlog was read long before).
    const told = await reader.inform((m) => m.event === 'vcOnMediaCongestion' && m.data.congested === true);
    const over = await reader.inform((m) => m.event === 'vcOnMediaCongestion' && m.data.congested === false);
    const overAt = reader.informArrivals.get(over);
    const thinned = reader.poseArrivals().filter((t) => t >= overAt - 800 && t < overAt - 50).length;
    const afterRate = ratePerSecond(await reader.nextPoses(300));
    h.check('a reader that stops reading is told its media are being dropped (vcOnMediaCongestion)',
      Boolean(listed) && told.data.dropped_pose > 0, `listed ${JSON.stringify(listed)}, told ${JSON.stringify(told.data)}`);
    h.check(`while congested it gets a sender's pose at about ${CONGESTED_POSE_HZ}/s, not the ${SEND_PER_S}/s sent`,
      before > 300 && thinned <= 2 * CONGESTED_POSE_HZ,
      `${before.toFixed(0)}/s before, ${thinned} poses in the 750 ms before the episode ended`);
    h.check('once it keeps up again the episode ends and the full rate comes back',
      over.data.congested === false && afterRate > 300, `${afterRate.toFixed(0)}/s after`);
  } finally {
    await sender?.stop();
    await reader.close();
    await server.stop();
  }
}

// The server stopped for 300 ms while a member floods poses to a reader that keeps up.
async function stalledServer(h) {
  // A 50 ms write window: one is open almost all the time (the sender's packets come every
  // 10 ms), so a stall almost always catches one open, to close late.
  const server = await startServer({ extraArgs: ['--media-rate', String(2 * SEND_PER_S), '--media-write-window-ms', '50'] });
  const reader = wsClient(`${server.ws}?room=${ROOM}`, TIMEOUT_MS);
  let sender = null;
  try {
    await reader.request('vcJoinRoom', { room_id: ROOM, user_name: 'Reader', media_relay: 1 });
    sender = await floodingSender(server.ws, SEND_PER_S);
    await reader.nextPoses(200);
    // Its media thread then runs the write window that was open 300 ms late, and sheds. (A
    // stall that falls between two windows leaves none late: it is tried again, up to 10
    // times. Right after a pose came, a window has just closed: the stall waits 25 ms, into
    // the next one.)
    let shed = 0, stalls = 0;
    while (shed === 0 && stalls < 10) {
      stalls++;
      await reader.nextPoses(1);
      await sleep(25);
      server.proc.kill('SIGSTOP');
      await sleep(300);
      server.proc.kill('SIGCONT');
      // Statistics are read on another thread than the media thread's: look for a while
      // (a stall that shed nothing is simply tried again).
      shed = (await waitFor(async () => (await serverStats(server)).media.pose_shed_thread_behind, 1000, 50)) ?? 0;
    }
    await reader.nextPoses(50);  // past the shedding (250 ms after the late window)
    const rate = ratePerSecond(await reader.nextPoses(300));
    h.check('a server stalled 300 ms sheds the pose deltas it reads late, then relays at the full rate again',
      shed > 0 && rate > 300, `${shed} shed after ${stalls} stall(s), ${rate.toFixed(0)}/s after`);
    const warning = server.output().split('\n').find((l) => /WARN .*fell behind what it reads/.test(l));
    h.check('...and tells the operator in its log', Boolean(warning), warning);
  } finally {
    await sender?.stop();
    await reader.close();
    await server.stop();
  }
}

export async function run(h) {
  await slowReader(h);
  await stalledServer(h);
}
