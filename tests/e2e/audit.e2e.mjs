// The audit log against the real server (no browser): a host mutes a member over the
// WebSocket, a visitor tries host operations over the WebSocket and the HTTP form (refused
// 410, recorded with that code), the operator's RoomServiceClient removes a member; then
// GET /api/v1/audit with an admin token lists exactly those actions in order with actor,
// target, api and code; paging by `after`; refusals (no token 401, a bad one 401, a
// roomJoin-only token 403, another room's admin 403, bad parameters 400); and a member
// name carrying SQL and HTML comes back verbatim.
import crypto from 'node:crypto';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { startServer } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';

const TIMEOUT_MS = 15000;
const KEY = 'e2e-auditor', SECRET = crypto.randomBytes(24).toString('hex');
const ROOM = 'board';
const NASTY = "Eve'); DROP TABLE audit_log; -- <script>alert(1)</script>";

async function mint({ grant = {}, ...options }) {
  const at = new AccessToken(KEY, SECRET, options);
  at.addGrant(grant);
  return at.toJwt();
}

export async function run(h) {
  h.begin('audit: host and operator actions, read back by an admin token');
  const sockets = [];
  let server = null;
  try {
    server = await startServer({ dev: false, extraArgs: ['--api-key', KEY, '--api-secret', SECRET] });
    const audit = async (query, token) => {
      const res = await fetch(`${server.url}/api/v1/audit${query}`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    };
    const join = async (identity, name) => {
      const c = wsClient(server.ws, TIMEOUT_MS);
      sockets.push(c);
      const token = await mint({ identity, name, grant: { roomJoin: true, room: ROOM } });
      const r = await c.request('vcJoinRoom', { room_id: ROOM, token, mic: 1, camera: 1 });
      return { c, r };
    };

    // 1. The host (first in) mutes Eve, whose name carries SQL and HTML.
    const host = await join('hana', 'Hana');
    const eve = await join('eve', NASTY);
    const vic = await join('vic', 'Vic');
    h.check('three members joined', [host, eve, vic].every((m) => m.r.code === 200),
      [host, eve, vic].map((m) => m.r.message).join('; '));
    const muted = await host.c.request('vcOperateOtherMic', { operate_user_id: 'eve', operate: 0 });
    h.check('the host mutes Eve', muted.code === 200, JSON.stringify(muted));

    // 2. A visitor tries host operations: over the WebSocket, and over the HTTP form.
    const refused = await vic.c.request('vcOperateOtherMic', { operate_user_id: 'hana', operate: 0 });
    h.check('a visitor muting the host is refused with 410', refused.code === 410, JSON.stringify(refused));
    const form = await fetch(`${server.url}/api/v1/rts/message`, {
      method: 'POST', signal: AbortSignal.timeout(TIMEOUT_MS),
      body: JSON.stringify({ v: 1, event_name: 'vcFinishRoom', request_id: 'f1',
        content: { room_id: ROOM, user_id: 'vic', token: vic.r.response.token } }),
    }).then((r) => r.json());
    h.check('a visitor ending the meeting over the HTTP form is refused with 410', form.code === 410, JSON.stringify(form));
    // Member requests that are not host operations are not recorded.
    await vic.c.request('vcOperateSelfMic', { operate: 0 });

    // 3. The operator removes Vic.
    const svc = new RoomServiceClient(server.url, KEY, SECRET, { failover: false });
    await svc.removeParticipant(ROOM, 'vic');
    h.check('the operator removed Vic', (await vic.c.closed).code === 4002);

    // 4. The admin reads the log.
    const admin = await mint({ identity: 'auditor', grant: { roomAdmin: true, room: ROOM } });
    const all = await audit(`?room=${ROOM}`, admin);
    const entries = all.json?.entries ?? [];
    const shape = entries.map((e) => [e.action, e.actor, e.actor_kind, e.target, e.api, e.code].join(' '));
    h.check('the log lists the four actions in order with actor, target, api and code', all.status === 200 && JSON.stringify(shape) === JSON.stringify([
      'vcOperateOtherMic hana member eve websocket 200',
      'vcOperateOtherMic vic member hana websocket 410',
      'vcFinishRoom vic member  http 410',
      `RemoveParticipant ${KEY} operator vic room_service 200`,
    ]), JSON.stringify(all.json));
    h.check('entries carry ids, times, the room and details', entries.length === 4 &&
      entries.every((e, i) => e.room_id === ROOM && e.time > Date.now() - 600000 && (i === 0 || e.id > entries[i - 1].id)) &&
      all.json.next === entries[3].id && entries[0].detail.operate === 0 && entries[0].detail.actor_name === 'Hana',
      JSON.stringify(entries.map((e) => e.detail)));
    h.check('a name with SQL and HTML comes back verbatim', entries[0]?.detail?.target_name === NASTY,
      JSON.stringify(entries[0]?.detail));
    h.check('the operator is its API key; the token itself is nowhere', !JSON.stringify(all.json).includes(admin.split('.')[2]) &&
      !JSON.stringify(all.json).includes(SECRET));
    const page = await audit(`?room=${ROOM}&after=${entries[1]?.id}&limit=1`, admin);
    h.check('after and limit page through', page.status === 200 && page.json.entries.length === 1 &&
      page.json.entries[0].id === entries[2]?.id && page.json.next === entries[2]?.id, JSON.stringify(page.json));
    const end = await audit(`?room=${ROOM}&after=${all.json.next}`, admin);
    h.check('past the end: no entries, next unchanged', end.status === 200 && end.json.entries.length === 0 &&
      end.json.next === all.json.next, JSON.stringify(end.json));
    const lister = await mint({ grant: { roomList: true } });
    const every = await audit('', lister);
    h.check('a roomList token reads every room', every.status === 200 && every.json.entries.length === 4, JSON.stringify(every.json));

    // 5. Refusals.
    h.check('no token: 401', (await audit(`?room=${ROOM}`)).status === 401);
    h.check('a token signed with another secret: 401', (await audit(`?room=${ROOM}`,
      await new AccessToken(KEY, crypto.randomBytes(24).toString('hex'), {}).toJwt())).status === 401);
    const joinOnly = await mint({ identity: 'x', grant: { roomJoin: true, room: ROOM } });
    h.check('a roomJoin-only token: 403', (await audit(`?room=${ROOM}`, joinOnly)).status === 403);
    const otherAdmin = await mint({ grant: { roomAdmin: true, room: 'elsewhere' } });
    const other = await audit(`?room=${ROOM}`, otherAdmin);
    h.check('an admin token for another room: 403', other.status === 403, JSON.stringify(other.json));
    h.check('an admin token without a room parameter: 400', (await audit('', admin)).status === 400);
    h.check('limit over 1000: 400', (await audit(`?room=${ROOM}&limit=1001`, admin)).status === 400);
    h.check('an unknown parameter: 400', (await audit(`?room=${ROOM}&sql=1`, admin)).status === 400);
    const still = await audit(`?room=${ROOM}`, admin);
    h.check('the table is intact after all that', still.status === 200 && still.json.entries.length === 4);
  } finally {
    for (const c of sockets) await c.close().catch(() => {});
    if (server) await server.stop();
  }
}
