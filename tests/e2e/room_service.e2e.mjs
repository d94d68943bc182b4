// LiveKit's RoomService against the real server, driven by livekit-server-sdk's
// RoomServiceClient (as an operator's backend would): every method, what members on
// WebSockets see of each call (removed, muted, asked to unmute, renamed, data, the meeting
// ended), and every refusal (no grant, another room's admin, unknown room or member, bad or
// expired token, malformed body) with the Twirp code and status the SDK throws; and in one
// browser, a page renamed, sent data and removed.
import crypto from 'node:crypto';
import { AccessToken, DataPacket_Kind, RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import { waitFor } from './lib/harness.mjs';
import { openParticipant, startServer, state } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';

const TIMEOUT_MS = 15000;
const KEY = 'e2e-operator', SECRET = crypto.randomBytes(24).toString('hex');
const ROOM = 'standup';

async function mint({ grant = {}, secret = SECRET, ...options }) {
  const at = new AccessToken(KEY, secret, options);
  at.addGrant(grant);
  return at.toJwt();
}

// A JWT whose times are set by hand (the SDK will not mint an expired one).
function expiredJwt(grant) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signed = `${part({ alg: 'HS256' })}.${part({ iss: KEY, nbf: now - 3600, exp: now - 600, video: grant })}`;
  return `${signed}.${crypto.createHmac('sha256', SECRET).update(signed).digest('base64url')}`;
}

// Runs an SDK call expected to fail: the thrown error's {code, status} (or what it returned).
async function refusal(call) {
  try {
    const r = await call();
    return { code: 'no error', status: 200, returned: r };
  } catch (e) {
    return { code: e.code, status: e.status, message: e.message };
  }
}

