// Meeting controls end to end: a host (Ann) and two visitors (Bob, 陈) in three browsers.
// Mute-all, mic and share apply/permit, refusals of non-host operations, ask-to-unmute,
// chat (Chinese, private), reconnect after a cut socket, host hand-over, ending the meeting.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './lib/harness.mjs';
import { recordEvents, recordedEvents, waitForEvent } from './lib/page_clock.mjs';
import { decodePng } from './lib/png.mjs';
import { startServer, openParticipant, state, ARTIFACTS } from './lib/processes.mjs';

const ROOM = 'controls';
const CHEN = '陈';
const CHAT = '你好，大家好！会议开始了';

// Runs a PoseMeet call in the page; resolves to {ok, code, message, at} (never throws), `at`
// being the page's Date.now() just before the call: the action's moment on the clock that
// other pages stamp their events with (lib/page_clock.mjs).
function call(p, expr, args = []) {
  return p.page.evaluate(async ([expr, args]) => {
    const at = Date.now();
    try {
      // eslint-disable-next-line no-new-func
      const fn = new Function('PoseMeet', 'args', `return (${expr});`);
      await fn(window.PoseMeet, args);
      return { ok: true, code: 200, at };
    } catch (e) { return { ok: false, code: e && e.code, message: e && e.message, at }; }
  }, [expr, args]);
}

const gotEvent = (s, name, pred = () => true) => !!(s && s.events && s.events.some((e) => e.event === name && pred(e.data || {})));
const member = (s, id) => s && s.participants.find((x) => x.user_id === id);
const fmt = (r) => r.ok ? 'resolved' : `rejected code ${r.code} ${r.message || ''}`;

// A TCP pass-through in front of the server for one browser's WebSocket, so the test can
// cut that connection abruptly (RST, no close frame) and keep it down for a while.
// (Chromium's DevTools "offline" emulation does not affect an already-open WebSocket.)
function startCutProxy(targetPort) {
  const pairs = new Set();
  const proxy = { down: false, port: 0, connections: 0 };
  const srv = net.createServer((client) => {
    if (proxy.down) { proxy.refused++; client.resetAndDestroy(); return; }
    proxy.connections++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    pairs.add(pair);
    const drop = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on('error', drop); upstream.on('error', drop);
    client.on('close', drop); upstream.on('close', drop);
    client.pipe(upstream); upstream.pipe(client);
  });
  proxy.cut = () => {
    proxy.down = true;
    for (const [a, b] of pairs) { a.resetAndDestroy(); b.resetAndDestroy(); }
    pairs.clear();
  };
  proxy.restore = () => { proxy.down = false; };
  // Stops passing the browser's bytes on to the server (the server's still flow back), so a
  // request sent now stays unanswered until the cut.
  proxy.hold = () => { for (const [client, upstream] of pairs) client.unpipe(upstream); };
  proxy.refused = 0;  // connection attempts turned away while down (the client's retries)
  proxy.close = () => { proxy.cut(); return new Promise((r) => srv.close(() => r())); };
  proxy.ready = new Promise((r) => srv.listen(0, '127.0.0.1', () => { proxy.port = srv.address().port; r(proxy); }));
  return proxy;
}

