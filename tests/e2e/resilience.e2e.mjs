// What a user sees when things go wrong: the server drops and comes back, the browser
// lacks WebRTC or WebGL2, the page is opened from disk, a client sends garbage.
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './lib/harness.mjs';
import { startServer, startBot, openParticipant, state, WEB_ROOT, ARTIFACTS } from './lib/processes.mjs';
import { decodePng, cropPng, countColorPixels } from './lib/png.mjs';

// Colours of the UI (src/ui/meeting_ui.cpp): the Leave button, the status banner.
const LEAVE_RED = [196, 50, 50];     // danger of the dark theme (src/ui/theme.cpp)
const BANNER_BG = [42, 34, 26];      // banner_bg of the dark theme
const PANEL_BG = [28, 31, 41];       // participant list (panel_bg of the dark theme, src/ui/theme.cpp)
const UNREAD_ORANGE = [217, 140, 38];  // "People & chat (N new)"

// Waits until the page has drawn `n` frames after the snapshot `since` was taken (a frame
// counter, not a sleep: the page at ?fps=3 on a busy machine may take a while).
function framesDrawnAfter(p, since, n) {
  return waitFor(async () => (await state(p))?.render.frames >= since.render.frames + n, 10000);
}

export async function run(h) {
  h.begin('resilience: server restart, missing browser features, file://, bad input');
  // The first server keeps its rooms in a SQLite file, so that its restart can bring the
  // meeting back.
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dbPath = path.join(ARTIFACTS, 'resilience-restart.db');
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  const dbArgs = ['--db', dbPath];
  let server = await startServer({ extraArgs: dbArgs });
  const port = server.port;
  const opened = [];
  let bo = null;
  try {
    // 1. Server goes away and comes back on the same port: the client says so and rejoins,
    //    and the meeting is the one it left: same ids, same host, the chat kept.
    const ann = await openParticipant(`${server.url}/?room=resilience&name=Ann`);
    opened.push(ann);
    h.check('joins', !!(await waitFor(async () => (await state(ann))?.status === 'joined', 15000)));
    bo = startBot(server.ws, { room: 'resilience', name: 'Bo' });
    const beforeRestart = await waitFor(async () => {
      const s = await state(ann);
      return s.participants.some((p) => p.user_name === 'Bo') ? s : null;
    }, 10000);
    await ann.page.evaluate(() => window.PoseMeet.sendMessage('said before the restart'));
    await waitFor(async () => (await state(ann)).meeting.chat.length === 1, 5000);
    const idsBefore = JSON.stringify(beforeRestart.participants.map((p) => [p.user_name, p.user_id, p.user_role]));
    await server.stop();
    const down = await waitFor(async () => {
      const s = await state(ann);
      return s.status === 'reconnecting' && /server/.test(s.error) ? s : null;
    }, 5000);
    h.check('server loss is shown as "reconnecting" with a reason', !!down, down ? down.error : '');
    // The state changes before the canvas shows it: screenshot a frame drawn after it.
    if (down) await framesDrawnAfter(ann, down, 2);
    // On this 720 px window the reason does not fit in the top bar: it shows in a banner
    // under it, and the Leave button stays on screen (it used to be pushed off the edge).
    const shot = decodePng(await ann.page.screenshot());
    const topBar = cropPng(shot, 0, 0, shot.width, 48), underBar = cropPng(shot, 0, 48, shot.width, 30);
    const leavePx = countColorPixels(cropPng(topBar, shot.width - 100, 0, 100, 48), LEAVE_RED);
    const bannerPx = countColorPixels(underBar, BANNER_BG);
    h.check('a narrow window shows the reason in a banner and keeps the Leave button',
      leavePx > 1000 && bannerPx > shot.width * 10, `Leave ${leavePx} px, banner ${bannerPx} px`);
    server = await startServer({ port, extraArgs: dbArgs });
    const back = await waitFor(async () => (await state(ann))?.status === 'joined', 12000);
    h.check('client rejoins on its own when the server is back', !!back);
    const restored = await waitFor(async () => {
      const s = await state(ann);
      const ids = JSON.stringify(s.participants.map((p) => [p.user_name, p.user_id, p.user_role]));
      return ids === idsBefore && s.participants.every((p) => p.online === 1) ? s : null;
    }, 10000);
    const after = await state(ann);
    h.check('after the restart the meeting is the same: same user ids, Ann still host, Bo back too',
      !!restored, `before ${idsBefore}, after ${JSON.stringify(after.participants.map((p) => [p.user_name, p.user_id, p.user_role, p.online]))}`);
    h.check('... and the chat from before the restart is still there',
      after.meeting.chat.length === 1 && after.meeting.chat[0].message === 'said before the restart',
      JSON.stringify(after.meeting.chat));
    await bo.stop();
    bo = null;

    // 2. No WebRTC: the page still works, says so, and uses the relay.
    const noRtc = await openParticipant(`${server.url}/?room=resilience&name=NoRtc`, {
      initScript: () => { delete window.RTCPeerConnection; },
    });
    opened.push(noRtc);
    const relayed = await waitFor(async () => {
      const s = await state(noRtc);
      const annP = s && s.participants.find((p) => p.user_name === 'Ann');
      return annP && annP.packets_received > 10 ? annP : null;
    }, 15000);
    h.check('without WebRTC poses still arrive, through the relay', relayed && relayed.transport === 'relay',
      relayed ? relayed.transport : 'nothing arrived');
    const annSeesRelay = await waitFor(async () => {
      const s = await state(ann);
      const p = s && s.participants.find((x) => x.user_name === 'NoRtc');
      return p && p.packets_received > 10 && p.transport === 'relay';
    }, 10000);
    h.check('the other side receives the WebRTC-less participant through the relay', !!annSeesRelay);

    // 2b. The voice worker cannot start (its script is missing): the meeting goes on without
    //     sound on the page's own server socket, and the page says why.
    const noVoice = await openParticipant(`${server.url}/?room=resilience&name=NoVoice`, {
      initScript: () => {
        const RealWorker = window.Worker;
        window.Worker = function (url, options) {
          if (String(url).includes('posemeet-voice-worker')) url = 'posemeet-voice-worker-missing.js';
          return new RealWorker(url, options);
        };
      },
    });
    opened.push(noVoice);
    const voiceless = await waitFor(async () => {
      const s = await state(noVoice);
      const annP = s && s.participants.find((p) => p.user_name === 'Ann');
      return s?.status === 'joined' && annP && annP.packets_received > 10 && s.audio.voice_error ? s : null;
    }, 15000);
    h.check('without its voice worker a page still joins and receives poses, and says the sound could not start',
      !!voiceless, voiceless ? voiceless.audio.voice_error : JSON.stringify((await state(noVoice))?.audio?.voice_error));

    // 3. No WebGL2: a clear message instead of a blank page.
    const noGl = await openParticipant(`${server.url}/?room=resilience&name=NoGl`, {
      initScript: () => {
        const orig = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          return type === 'webgl2' ? null : orig.call(this, type, ...rest);
        };
      },
    });
    opened.push(noGl);
    const msg = await waitFor(async () => {
      const visible = await noGl.page.isVisible('#pm-fatal');
      return visible ? noGl.page.textContent('#pm-fatal-text') : null;
    }, 10000);
    h.check('without WebGL2 the page says so', !!msg && /WebGL2/.test(msg), msg || 'no message');

    // 4. Opened straight from disk, pointed at the server by a parameter.
    const fileUrl = 'file://' + path.join(WEB_ROOT, 'index.html') + `?server=127.0.0.1:${port}&room=resilience&name=Disk`;
    const disk = await openParticipant(fileUrl);
    opened.push(disk);
    const diskJoined = await waitFor(async () => {
      const s = await state(disk);
      return s && s.status === 'joined' && s.participants.some((p) => p.user_name === 'Ann' && p.packets_received > 5);
    }, 20000);
    h.check('index.html opened from file:// loads the wasm, joins and receives poses', !!diskJoined);
    // Camera pose needs a page served over http(s): from disk, turning the camera on says so.
    await disk.page.evaluate(() => PoseMeet.setDemoAvatar(false));
    await disk.page.evaluate(() => PoseMeet.setCamera(true)).catch(() => {});
    const needsHttp = await waitFor(async () => {
      const s = await state(disk);
      return s.camera.state === 'needs-http' && s.participants.find((p) => p.is_self).camera === 0 ? s.camera : null;
    }, 10000);
    h.check('from file:// the camera says it needs the page served over http(s), and the flag goes back off',
      !!needsHttp && /http/.test(needsHttp.message), JSON.stringify((await state(disk)).camera));

    // 5. A person without a link: the join screen, typed into like anyone would, on a
    //    HiDPI screen; the canvas stays crisp (backing store = CSS size x DPR) and follows resizes.
    //    The page draws at 3 fps, as a slow machine would: the whole "Eve<Tab>resilience<Enter>"
    //    then arrives between two frames, and must still land in the right fields.
    const eve = await openParticipant(`${server.url}/?fps=3`, { viewport: { width: 800, height: 500 }, deviceScaleFactor: 2 });
    opened.push(eve);
    await waitFor(async () => (await state(eve))?.render.frames > 2, 10000);
    await eve.page.keyboard.type('Eve');
    await eve.page.keyboard.press('Tab');
    await eve.page.keyboard.press('Control+A');
    await eve.page.keyboard.type('resilience');
    await eve.page.keyboard.press('Enter');
    const eveIn = await waitFor(async () => {
      const s = await state(eve);
      return s && s.status === 'joined' && s.self.user_name === 'Eve' && s.room.room_id === 'resilience' ? s : null;
    }, 10000);
    h.check('join screen: typing a name and a room and pressing Enter joins that room', !!eveIn,
      JSON.stringify((await state(eve))?.self));
    h.check('the address bar now carries room and name (a reload rejoins)',
      /room=resilience/.test(eve.page.url()) && /name=Eve/.test(eve.page.url()), eve.page.url());
    const canvasSize = () => eve.page.evaluate(() => {
      const c = document.getElementById('canvas');
      return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
    });
    const hiDpi = await waitFor(async () => { const c = await canvasSize(); return c.w === 2 * c.cssW && c.h === 2 * c.cssH ? c : null; }, 10000);
    h.check('HiDPI: the canvas backing store is CSS size x devicePixelRatio', !!hiDpi, JSON.stringify(await canvasSize()));
    await eve.page.setViewportSize({ width: 640, height: 420 });
    const resized = await waitFor(async () => { const c = await canvasSize(); return c.w === 1280 && c.h === 840 ? c : null; }, 10000);
    h.check('the canvas follows a window resize', !!resized, JSON.stringify(await canvasSize()));
    // A resized canvas is blank until the next frame: the "closed" picture below must be a
    // frame laid out at 640 px, not an empty canvas (which would pass for "no column").
    await framesDrawnAfter(eve, await state(eve), 2);

    //    At 640 px there is no room for the participant and chat column: a "People & chat"
    //    button turns orange when a message comes in and opens the column over the tiles.
    const eveShot = async (name) => decodePng(await eve.page.screenshot(
      name ? { path: path.join(ARTIFACTS, `narrow-${name}.png`) } : {}));  // device pixels (DPR 2)
    const region = (img, x, y, w, h) => cropPng(img, 2 * x, 2 * y, 2 * w, 2 * h);
    const columnPx = (img) => countColorPixels(region(img, 360, 100, 280, 100), PANEL_BG, 1);  // tiles differ by 4-5
    const before = await eveShot('closed');
    await ann.page.evaluate(() => window.PoseMeet.sendMessage('hello narrow window'));
    const flagged = await waitFor(async () => {
      const px = countColorPixels(region(await eveShot(), 440, 340, 200, 80), UNREAD_ORANGE);
      return px > 500 ? px : null;
    }, 5000, 200);
    h.check('narrow window: "People & chat" turns orange when a chat message arrives', !!flagged, `${flagged} px`);
    await eve.page.mouse.click(640 - 16 - 20, 420 - 16 - 12);
    const openedCol = await waitFor(async () => {
      const img = await eveShot('open');
      return columnPx(img) > 20000 ? img : null;
    }, 5000, 200);
    h.check('... and opens the participants and chat over the tiles, the message marked read',
      !!openedCol && columnPx(before) < 2000 && countColorPixels(region(openedCol, 440, 340, 200, 80), UNREAD_ORANGE) < 50,
      `column ${openedCol ? columnPx(openedCol) : 0} px (closed: ${columnPx(before)})`);

    // 6. Garbage from one client gets error replies and does not disturb the others.
    const replies = await ann.page.evaluate(async (wsUrl) => {
      const ws = new WebSocket(wsUrl);
      ws.binaryType = 'arraybuffer';
      const got = [];
      ws.onmessage = (e) => { if (typeof e.data === 'string') got.push(JSON.parse(e.data)); };
      await new Promise((r) => { ws.onopen = r; });
      ws.send('{not json');
      ws.send(JSON.stringify({ event_name: 'vcJoinRoom', content: { room_id: 'resilience' } }));
      ws.send(JSON.stringify({ event_name: 'vcNoSuchThing', request_id: 'x1' }));
      ws.send(new Uint8Array([9, 9, 9]));
      ws.send('x'.repeat(200 * 1024));
      // Sentinel: the server answers one connection's messages in order, so once the reply
      // to this request is in, every reply to the garbage above is in too. Its own reply is
      // left out of the codes checked below.
      const sentinel = 'sentinel-after-garbage';
      await new Promise((r) => {
        ws.addEventListener('message', (e) => { if (typeof e.data === 'string' && JSON.parse(e.data).request_id === sentinel) r(); });
        ws.addEventListener('close', r);  // a closed socket answers nothing more either
        ws.send(JSON.stringify({ event_name: 'vcNoSuchThing', request_id: sentinel }));
      });
      ws.close();
      return got.filter((m) => m.request_id !== sentinel).map((m) => m.code);
    }, server.ws);
    h.check('malformed JSON, missing fields, unknown events, bad binary and oversized messages get error codes',
      replies.includes(400) && replies.includes(420) && replies.filter((c) => c === 400).length >= 2,
      JSON.stringify(replies));
    const stillFine = await waitFor(async () => {
      const s1 = await state(ann);
      const s2 = await state(noRtc);
      return s1.status === 'joined' && s2.status === 'joined';
    }, 2000);
    h.check('other clients are undisturbed', !!stillFine);
    const health = await (await fetch(`${server.url}/healthz`)).json();
    h.check('server still healthy', health.status === 'ok', JSON.stringify(health));

    // 7. Connection limits: a server allowing 2 WebSockets per address refuses the third with
    //    1013 and a reason; a participant who meets the limit is told so and gets in on their
    //    own once a slot frees up.
    const capped = await startServer({ extraArgs: ['--max-connections-per-address', '2'] });
    try {
      const holder = await ann.page.evaluate(async (wsUrl) => {
        const opened = (ws) => new Promise((r) => { ws.onopen = () => r('open'); ws.onclose = (e) => r(`closed ${e.code}`); });
        window.__held = [new WebSocket(wsUrl), new WebSocket(wsUrl)];
        const first = await Promise.all(window.__held.map(opened));
        const third = new WebSocket(wsUrl);
        const closed = await new Promise((r) => { third.onclose = (e) => r({ code: e.code, reason: e.reason }); });
        return { first, third: closed };
      }, capped.ws);
      h.check('over --max-connections-per-address a WebSocket is closed with 1013 and a reason',
        holder.first.every((x) => x === 'open') && holder.third.code === 1013 && /too many connections/.test(holder.third.reason),
        JSON.stringify(holder));
      const dee = await openParticipant(`${capped.url}/?room=capped&name=Dee`);
      opened.push(dee);
      // The page's own load first (slow among the scenario's other open pages on a busy
      // machine), then its first attempt.
      await waitFor(() => dee.page.evaluate(() => !!(window.PoseMeet && window.PoseMeet.state())), 60000);
      const told = await waitFor(async () => {
        const s = await state(dee);
        return s && s.status === 'reconnecting' && /too many connections from your address/.test(s.error) ? s : null;
      }, 30000);
      h.check('a participant over the limit is told why and keeps retrying', !!told, told ? told.error : JSON.stringify((await state(dee))?.error));
      await ann.page.evaluate(() => { for (const ws of window.__held) ws.close(); });
      const joined = await waitFor(async () => (await state(dee))?.status === 'joined', 12000);
      h.check('... and joins on their own once a connection is free', !!joined);
      const stats = await (await fetch(`${capped.url}/api/v1/stats`)).json();
      h.check('refusals are counted in /api/v1/stats', stats.connections_refused >= 2, `connections_refused ${stats.connections_refused}`);
    } finally {
      await capped.stop();
    }
  } catch (e) {
    h.crash(e);
  } finally {
    if (bo) await bo.stop();
    for (const p of opened) await p.close().catch(() => {});
    await server.stop();
  }
}