export async function run(h) {
  h.begin('room service: LiveKit\'s RoomServiceClient drives rooms and members');
  const sockets = [];
  let server = null, browser = null;
  try {
    server = await startServer({ dev: false, extraArgs: ['--api-key', KEY, '--api-secret', SECRET] });
    const svc = new RoomServiceClient(server.url, KEY, SECRET, { failover: false });
    const withToken = (token) => new RoomServiceClient(server.url, undefined, undefined, { token, failover: false });
    const twirp = async (method, body, token) => {
      const res = await fetch(`${server.url}/twirp/livekit.RoomService/${method}`, {
        method: 'POST', body, signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { 'Content-Type': 'application/json;charset=UTF-8', Authorization: `Bearer ${token}` },
      });
      return { status: res.status, type: res.headers.get('content-type'), json: await res.json().catch(() => null) };
    };
    const join = async (identity, name, content = {}) => {
      const c = wsClient(server.ws, TIMEOUT_MS);
      sockets.push(c);
      const token = await mint({ identity, name, grant: { roomJoin: true, room: ROOM } });
      const r = await c.request('vcJoinRoom', { room_id: ROOM, token, mic: 1, camera: 1, ...content });
      return { c, r };
    };
    const isEvent = (event, pred = () => true) => (m) => m.event === event && pred(m.data);

    // 1. CreateRoom before anyone joins, and ListRooms.
    const created = await svc.createRoom({ name: ROOM, emptyTimeout: 300, departureTimeout: 20, maxParticipants: 3, metadata: 'm0' });
    h.check('CreateRoom returns the Room', created.name === ROOM && created.sid === `RM_${ROOM}` && created.emptyTimeout === 300 &&
      created.maxParticipants === 3 && created.metadata === 'm0' && created.numParticipants === 0 && created.creationTime > 0n,
      JSON.stringify(created.toJson()));
    const again = await svc.createRoom({ name: ROOM, maxParticipants: 9 });
    h.check('CreateRoom of an existing room returns it unchanged', again.maxParticipants === 3, JSON.stringify(again.toJson()));
    const listed = await svc.listRooms();
    h.check('ListRooms lists the created room', listed.some((r) => r.name === ROOM), JSON.stringify(listed.map((r) => r.name)));
    h.check('ListRooms with names filters', (await svc.listRooms(['nope'])).length === 0 && (await svc.listRooms([ROOM])).length === 1);

    // 2. Members join; the room's maxParticipants holds.
    const alice = await join('alice', 'Alice');
    const bob = await join('bob', 'Bob');
    const carol = await join('carol', 'Carol');
    h.check('three members joined', [alice, bob, carol].every((m) => m.r.code === 200), [alice, bob, carol].map((m) => m.r.message).join('; '));
    const dave = await join('dave', 'Dave');
    h.check('a fourth is refused: the created room holds 3', dave.r.code === 401, `${dave.r.code} ${dave.r.message}`);
    const [room] = await svc.listRooms([ROOM]);
    h.check('ListRooms counts the members', room?.numParticipants === 3, JSON.stringify(room?.toJson()));

    // 3. ListParticipants / GetParticipant.
    const people = await svc.listParticipants(ROOM);
    h.check('ListParticipants lists the members', people.map((p) => p.identity).join() === 'alice,bob,carol', people.map((p) => p.identity).join());
    const a = await svc.getParticipant(ROOM, 'alice');
    const mic = a.tracks.find((t) => t.sid === 'TR_alice_mic');
    h.check('GetParticipant: identity, name, ACTIVE, sid, mic track open', a.identity === 'alice' && a.name === 'Alice' &&
      a.sid === 'PA_alice' && a.state === 2 && mic?.source === TrackSource.MICROPHONE && mic?.muted === false &&
      a.permission?.canPublish === true && a.isPublisher === true, JSON.stringify(a.toJson()));

    // 4. MutePublishedTrack: muted closes at once; unmuted only asks.
    const muted = await svc.mutePublishedTrack(ROOM, 'alice', 'TR_alice_mic', true);
    h.check('MutePublishedTrack returns the muted track', muted.sid === 'TR_alice_mic' && muted.muted === true, JSON.stringify(muted.toJson?.()));
    const told = await bob.c.inform(isEvent('vcOnOperateOtherMic', (d) => d.operate_user_id === 'alice' && d.operate === 0));
    await alice.c.inform(isEvent('vcOnOperateOtherMic', (d) => d.operate_user_id === 'alice' && d.operate === 0));
    const list = await bob.c.request('vcGetUserList');
    h.check('muted: every member told, the user record has mic 0', told &&
      list.response.user_list.find((u) => u.user_id === 'alice')?.mic === 0, JSON.stringify(list.response.user_list.map((u) => [u.user_id, u.mic])));
    await svc.mutePublishedTrack(ROOM, 'alice', 'TR_alice_mic', false);
    const asked = await alice.c.inform(isEvent('vcOnOperateOtherMic', (d) => d.operate_user_id === 'alice' && d.operate === 1));
    const stillMuted = (await svc.getParticipant(ROOM, 'alice')).tracks.find((t) => t.sid === 'TR_alice_mic');
    h.check('unmute is a request to the member, never forced', !!asked && stillMuted?.muted === true, JSON.stringify(stillMuted?.toJson?.()));

    // 5. UpdateParticipant: name, metadata, attributes; then the permission.
    const updated = await svc.updateParticipant(ROOM, 'bob', { name: 'Bobby', metadata: 'md', attributes: { team: 'red', desk: '4' } });
    h.check('UpdateParticipant returns the member updated', updated.name === 'Bobby' && updated.metadata === 'md' &&
      updated.attributes.team === 'red', JSON.stringify(updated.toJson()));
    const renamed = await alice.c.inform(isEvent('vcOnUserUpdate', (d) => d.user?.user_id === 'bob' && d.user?.user_name === 'Bobby'));
    h.check('renamed: members get vcOnUserUpdate with the new name and data', renamed.data.user.metadata === 'md' &&
      renamed.data.user.attributes.desk === '4', JSON.stringify(renamed.data));
    // The sentinel for "bob was not asked to unmute alice's mic": that went to alice alone.
    await bob.c.inform(isEvent('vcOnUserUpdate', (d) => d.user?.user_name === 'Bobby'));
    h.check('the unmute request went to that member alone', !bob.c.informs.some(isEvent('vcOnOperateOtherMic', (d) => d.operate === 1)));
    const dropped = await svc.updateParticipant(ROOM, 'bob', { attributes: { team: '' } });
    h.check('an attribute set to "" is deleted', !('team' in dropped.attributes) && dropped.attributes.desk === '4', JSON.stringify(dropped.attributes));
    const limited = await svc.updateParticipant(ROOM, 'carol', {
      permission: { canPublish: true, canSubscribe: true, canPublishData: true, canPublishSources: [TrackSource.MICROPHONE] } });
    const cameraOff = await carol.c.inform(isEvent('vcOnOperateOtherCamera', (d) => d.operate_user_id === 'carol' && d.operate === 0));
    h.check('a permission without the camera closes carol\'s camera', !!cameraOff &&
      limited.permission.canPublishSources.join() === String(TrackSource.MICROPHONE) &&
      !limited.tracks.some((t) => t.source === TrackSource.CAMERA), JSON.stringify(limited.toJson()));
    const reopen = await carol.c.request('vcOperateSelfCamera', { operate: 1 });
    h.check('...and she may not open it again', reopen.code === 410, `${reopen.code} ${reopen.message}`);

    // 6. SendData: to everyone, then to one.
    await svc.sendData(ROOM, Buffer.from('hello'), DataPacket_Kind.RELIABLE, { topic: 'chat' });
    const got = await Promise.all([alice, bob, carol].map((m) => m.c.inform(isEvent('vcOnData', (d) => d.topic === 'chat'))));
    h.check('SendData reaches every member (base64 as given, from the server)', got.every((m) =>
      m.data.data === Buffer.from('hello').toString('base64') && m.data.from === 'server' && m.data.room_id === ROOM), JSON.stringify(got[0]?.data));
    await svc.sendData(ROOM, Buffer.from('psst'), DataPacket_Kind.RELIABLE, { topic: 'dm', destinationIdentities: ['bob'] });
    await bob.c.inform(isEvent('vcOnData', (d) => d.topic === 'dm'));
    await svc.sendData(ROOM, Buffer.from('end'), DataPacket_Kind.RELIABLE, { topic: 'sentinel' });
    await Promise.all([alice, carol].map((m) => m.c.inform(isEvent('vcOnData', (d) => d.topic === 'sentinel'))));
    h.check('SendData to named identities reaches only them',
      ![alice, carol].some((m) => m.c.informs.some(isEvent('vcOnData', (d) => d.topic === 'dm'))));

    // 7. UpdateRoomMetadata.
    const meta = await svc.updateRoomMetadata(ROOM, 'm1');
    const roomUpdate = await bob.c.inform(isEvent('vcOnRoomUpdate', (d) => d.metadata === 'm1'));
    h.check('UpdateRoomMetadata returns the Room and tells members', meta.metadata === 'm1' && !!roomUpdate, JSON.stringify(meta.toJson()));

    // 8. Refusals.
    const noGrant = await refusal(() => withToken(refusalTokens.joinOnly).listParticipants(ROOM));
    h.check('no roomAdmin grant: 403 permission_denied', noGrant.code === 'permission_denied' && noGrant.status === 403, JSON.stringify(noGrant));
    const noList = await refusal(() => withToken(refusalTokens.joinOnly).listRooms());
    h.check('no roomList grant: 403 permission_denied', noList.code === 'permission_denied' && noList.status === 403, JSON.stringify(noList));
    const noCreate = await refusal(() => withToken(refusalTokens.otherAdmin).deleteRoom(ROOM));
    h.check('no roomCreate grant: DeleteRoom 403', noCreate.code === 'permission_denied' && noCreate.status === 403, JSON.stringify(noCreate));
    const otherRoom = await refusal(() => withToken(refusalTokens.otherAdmin).removeParticipant(ROOM, 'bob'));
    h.check('admin of another room: 403 permission_denied', otherRoom.code === 'permission_denied' && otherRoom.status === 403, JSON.stringify(otherRoom));
    const noRoom = await refusal(() => svc.listParticipants('nowhere'));
    h.check('unknown room: 404 not_found', noRoom.code === 'not_found' && noRoom.status === 404, JSON.stringify(noRoom));
    const noMember = await refusal(() => svc.getParticipant(ROOM, 'ghost'));
    const noRemove = await refusal(() => svc.removeParticipant(ROOM, 'ghost'));
    h.check('unknown identity: 404 not_found', noMember.code === 'not_found' && noMember.status === 404 &&
      noRemove.code === 'not_found', JSON.stringify([noMember, noRemove]));
    const noTrack = await refusal(() => svc.mutePublishedTrack(ROOM, 'bob', 'TR_nope', true));
    h.check('unknown track: 404 not_found', noTrack.code === 'not_found', JSON.stringify(noTrack));
    const forged = await refusal(() => new RoomServiceClient(server.url, KEY, 'x'.repeat(48), { failover: false }).listRooms());
    h.check('a token signed with another secret: 401 unauthenticated', forged.code === 'unauthenticated' && forged.status === 401, JSON.stringify(forged));
    const expired = await refusal(() => withToken(expiredJwt({ roomList: true })).listRooms());
    h.check('an expired token: 401 unauthenticated', expired.code === 'unauthenticated' && expired.status === 401, JSON.stringify(expired));
    const adminToken = await mint({ grant: { roomAdmin: true, room: ROOM, roomList: true }, ttl: 600 });
    const malformed = await twirp('ListParticipants', '{"room":', adminToken);
    h.check('a malformed body: 400 with a Twirp error, Content-Type exactly application/json', malformed.status === 400 &&
      malformed.json?.code === 'malformed' && malformed.type === 'application/json', JSON.stringify(malformed));
    const badField = await twirp('UpdateParticipant', JSON.stringify({ room: ROOM, identity: 'bob', attributes: 'x' }), adminToken);
    h.check('a wrong field type: 400 invalid_argument', badField.status === 400 && badField.json?.code === 'invalid_argument', JSON.stringify(badField));
    const noAuth = await twirp('ListRooms', '{}', '');
    h.check('no token: 401 unauthenticated', noAuth.status === 401 && noAuth.json?.code === 'unauthenticated', JSON.stringify(noAuth));

    // 9. RemoveParticipant: carol is told, her socket closes with 4002, she is gone for good.
    const carolToken = carol.r.response.token;
    await svc.removeParticipant(ROOM, 'carol');
    const removed = await carol.c.inform(isEvent('vcOnRemoved'));
    const closed = await carol.c.closed;
    h.check('removed: vcOnRemoved, then the socket closes with 4002', removed.data.room_id === ROOM && closed.code === 4002,
      `${JSON.stringify(removed.data)} ${JSON.stringify(closed)}`);
    const left = await alice.c.inform(isEvent('vcOnLeaveRoom', (d) => d.user?.user_id === 'carol'));
    h.check('the others get the normal leave inform', !!left);
    h.check('carol is no longer listed', !(await svc.listParticipants(ROOM)).some((p) => p.identity === 'carol'));
    const back = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(back);
    const resume = await back.request('vcResync', { room_id: ROOM, user_id: 'carol', token: carolToken });
    h.check('her member token no longer resumes', resume.code === 404, `${resume.code} ${resume.message}`);

    // 10. DeleteRoom ends the meeting for everyone.
    await svc.deleteRoom(ROOM);
    const ends = await Promise.all([alice, bob].map((m) => m.c.inform(isEvent('vcOnFinishRoom'))));
    h.check('DeleteRoom: every member gets vcOnFinishRoom', ends.every((m) => m.data.room_id === ROOM));
    h.check('...and the room is no longer listed', !(await svc.listRooms()).some((r) => r.name === ROOM));
    const twice = await refusal(() => svc.deleteRoom(ROOM));
    h.check('DeleteRoom of a room that is gone: 404 not_found', twice.code === 'not_found', JSON.stringify(twice));

    // 11. An empty room is forgotten after its emptyTimeout.
    await svc.createRoom({ name: 'brief', emptyTimeout: 1 });
    const deadline = Date.now() + 10000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      gone = !(await svc.listRooms(['brief'])).length;
      if (!gone) await new Promise((r) => setTimeout(r, 200));
    }
    h.check('a room nobody joins is forgotten after its emptyTimeout', gone);

    // 12. What a person in the browser sees of the operator's calls (one Chromium).
    const pageToken = await mint({ identity: 'pat', name: 'Pat', grant: { roomJoin: true, room: 'browser' } });
    browser = await openParticipant(`${server.url}/?token=${encodeURIComponent(pageToken)}`, {
      initScript: () => {
        window.__pmSeen = [];
        const hook = () => {
          if (!window.PoseMeet) return setTimeout(hook, 5);
          for (const name of ['data', 'removed', 'participantUpdated'])
            window.PoseMeet.on(name, (d) => window.__pmSeen.push({ name, d }));
        };
        hook();
      },
    });
    const seen = (name) => waitFor(async () => (await browser.page.evaluate(() => window.__pmSeen))
      .find((e) => e.name === name), TIMEOUT_MS);
    const joinedPage = await waitFor(async () => (await state(browser))?.status === 'joined', TIMEOUT_MS);
    await svc.updateParticipant('browser', 'pat', { name: 'Pat Renamed' });
    const pageRenamed = await waitFor(async () => (await state(browser))?.self?.user_name === 'Pat Renamed', TIMEOUT_MS);
    h.check('the page shows its new name when the operator renames it (UpdateParticipant)', !!joinedPage && !!pageRenamed);
    await svc.sendData('browser', new TextEncoder().encode('hello page'), DataPacket_Kind.RELIABLE, { topic: 'news' });
    const pageData = await seen('data');
    h.check('the page gets SendData as a "data" event', pageData?.d?.topic === 'news' &&
      Buffer.from(pageData.d.data, 'base64').toString() === 'hello page', JSON.stringify(pageData));
    await svc.removeParticipant('browser', 'pat');
    const pageRemoved = await seen('removed');
    const after = await waitFor(async () => {
      const st = await state(browser);
      return st?.status === 'ended' ? st : null;
    }, TIMEOUT_MS);
    // It stays out: the room on the server has nobody once the removal settled.
    const empty = await waitFor(async () => !(await svc.listParticipants('browser').catch(() => [])).length, TIMEOUT_MS);
    h.check('a removed page says so in words, stops, and does not rejoin (RemoveParticipant)',
      !!pageRemoved && /removed/.test(after?.error ?? '') && !!empty && (await state(browser))?.status === 'ended',
      `${after?.status}: ${after?.error}`);
    h.check('the page raised no script errors', browser.errors.length === 0, browser.errors.join('; '));
  } finally {
    if (browser) await browser.close();
    for (const c of sockets) await c.close().catch(() => {});
    if (server) await server.stop();
  }
}

// Tokens the refusal checks use, minted once the module loads (top-level await).
const refusalTokens = {
  joinOnly: await mint({ identity: 'op', grant: { roomJoin: true, room: ROOM }, ttl: 600 }),
  otherAdmin: await mint({ grant: { roomAdmin: true, room: 'elsewhere', roomList: true }, ttl: 600 }),
};