export async function run(h, figures) {
  h.begin('meeting controls: host and two visitors');
  const t0 = Date.now();
  const server = await startServer();
  const cutProxy = startCutProxy(server.port);
  await cutProxy.ready;
  const people = {};
  let late = null;
  const all = () => Object.values(people);
  const states = () => Promise.all(all().map(state));
  // Waits until pred holds for every open browser's state; returns states or null.
  const everywhere = (pred, ms = 4000, interval = 50) => waitFor(async () => {
    const s = await states();
    return s.every((x) => x && pred(x)) ? s : null;
  }, ms, interval);
  const dump = async (f) => JSON.stringify((await states()).map(f));
  // Negative checks ("nobody was told", "nothing changed") wait for a positive sentinel
  // first: `from` (the one who acted) sends a chat message after the action, and once every
  // browser has it, anything the action made the server send has arrived too (one socket
  // per browser, delivered in order). Resolves to true once everyone has it.
  let sentinels = 0;
  const sentinel = async (from) => {
    const text = `sentinel ${++sentinels}`;
    const sent = await call(from, 'PoseMeet.sendMessage(args[0])', [text]);
    return sent.ok && !!(await everywhere((s) => s.meeting.chat.some((m) => m.message === text), 10000));
  };
  try {
    for (const name of ['Ann', 'Bob', CHEN]) {
      // Bob's WebSocket goes through the proxy (step 8); the page itself comes from the server.
      const via = name === 'Bob' ? `&server=${encodeURIComponent(`ws://127.0.0.1:${cutProxy.port}`)}` : '';
      const p = await openParticipant(`${server.url}/?room=${ROOM}&name=${encodeURIComponent(name)}${via}`);
      people[name] = p;
      const ok = await waitFor(async () => (await state(p))?.status === 'joined', 15000);
      h.check(`${name} joins`, !!ok);
    }
    const { Ann: ann, Bob: bob } = people;
    const chen = people[CHEN];
    const three = await everywhere((s) => s.participants.length === 3, 8000);
    const s0 = await states();
    const ids = {};
    for (const [n, s] of Object.entries(people).map(([n], i) => [n, s0[i]])) ids[n] = s.self.user_id;
    const ANN = ids.Ann, BOB = ids.Bob, CHN = ids[CHEN];
    // Every page stamps its events as they arrive (timings below come from these stamps).
    await Promise.all(all().map((p) => recordEvents(p)));

    // 1. roles and order.
    const roleOk = !!three && s0.every((s) => JSON.stringify(s.participants.map((p) => [p.user_name, p.user_role])) ===
      JSON.stringify([['Ann', 1], ['Bob', 0], [CHEN, 0]]));
    h.check('roles: Ann host (1), Bob and 陈 visitors (0), same join order everywhere', roleOk,
      JSON.stringify(s0.map((s) => s && s.participants.map((p) => [p.user_name, p.user_role]))));
    h.check('each browser knows its own role', s0[0].self.user_role === 1 && s0[1].self.user_role === 0 && s0[2].self.user_role === 0,
      s0.map((s) => s.self.user_role).join(','));

    // 2. mute-all without self-unmute.
    let r = await call(bob, 'PoseMeet.setMic(true)');
    h.check('Bob unmutes himself before mute-all', r.ok, fmt(r));
    h.check('every browser shows Bob mic 1', !!(await everywhere((s) => member(s, BOB)?.mic === 1)), await dump((s) => member(s, BOB)?.mic));
    r = await call(ann, 'PoseMeet.host.muteAll(false)');
    h.check('host muteAll(false) accepted', r.ok, fmt(r));
    // From Ann's click (her page's clock) to Bob's page getting the notification (his).
    const informed = await waitForEvent(bob, (e) => e.name === 'inform' && e.data.event === 'vcOnOperateAllMic' && e.at >= r.at, 4000);
    if (informed) figures.host_action_to_notification_ms = informed.at - r.at;
    const muted = await everywhere((s) => member(s, BOB)?.mic === 0 && member(s, CHN)?.mic === 0 &&
      s.meeting.mic_all_status === 0 && s.meeting.operate_self_mic_permission === 0);
    h.check('mute-all: Bob and 陈 mic 0, mic_all_status 0, operate_self_mic_permission 0 everywhere', !!muted,
      await dump((s) => [member(s, BOB)?.mic, member(s, CHN)?.mic, s.meeting.mic_all_status, s.meeting.operate_self_mic_permission]));
    const [sb, sc] = [await state(bob), await state(chen)];
    h.check('Bob and 陈 received vcOnOperateAllMic', gotEvent(sb, 'vcOnOperateAllMic') && gotEvent(sc, 'vcOnOperateAllMic'));
    r = await call(bob, 'PoseMeet.setMic(true)');
    h.check('Bob setMic(true) after mute-all rejects with 410', !r.ok && r.code === 410, fmt(r));
    let seen = await sentinel(bob);
    h.check('Bob mic stays 0 everywhere', seen && (await states()).every((s) => member(s, BOB)?.mic === 0),
      `sentinel ${seen ? 'seen' : 'not seen'}; ` + await dump((s) => member(s, BOB)?.mic));

    // 3. mic apply / permit / deny.
    r = await call(bob, 'PoseMeet.askToSpeak()');
    h.check('Bob askToSpeak accepted', r.ok, fmt(r));
    const annApply = await waitFor(async () => { const s = await state(ann); return s.meeting.mic_applications.includes(BOB) && gotEvent(s, 'vcOnOperateSelfMicApply') ? s : null; }, 4000);
    h.check('Ann sees Bob in mic_applications and got vcOnOperateSelfMicApply', !!annApply,
      JSON.stringify((await state(ann)).meeting.mic_applications));
    r = await call(ann, 'PoseMeet.host.answerMicRequest(args[0], true)', [BOB]);
    h.check('Ann permits Bob to speak', r.ok, fmt(r));
    const permit = await waitFor(async () => gotEvent(await state(bob), 'vcOnOperateSelfMicPermit', (d) => d.permit === 1), 4000);
    h.check('Bob got vcOnOperateSelfMicPermit permit 1', !!permit,
      JSON.stringify((await state(bob)).events.filter((e) => /Permit/.test(e.event))));
    r = await call(bob, 'PoseMeet.setMic(true)');
    h.check('Bob setMic(true) now resolves', r.ok, fmt(r));
    h.check('every browser shows Bob mic 1', !!(await everywhere((s) => member(s, BOB)?.mic === 1)), await dump((s) => member(s, BOB)?.mic));
    r = await call(chen, 'PoseMeet.askToSpeak()');
    h.check('陈 askToSpeak accepted', r.ok, fmt(r));
    await waitFor(async () => (await state(ann)).meeting.mic_applications.includes(CHN), 4000);
    r = await call(ann, 'PoseMeet.host.answerMicRequest(args[0], false)', [CHN]);
    h.check('Ann denies 陈', r.ok, fmt(r));
    const deny = await waitFor(async () => gotEvent(await state(chen), 'vcOnOperateSelfMicPermit', (d) => d.permit === 0), 4000);
    h.check('陈 got vcOnOperateSelfMicPermit permit 0', !!deny,
      JSON.stringify((await state(chen)).events.filter((e) => /Permit/.test(e.event))));
    r = await call(chen, 'PoseMeet.setMic(true)');
    h.check('陈 setMic(true) still rejects with 410', !r.ok && r.code === 410, fmt(r));

    // 4. share apply / permit / revoke.
    r = await call(bob, "PoseMeet.startShare('screen')");
    h.check('Bob startShare without permission rejects 410', !r.ok && r.code === 410, fmt(r));
    r = await call(bob, 'PoseMeet.askToShare()');
    h.check('Bob askToShare accepted', r.ok, fmt(r));
    h.check('Ann sees Bob in share_applications',
      !!(await waitFor(async () => (await state(ann)).meeting.share_applications?.includes(BOB), 4000)),
      JSON.stringify((await state(ann)).meeting.share_applications));
    r = await call(ann, 'PoseMeet.host.answerShareRequest(args[0], true)', [BOB]);
    h.check('Ann permits Bob to share', r.ok, fmt(r));
    await waitFor(async () => (await state(bob)).self.share_permission === 1, 3000);
    r = await call(bob, "PoseMeet.startShare('board')");
    h.check("Bob startShare('board') resolves", r.ok, fmt(r));
    const sharing = await everywhere((s) => s.meeting.share_user_id === BOB && s.meeting.share_type === 1 && gotEvent(s, 'vcOnStartShare'));
    h.check('everyone sees share_user_id Bob, share_type 1 and vcOnStartShare', !!sharing,
      await dump((s) => [s.meeting.share_user_id === BOB, s.meeting.share_type, gotEvent(s, 'vcOnStartShare')]));
    r = await call(chen, "PoseMeet.startShare('screen')");
    h.check('陈 (no permission) startShare rejects 410', !r.ok && r.code === 410, fmt(r));
    r = await call(ann, 'PoseMeet.host.setSharePermission(args[0], false)', [BOB]);
    h.check("Ann revokes Bob's share permission", r.ok, fmt(r));
    const stopped = await everywhere((s) => s.meeting.share_user_id === '' && gotEvent(s, 'vcOnFinishShare'));
    h.check('everyone sees the share stopped and vcOnFinishShare', !!stopped,
      await dump((s) => [s.meeting.share_user_id, gotEvent(s, 'vcOnFinishShare')]));

    // 5. a visitor's host operations are refused.
    const before5 = await state(ann);
    r = await call(bob, 'PoseMeet.host.mute(args[0])', [ANN]);
    h.check('Bob host.mute(Ann) rejects 410', !r.ok && r.code === 410, fmt(r));
    r = await call(bob, 'PoseMeet.host.endMeeting()');
    h.check('Bob host.endMeeting rejects 410', !r.ok && r.code === 410, fmt(r));
    seen = await sentinel(bob);
    const after5 = await states();
    h.check('nothing changed: all joined, Ann still host with same mic', seen && after5.every((s) => s.status === 'joined' && member(s, ANN)?.user_role === 1 &&
      member(s, ANN)?.mic === member(before5, ANN)?.mic && s.participants.length === 3),
    `sentinel ${seen ? 'seen' : 'not seen'}; ` + JSON.stringify(after5.map((s) => [s.status, member(s, ANN)?.user_role, member(s, ANN)?.mic])));

    // 6. ask to unmute is a request.
    r = await call(ann, 'PoseMeet.host.allowMics()');
    h.check('Ann allowMics', r.ok, fmt(r));
    await everywhere((s) => s.meeting.mic_all_status === 1 || s.meeting.operate_self_mic_permission === 1, 3000);
    r = await call(ann, 'PoseMeet.host.askToUnmute(args[0])', [CHN]);
    h.check('Ann askToUnmute(陈) accepted', r.ok, fmt(r));
    const asked = await waitFor(async () => (await state(chen)).meeting.me.asked_mic_on === true, 4000);
    h.check('陈 sees asked_mic_on true', !!asked, JSON.stringify((await state(chen)).meeting.me));
    seen = await sentinel(ann);
    h.check('陈 mic still 0 everywhere (not forced)', seen && (await states()).every((s) => member(s, CHN)?.mic === 0),
      `sentinel ${seen ? 'seen' : 'not seen'}; ` + await dump((s) => member(s, CHN)?.mic));
    r = await call(chen, "PoseMeet.answerHostRequest('mic', true)");
    h.check('陈 accepts the request', r.ok, fmt(r));
    h.check('陈 mic 1 everywhere', !!(await everywhere((s) => member(s, CHN)?.mic === 1)), await dump((s) => member(s, CHN)?.mic));
    h.check('Ann got vcOnReplyOperateRequest',
      !!(await waitFor(async () => gotEvent(await state(ann), 'vcOnReplyOperateRequest'), 3000)));

    // 7. chat.
    r = await call(chen, 'PoseMeet.sendMessage(args[0])', [CHAT]);
    h.check('陈 sends a Chinese chat message', r.ok, fmt(r));
    const chat = await everywhere((s) => s.meeting.chat.some((m) => m.message === CHAT && m.user_name === CHEN));
    h.check('every browser has the exact Chinese message from 陈', !!chat,
      await dump((s) => s.meeting.chat.map((m) => [m.user_name, m.message])));
    const PRIV = 'private: Bob to Ann ' + Date.now();
    r = await call(bob, 'PoseMeet.sendMessage(args[0], args[1])', [PRIV, ANN]);
    h.check('Bob sends a private message to Ann', r.ok, fmt(r));
    const has = (s) => s.meeting.chat.some((m) => m.message === PRIV);
    const privOk = await waitFor(async () => has(await state(ann)) && has(await state(bob)), 4000);
    h.check('Ann and Bob see the private message', !!privOk);
    seen = await sentinel(bob);
    h.check('陈 does not see the private message', seen && !has(await state(chen)),
      `sentinel ${seen ? 'seen' : 'not seen'}; ` + JSON.stringify((await state(chen)).meeting.chat.map((m) => m.message)));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'controls-ann.png');
    fs.rmSync(shot, { force: true });  // a file left by an earlier run proves nothing
    await ann.page.screenshot({ path: shot });
    // Judged once the write has resolved, on what the file holds: a whole page-sized PNG
    // with a picture in it (more than a couple of colours), not just a file of that name.
    const saved = fs.existsSync(shot) ? decodePng(fs.readFileSync(shot)) : null;
    const colours = saved ? new Set(Array.from({ length: saved.width * saved.height }, (_, i) => saved.pixels.readUInt32BE(i * 4))).size : 0;
    h.check('screenshot of Ann saved', !!saved && saved.width === 720 && saved.height === 450 && colours > 16,
      saved ? `${shot}: ${saved.width}x${saved.height}, ${colours} colours` : `${shot} missing`);

    // 8. reconnect after the socket is cut (no close frame).
    const bobBefore = await state(bob);
    h.check("Bob's socket runs through the cut proxy", cutProxy.connections >= 1, `${cutProxy.connections} connection(s)`);
    // A request in flight when the connection goes settles then, rejected with 460.
    cutProxy.hold();
    await bob.page.evaluate(() => {
      window.__heldRequest = PoseMeet.sendMessage('held by the proxy').then(
        () => ({ ok: true }), (e) => ({ ok: false, code: e.code, message: e.message }));
    });
    const tCut = Date.now();
    cutProxy.cut();  // RST both ways; new connections are refused until restore()
    // Timed by the page's own stamp of its status change, not by how soon the test looks.
    const reconnecting = await waitForEvent(bob, (e) => e.name === 'status' && e.data.status === 'reconnecting' && e.at >= tCut, 15000);
    const cutMs = reconnecting ? reconnecting.at - tCut : Infinity;
    h.check("Bob's page notices the cut socket ('reconnecting')", !!reconnecting,
      `${cutMs} ms, status ${(await state(bob)).status}`);
    const held = await bob.page.evaluate(() => window.__heldRequest);
    // Normally it was sent and is failed by the drop ("disconnected before the server
    // answered"); on a page stalled for seconds the server may time the held socket out
    // first, and the request then finds the page reconnecting: it must settle all the same.
    h.check("Bob's request in flight at the cut is rejected with 460, not left waiting",
      !held.ok && held.code === 460 && /disconnected before the server answered|reconnecting/.test(held.message),
      JSON.stringify(held));
    const whileDown = await call(bob, 'PoseMeet.setCamera(false)');
    h.check('a request while reconnecting rejects at once with 460', !whileDown.ok && whileDown.code === 460 &&
      /reconnecting/.test(whileDown.message), fmt(whileDown));
    // Stay down until the client has retried and failed at least once (the proxy counts
    // the attempts it turns away), however long its back-off takes on a busy machine.
    await waitFor(() => cutProxy.refused >= 1, 15000);
    const refusedWhileDown = cutProxy.refused;
    cutProxy.restore();
    const back = await waitFor(async () => (await state(bob)).status === 'joined', 20000, 100);
    h.check('Bob is joined again', !!back, `status ${(await state(bob)).status} ${(await state(bob)).error || ''}; ` +
      `${refusedWhileDown} attempt(s) refused while down`);
    const bobAfter = await state(bob);
    h.check('Bob keeps his user_id, role, mic and share_permission after resume',
      bobAfter.self.user_id === BOB && bobAfter.self.user_role === bobBefore.self.user_role &&
      bobAfter.self.mic === bobBefore.self.mic && bobAfter.self.share_permission === bobBefore.self.share_permission,
    JSON.stringify({ before: bobBefore.self, after: bobAfter.self }));
    if (bobAfter.self.user_id !== BOB) {
      const log = server.output().split('\n').filter((l) => l.includes(BOB) || /resum|grace|close|disconnect/i.test(l));
      console.log('    server log about the cut:\n      ' + log.slice(-12).join('\n      '));
    }
    const listed = await everywhere((s) => s.participants.filter((p) => p.user_name === 'Bob').length === 1 &&
      member(s, BOB) && s.participants.length === 3, 5000);
    h.check('every browser lists Bob once with the same user_id', !!listed,
      await dump((s) => s.participants.map((p) => [p.user_name, p.user_id === BOB, p.online])));
    if (reconnecting) figures.socket_cut_to_reconnecting_ms = cutMs;

    // 9. host leaves: the earliest-joined remaining member becomes host. That is Bob when
    // step 8 resumed his membership; if it did not, he rejoined last and 陈 is next.
    const order = (await state(chen)).participants.filter((p) => p.user_id !== ANN);
    const heir = order[0];
    const heirPage = people[heir.user_name];
    h.check('earliest-joined remaining member is Bob', heir.user_name === 'Bob', order.map((p) => p.user_name).join(','));
    const tLeave = Date.now();
    // Ann leaves with a request still unanswered: it settles at once, rejected with 460.
    const leftPending = await ann.page.evaluate(async () => {
      const p = PoseMeet.sendMessage('bye').then(() => ({ ok: true }), (e) => ({ ok: false, code: e.code, message: e.message }));
      // The API sends in a microtask (after its ready promise); this await runs after it and
      // before any reply can arrive (a reply is a task, and microtasks come first).
      await null;
      PoseMeet.leave();
      return p;
    });
    h.check("Ann's request unanswered when she leaves is rejected with 460",
      !leftPending.ok && leftPending.code === 460 && /left the meeting/.test(leftPending.message), JSON.stringify(leftPending));
    await ann.close();
    delete people.Ann;
    // The 2 s bound is on each page's stamps of Ann leaving and of the host change; the
    // wait only has to outlast a busy machine.
    const newHost = await everywhere((s) => member(s, heir.user_id)?.user_role === 1 && !member(s, ANN) &&
      gotEvent(s, 'vcOnHostChange'), 15000);
    const handedOverAt = await Promise.all(all().map(async (p) => {
      const ev = await recordedEvents(p);
      const left = ev.find((e) => e.name === 'participantLeft' && e.data.user_id === ANN && e.at >= tLeave);
      const host = ev.find((e) => e.name === 'hostChanged' && e.data.user_id === heir.user_id && e.at >= tLeave);
      return left && host ? Math.max(left.at, host.at) : Infinity;
    }));
    const hostMs = Math.max(...handedOverAt) - tLeave;
    h.check(`host leaving makes ${heir.user_name} host in every browser within 2 s, with vcOnHostChange`, !!newHost && hostMs <= 2000,
      `${hostMs} ms; ` + await dump((s) => [member(s, heir.user_id)?.user_role, !!member(s, ANN), gotEvent(s, 'vcOnHostChange')]));
    if (newHost) figures.host_leave_to_new_host_ms = hostMs;

    // 10. end meeting.
    r = await call(heirPage, 'PoseMeet.host.endMeeting()');
    h.check(`${heir.user_name} (now host) ends the meeting`, r.ok, fmt(r));
    const ended = await everywhere((s) => s.status === 'ended' && gotEvent(s, 'vcOnFinishRoom'), 5000);
    h.check("Bob and 陈 get vcOnFinishRoom and status 'ended'", !!ended,
      await dump((s) => [s.self.user_name, s.status, gotEvent(s, 'vcOnFinishRoom')]));
    late = await openParticipant(`${server.url}/?room=${ROOM}&name=Late`);
    const failed = await waitFor(async () => { const s = await state(late); return s && (s.status === 'failed' || s.status === 'joined') ? s : null; }, 15000);
    h.check("a fresh browser joining the ended room gets 'failed', told in words that the meeting has ended (422 in the details only)",
      !!failed && failed.status === 'failed' && /ended this meeting/i.test(failed.error) && !/\d/.test(failed.error) &&
      /422/.test(failed.error_detail),
      failed ? `${failed.status}: ${failed.error} (${failed.error_detail})` : `status ${await state(late).then((x) => x?.status, (e) => e.message)}`);
    // The join screen then offers "Start a new meeting in this room"; the page API does the same.
    r = await call(late, 'PoseMeet.join(args[0], "Late", {newMeeting: true})', [ROOM]);
    const reopened = await waitFor(async () => { const s = await state(late); return s?.status === 'joined' ? s : null; }, 10000);
    h.check('Late opens a new meeting in that room and is its host',
      r.ok && !!reopened && reopened.self.user_role === 1 && reopened.room.status === 1,
      reopened ? JSON.stringify({ role: reopened.self.user_role, status: reopened.room.status }) : fmt(r));

    for (const p of all()) h.check('no page errors', p.errors.length === 0, p.errors.join('; '));
  } finally {
    for (const p of all()) await p.close().catch(() => {});
    if (late) await late.close().catch(() => {});
    await cutProxy.close().catch(() => {});
    const code = await server.stop();
    h.check('server exits cleanly on SIGTERM', code === 0, `exit ${code}`);
    figures.controls_scenario_s = (Date.now() - t0) / 1000;
  }
}
