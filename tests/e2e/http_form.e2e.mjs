// The HTTP form of the control API on the wire, against the real server: a client with no
// WebSocket joins, long-polls its informs, acts and is refused like any member, is turned
// away with a wrong or empty token, moves onto a WebSocket keeping its user id, and
// malformed or oversized bodies get a clear 400 / 413 while the server keeps serving.
import { ratePerSecond, waitFor } from './lib/harness.mjs';
import { startServer, startBot } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';

const ROOM = 'http-form';
const MAX_BODY = 4096;  // --max-message-bytes for this server
const TIMEOUT_MS = 15000;  // generous: the machine may be busy with browsers

// POST /api/v1/rts/message; `body` is sent as is when it is a string. Resolves to
// {status, json} (json null when the answer is not JSON).
async function post(base, body) {
  const res = await fetch(`${base}/api/v1/rts/message`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* reported by the caller's check */ }
  return { status: res.status, json };
}

// A member of the HTTP form: its credentials ride in every request's content.
function httpMember(base, joined) {
  const user = joined.data.user, token = joined.data.token;
  const creds = { room_id: ROOM, user_id: user.user_id, token };
  return {
    user, token, creds, next: 0,
    send(event_name, content = {}) { return post(base, { event_name, content: { ...creds, ...content } }); },
    // GET /api/v1/rts/events after `next` (acknowledging what came before); moves `next` on.
    async poll(waitMs, token = this.token) {
      const q = new URLSearchParams({ room_id: ROOM, user_id: user.user_id, token, after: String(this.next),
        wait_ms: String(waitMs) });
      const res = await fetch(`${base}/api/v1/rts/events?${q}`, { signal: AbortSignal.timeout(waitMs + TIMEOUT_MS) });
      const json = await res.json();
      if (json.code === 200) this.next = json.data.next;
      return { status: res.status, json, at: Date.now() };
    },
    // Long-polls until an event matching `pred` comes (other events pass by); null when
    // none came within TIMEOUT_MS or a poll failed.
    async pollUntil(pred) {
      const end = Date.now() + TIMEOUT_MS;
      while (Date.now() < end) {
        const r = await this.poll(Math.min(20000, Math.max(1, end - Date.now())));
        if (r.json.code !== 200) return null;
        const hit = r.json.data.events.find(pred);
        if (hit) return hit;
      }
      return null;
    },
  };
}

// How many first looks of long-polls the server has answered (GET /api/v1/stats): when it
// grew, the poll just sent is being held (the look and the hold happen in one step).
async function pollsSeen(base) {
  const stats = await (await fetch(`${base}/api/v1/stats`)).json();
  return stats.http?.['(poll)']?.count ?? 0;
}

export async function run(h) {
  h.begin('http form: the control API over POST and long-poll, on the wire');
  const server = await startServer({ extraArgs: ['--max-message-bytes', String(MAX_BODY)] });
  const base = server.url;
  const sockets = [];
  try {
    // 1. Join with no WebSocket: the first member of the room, so its host.
    const joined = await post(base, { event_name: 'vcJoinRoom', content: { room_id: ROOM, user_name: 'Hana' } });
    const hana = joined.json?.code === 200 ? httpMember(base, joined.json) : null;
    h.check('an HTTP client joins: user id, a 32-hex-digit token, host of the new room',
      joined.status === 200 && !!hana && /^[0-9a-f]{32}$/.test(hana.token) && hana.user.user_role === 1,
      JSON.stringify(joined.json?.data?.user ?? joined.json));
    if (!hana) return;
    // (Its own join is in the join's reply, not queued for it.)
    const first = await hana.poll(0);
    h.check('a poll with wait_ms=0 and nothing queued answers at once, empty',
      first.json.code === 200 && first.json.data.events.length === 0, JSON.stringify(first.json.data));

    // 2. A long-poll with nothing queued is held, and wakes when a WebSocket member joins.
    const before = await pollsSeen(base);
    const held = hana.poll(20000);
    const holding = await waitFor(async () => (await pollsSeen(base)) > before, TIMEOUT_MS);
    const wes = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(wes);
    const wesJoin = await wes.request('vcJoinRoom', { room_id: ROOM, user_name: 'Wes' });
    const joinedAt = Date.now();
    const wesId = wesJoin.response?.user?.user_id;
    const woke = await held;
    h.check('a held long-poll wakes when a WebSocket member joins, with that join',
      !!holding && wesJoin.code === 200 && woke.json.code === 200 &&
        woke.json.data.events.some((e) => e.event === 'vcOnJoinRoom' && e.data.user.user_id === wesId),
      `answered ${woke.at - joinedAt} ms after the join's reply; ${JSON.stringify(woke.json.data.events.map((e) => e.event))}`);

    // 3. Operations cross transports both ways.
    const said = await hana.send('vcSendMessage', { message: 'hello from HTTP' });
    const heard = await wes.inform((m) => m.event === 'vcOnMessage' && m.data.message === 'hello from HTTP');
    h.check("an HTTP member's chat message reaches a WebSocket member",
      said.json?.code === 200 && heard.data.user_id === hana.user.user_id);
    const micSeen = hana.pollUntil((e) => e.event === 'vcOnOperateSelfMic' && e.data.user_id === wesId);
    const micOn = await wes.request('vcOperateSelfMic', { operate: 1 });
    const micEvent = await micSeen;
    h.check("a WebSocket member's mic change reaches the HTTP member's long-poll",
      micOn.code === 200 && Number(micEvent?.data.operate) === 1, JSON.stringify(micEvent));

    // 4. A second HTTP member is a visitor: host operations are refused and change nothing.
    const vicJoined = await post(base, { event_name: 'vcJoinRoom', content: { room_id: ROOM, user_name: 'Vic' } });
    const vic = httpMember(base, vicJoined.json);
    const refused = await vic.send('vcOperateOtherMic', { operate_user_id: wesId, operate: 0 });
    const list = await hana.send('vcGetUserList');
    const wesAfter = list.json?.data?.user_list?.find((u) => u.user_id === wesId);
    h.check("a visitor's host-only operation over HTTP gets 410 and changes nothing",
      vicJoined.json?.code === 200 && vic.user.user_role !== 1 && refused.status === 200 &&
        refused.json?.code === 410 && Number(wesAfter?.mic) === 1,
      `code ${refused.json?.code}, Wes's mic ${wesAfter?.mic}`);

    // 5. Credentials are checked on every request and poll.
    const wrong = await vic.send('vcGetUserList', { token: '0'.repeat(32) });
    const wrongPoll = await vic.poll(0, '0'.repeat(32));
    h.check('a wrong token gets 452 (request and poll)', wrong.json?.code === 452 && wrongPoll.json.code === 452,
      `${wrong.json?.message} / ${wrongPoll.json.message}`);
    const empty = await vic.send('vcGetUserList', { token: '' });
    h.check('an empty token gets 451', empty.json?.code === 451, empty.json?.message);

    // 6. The HTTP member moves onto a WebSocket with its credentials: same member.
    const vws = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(vws);
    const resumed = await vws.request('vcResync', vic.creds);
    h.check('an HTTP member resumed on a WebSocket keeps its user id',
      resumed.code === 200 && resumed.response?.resumed === 1 && resumed.response?.user?.user_id === vic.user.user_id &&
        resumed.response?.user_list?.length === 3,
      `code ${resumed.code}, ${resumed.response?.user?.user_id} vs ${vic.user.user_id}`);
    await hana.send('vcSendMessage', { message: 'to the resumed socket' });
    const onSocket = await vws.inform((m) => m.event === 'vcOnMessage' && m.data.message === 'to the resumed socket');
    h.check('...and gets the room\'s informs on that socket', onSocket.data.user_id === hana.user.user_id);

    // 7. Malformed bodies: 400 with a message that says what is wrong; the server carries on.
    const notJson = await post(base, 'this is not JSON');
    h.check('a body that is not JSON gets 400 saying so',
      notJson.status === 400 && notJson.json?.code === 400 && /JSON/.test(notJson.json?.message),
      notJson.json?.message);
    const badName = await post(base, { event_name: 5, content: {} });
    const badContent = await post(base, { event_name: 'vcGetUserList', content: 'x' });
    h.check('fields of the wrong type get 400 naming the field',
      badName.status === 400 && /event_name/.test(badName.json?.message) &&
        badContent.status === 400 && /content/.test(badContent.json?.message),
      `${badName.json?.message} / ${badContent.json?.message}`);

    // 8. A body over --max-message-bytes: 413 before it is read.
    const big = await post(base, { event_name: 'vcSendMessage', content: { ...hana.creds, message: 'x'.repeat(MAX_BODY) } })
      .catch((e) => ({ status: 0, json: null, error: String(e) }));
    h.check(`a body over --max-message-bytes (${MAX_BODY}) gets 413`,
      big.status === 413 && big.json?.code === 413, big.error ?? big.json?.message);

    // A slow reader asks for fewer poses (vcSetMediaReceive): the relay then forwards a
    // sender's pose to it at that rate. Rates from the arrival times of 30 poses each.
    const reader = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(reader);
    await reader.request('vcJoinRoom', { room_id: 'thin', user_name: 'Reader' });
    const poser = startBot(server.ws, { room: 'thin', name: 'Poser' });
    try {
      const full = ratePerSecond(await reader.nextPoses(30));
      const wish = await reader.request('vcSetMediaReceive', { pose_hz: 10 });
      const thinned = ratePerSecond(await reader.nextPoses(30));
      const refused = await reader.request('vcSetMediaReceive', { pose_hz: 99 });
      h.check('a reader that asks for 10 poses/s gets about that from a 30/s sender (keyframes always pass)',
        wish.code === 200 && full > 20 && thinned >= 5 && thinned <= 0.5 * full && refused.code === 400,
        `${full.toFixed(1)}/s before, ${thinned.toFixed(1)}/s after; pose_hz 99: ${refused.code}`);
    } finally {
      await poser.stop();
    }

    const after = await hana.send('vcSendMessage', { message: 'still here' });
    const health = await (await fetch(`${base}/healthz`)).json();
    h.check('the server keeps serving after bad input', after.json?.code === 200 && health.status === 'ok' &&
      server.proc.exitCode === null, JSON.stringify(health));
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await server.stop();
  }
}
