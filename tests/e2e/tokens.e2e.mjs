// Access tokens in LiveKit's format on join, against the real server: tokens minted by
// livekit-server-sdk's AccessToken (as an operator's backend would) let people in as the
// token's identity with its name, metadata, attributes and grants; missing, expired,
// forged and misdirected tokens are refused with 451 / 450 / 452; the grants limit what a
// member may do; a second join of the same identity takes the membership over; an ended
// meeting needs roomCreate to open again; a development server (--dev) takes joins without
// a token and hands out tokens; a production server never shows its secrets. One
// development and one production server, WebSockets and the HTTP form, and one browser
// opening the servers' pages with and without a token.
import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import { waitFor } from './lib/harness.mjs';
import { BUILD, ROOT, WEB_ROOT, openParticipant, startBot, startServer, state } from './lib/processes.mjs';
import { wsClient } from './lib/ws_client.mjs';

const TIMEOUT_MS = 15000;
const SERVER_BIN = path.join(BUILD, 'src/app/server/posemeet-server');
const PROMTOOL = path.join(ROOT, 'third_party/tools/promtool');  // tools/setup.sh extracts it

// The development key every --dev server accepts (public on purpose: development only).
const DEV_KEY = 'devkey';
const DEV_SECRET = 'posemeet-development-secret-not-for-production';

// The production server's keys, fresh for every run: one on the command line, two in a
// keys file (an old and a new one, as during a rotation).
const newSecret = () => crypto.randomBytes(24).toString('hex');  // 48 characters
const KEY = 'e2e-main', SECRET = newSecret();
const OLD_KEY = 'e2e-old', OLD_SECRET = newSecret();
const NEW_KEY = 'e2e-new', NEW_SECRET = newSecret();
const SECRETS = [SECRET, OLD_SECRET, NEW_SECRET];

// An AccessToken from the SDK: `grant` is its video grant, the rest its options
// ({identity, name, metadata, attributes, ttl}).
async function mint(key, secret, { grant = {}, ...options }) {
  const at = new AccessToken(key, secret, options);
  at.addGrant(grant);
  return at.toJwt();
}
const joinGrant = (room, more = {}) => ({ roomJoin: true, room, ...more });

// A JWT put together by hand (what any JWT library makes); `secret` null leaves the
// signature empty, as an alg "none" token has it.
function handJwt(header, payload, secret) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${part(header)}.${part(payload)}`;
  const signature = secret === null ? '' : crypto.createHmac('sha256', secret).update(signed).digest('base64url');
  return `${signed}.${signature}`;
}
const nowS = () => Math.floor(Date.now() / 1000);
// A display name with markup in it, as someone might type (or a backend might pass on).
const PIA_NAME = 'Pia <b>Page</b><img src=x onerror="window.__pwned=1">';

// Resolves with null after `ms` (the timer does not keep the process alive).
const late = (ms) => new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());

// POST /api/v1/rts/message: {status, json} (json null when the answer is not JSON).
async function post(base, body) {
  const res = await fetch(`${base}/api/v1/rts/message`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* reported by the caller's check */ }
  return { status: res.status, json, text };
}

async function get(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: res.status, json, text };
}

// Runs the server binary with the usual flags and `args`, expecting it to refuse to start:
// {code, output, listening}. Should it start after all, it is stopped at once (listening true).
function runServerBinary(args) {
  return new Promise((resolve) => {
    const proc = spawn(SERVER_BIN, ['--host', '127.0.0.1', '--port', '0', '--db', ':memory:', '--web-root', WEB_ROOT,
      ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '', listening = false;
    const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_MS);
    const seen = (d) => {
      output += d;
      if (!listening && /listening on/.test(output)) { listening = true; proc.kill('SIGTERM'); }
    };
    proc.stdout.on('data', seen);
    proc.stderr.on('data', seen);
    proc.on('error', (e) => { clearTimeout(timer); resolve({ code: null, output: output + String(e), listening }); });
    proc.on('close', (code) => { clearTimeout(timer); resolve({ code, output, listening }); });
  });
}

export async function run(h) {
  h.begin('access tokens: LiveKit-format tokens checked on join, on the wire');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'posemeet-tokens-'));
  const keysFile = path.join(tmp, 'keys');
  fs.writeFileSync(keysFile, [
    '# API keys of the e2e production server: the old key is being retired, the new one replaces it',
    `${OLD_KEY}: ${OLD_SECRET}`,
    '',
    `${NEW_KEY}: ${NEW_SECRET}`,
    '',
  ].join('\n'), { mode: 0o600 });

  const sockets = [];
  const messages = [];  // every refusal's message: none may show a secret
  // A new WebSocket that sends vcJoinRoom with `content`: {c (the client), r (the reply), user}.
  const join = async (server, content) => {
    const c = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(c);
    const r = await c.request('vcJoinRoom', content);
    if (r.code !== 200) messages.push(r.message);
    return { c, r, user: r.response?.user ?? {} };
  };
  const refused = (name, reply, code) => {
    if (reply?.message !== undefined) messages.push(reply.message);
    return h.check(name, reply?.code === code, `${reply?.code}: ${reply?.message}`);
  };
  const who = (j) => `${j.r.code} ${j.r.message}; ${JSON.stringify(j.user)}`;

  let dev = null, prod = null, browser = null, botProc = null;
  try {
    // 1. Neither --dev nor a key: the server will not start, and says what to give it.
    const bare = await runServerBinary([]);
    h.check('a server started with neither --dev nor an API key refuses to start, naming --dev and --api-key',
      !bare.listening && Number.isInteger(bare.code) && bare.code !== 0 && /--dev/.test(bare.output) &&
        /--api-key/.test(bare.output), `exit ${bare.code}: ${bare.output.trim().split('\n').slice(-2).join(' | ')}`);
    const shortSecret = newSecret().slice(0, 31);
    const short = await runServerBinary(['--api-key', 'e2e-short', '--api-secret', shortSecret]);
    h.check('a server given an API secret shorter than 32 characters refuses to start, without printing the secret',
      !short.listening && Number.isInteger(short.code) && short.code !== 0 && !short.output.includes(shortSecret),
      `exit ${short.code}: ${short.output.trim().split('\n').slice(-2).join(' | ')}`);

    dev = await startServer();  // --dev
    prod = await startServer({ dev: false, extraArgs: ['--api-key', KEY, '--api-secret', SECRET, '--keys-file', keysFile] });

    // 2. Development mode: joins without a token, the development key, the token endpoint.
    const dora = await join(dev, { room_id: 'dev-room', user_name: 'Dora' });
    h.check('a development server lets someone join without a token', dora.r.code === 200, who(dora));
    const dan = await join(dev, { room_id: 'dev-room', user_name: 'Someone', token:
      await mint(DEV_KEY, DEV_SECRET, { identity: 'dev-dan', name: 'Dan', grant: joinGrant('dev-room') }) });
    h.check('a development server accepts a token signed with the development key, as its identity',
      dan.r.code === 200 && dan.user.user_id === 'dev-dan' && dan.user.user_name === 'Dan', who(dan));
    const devQuery = new URLSearchParams({ room: 'dev-room', identity: 'dev-eve', name: 'Eve' });
    const handed = await get(`${dev.url}/api/v1/dev/token?${devQuery}`);
    h.check('a development server hands out a token on GET /api/v1/dev/token',
      handed.status === 200 && typeof handed.json?.token === 'string' && handed.json?.identity === 'dev-eve',
      `${handed.status} ${handed.text.slice(0, 200)}`);
    const eve = await join(dev, { room_id: 'dev-room', token: handed.json?.token });
    h.check('...and that token joins its room as the identity and name asked for',
      eve.r.code === 200 && eve.user.user_id === 'dev-eve' && eve.user.user_name === 'Eve', who(eve));

    // 3. A production server: no token, no development key, no token endpoint.
    const nobody = await join(prod, { room_id: 'prod', user_name: 'Nobody' });
    refused('a production server refuses a join without a token (451)', nobody.r, 451);
    const devOnProd = await join(prod, { room_id: 'prod', user_name: 'Dan', token:
      await mint(DEV_KEY, DEV_SECRET, { identity: 'dev-dan', grant: joinGrant('prod') }) });
    refused('a production server refuses a token signed with the development key (452)', devOnProd.r, 452);
    const noEndpoint = await get(`${prod.url}/api/v1/dev/token?${devQuery}`);
    h.check('a production server has no development token endpoint (404)', noEndpoint.status === 404,
      `${noEndpoint.status} ${noEndpoint.text.slice(0, 120)}`);

    // 4. What a token says about its holder.
    const META = JSON.stringify({ team: 'blue', level: 3 });
    const ATTRS = { department: 'maths', desk: '7' };
    const ada = await join(prod, { room_id: 'profile', user_name: 'Someone Else', token: await mint(KEY, SECRET, {
      identity: 'ada', name: 'Ada Lovelace', metadata: META, attributes: ATTRS,
      grant: joinGrant('profile', { canPublish: true, canPublishData: true,
        canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA] }) }) });
    h.check("a token's identity becomes the user id, and its name the user name (over the name the client sent)",
      ada.r.code === 200 && ada.user.user_id === 'ada' && ada.user.user_name === 'Ada Lovelace' &&
        ada.user.is_silence === 0, who(ada));
    h.check("a token's metadata and attributes come with the user",
      ada.user.metadata === META && isDeepStrictEqual(ada.user.attributes, ATTRS),
      JSON.stringify({ metadata: ada.user.metadata, attributes: ada.user.attributes }));
    h.check("a token's grants show as the user's permissions (microphone, camera and data; no screen; not an admin)",
      isDeepStrictEqual(ada.user.permission, { mic: 1, camera: 1, screen: 0, data: 1, room_admin: 0 }),
      JSON.stringify(ada.user.permission));
    h.check('the join still hands out a 32-hex-digit member token for resuming',
      /^[0-9a-f]{32}$/.test(ada.r.response?.token ?? ''), String(ada.r.response?.token));
    const bob = await join(prod, { room_id: 'profile', user_name: 'Bob B.', token:
      await mint(KEY, SECRET, { identity: 'bob', grant: joinGrant('profile') }) });
    h.check('with a token that has no name, the user name is the one the client sent',
      bob.r.code === 200 && bob.user.user_id === 'bob' && bob.user.user_name === 'Bob B.', who(bob));
    const ghost = await join(prod, { room_id: 'profile', token:
      await mint(KEY, SECRET, { identity: 'ghost', name: 'Observer', grant: joinGrant('profile', { hidden: true }) }) });
    h.check('a hidden token joins as a silent member (is_silence 1)',
      ghost.r.code === 200 && ghost.user.is_silence === 1, who(ghost));
    const byHand = await join(prod, { room_id: 'profile', token: handJwt({ alg: 'HS256', typ: 'JWT' },
      { iss: KEY, sub: 'hand', name: 'Hand Made', nbf: nowS() - 5, exp: nowS() + 300,
        video: { roomJoin: true, room: 'profile' } }, SECRET) });
    h.check('a token made by any JWT library (HS256, put together by hand here) joins as well',
      byHand.r.code === 200 && byHand.user.user_id === 'hand' && byHand.user.user_name === 'Hand Made', who(byHand));
    const adaBack = wsClient(prod.ws, TIMEOUT_MS);
    sockets.push(adaBack);
    const resumed = await adaBack.request('vcResync', { room_id: 'profile', user_id: 'ada', token: ada.r.response?.token });
    h.check('a member resumes with its member token as before, with no access token',
      resumed.code === 200 && resumed.response?.resumed === 1 && resumed.response?.user?.user_id === 'ada',
      `${resumed.code} ${resumed.message}`);

    // 5. Tokens that are refused.
    const guarded = (token) => join(prod, { room_id: 'guarded', user_name: 'Mallory', token });
    refused('an expired token is refused (450)', (await guarded(
      await mint(KEY, SECRET, { identity: 'late', ttl: -60, grant: joinGrant('guarded') }))).r, 450);
    const elsewhere = await mint(KEY, SECRET, { identity: 'mallory', grant: joinGrant('elsewhere') });
    refused('a token for another room is refused (452)', (await guarded(elsewhere)).r, 452);
    refused('a token signed with the wrong secret is refused (452)', (await guarded(
      await mint(KEY, newSecret(), { identity: 'mallory', grant: joinGrant('guarded') }))).r, 452);
    refused('a token from a key the server does not know is refused (452)', (await guarded(
      await mint('e2e-stranger', SECRET, { identity: 'mallory', grant: joinGrant('guarded') }))).r, 452);
    refused('a token without a join grant is refused (452)', (await guarded(
      await mint(KEY, SECRET, { identity: 'mallory', grant: { room: 'guarded' } }))).r, 452);
    refused('an unsigned token (alg "none") is refused (452)', (await guarded(handJwt({ alg: 'none', typ: 'JWT' },
      { iss: KEY, sub: 'mallory', nbf: nowS() - 5, exp: nowS() + 300, video: { roomJoin: true, room: 'guarded' } },
      null))).r, 452);
    const [head, body, signature] = elsewhere.split('.');
    const rewritten = { ...JSON.parse(Buffer.from(body, 'base64url')) };
    rewritten.video = { ...rewritten.video, room: 'guarded' };
    refused('a token whose room was rewritten after signing is refused (452)', (await guarded(
      `${head}.${Buffer.from(JSON.stringify(rewritten)).toString('base64url')}.${signature}`)).r, 452);
    refused('a string that is not a token at all is refused (452)', (await guarded('not-a-token')).r, 452);

    // 6. Grants limit what a member may do. Mia joins first: the host, who may share but
    // for her token.
    const mia = await join(prod, { room_id: 'permissions', token: await mint(KEY, SECRET,
      { identity: 'mia', name: 'Mia', grant: joinGrant('permissions', { canPublishSources: [TrackSource.MICROPHONE] }) }) });
    const miaMic = await mia.c.request('vcOperateSelfMic', { operate: 1 });
    const miaCam = await mia.c.request('vcOperateSelfCamera', { operate: 1 });
    const miaShare = await mia.c.request('vcStartShare', { share_type: 1 });
    messages.push(miaCam.message, miaShare.message);
    h.check('a token that may publish only the microphone: the mic opens, the camera and sharing are refused (410)',
      mia.r.code === 200 && miaMic.code === 200 && miaCam.code === 410 && miaShare.code === 410,
      `host ${mia.user.user_role === 1}; mic ${miaMic.code}, camera ${miaCam.code}, share ${miaShare.code}; ` +
        JSON.stringify(mia.user.permission));
    const paul = await join(prod, { room_id: 'permissions', token: await mint(KEY, SECRET,
      { identity: 'paul', name: 'Paul', grant: joinGrant('permissions', { canPublish: false, canPublishData: true }) }) });
    const paulMic = await paul.c.request('vcOperateSelfMic', { operate: 1 });
    const paulCam = await paul.c.request('vcOperateSelfCamera', { operate: 1 });
    messages.push(paulMic.message, paulCam.message);
    h.check('a token that may not publish: opening the mic or the camera is refused (410)',
      paul.r.code === 200 && paulMic.code === 410 && paulCam.code === 410,
      `mic ${paulMic.code}, camera ${paulCam.code}; ${JSON.stringify(paul.user.permission)}`);
    const quinn = await join(prod, { room_id: 'permissions', token: await mint(KEY, SECRET,
      { identity: 'quinn', name: 'Quinn', grant: joinGrant('permissions', { canPublishData: false }) }) });
    const quinnSays = await quinn.c.request('vcSendMessage', { message: 'hi' });
    messages.push(quinnSays.message);
    const miaSays = await mia.c.request('vcSendMessage', { message: 'hello from Mia' });
    const miaHeard = await mia.c.inform((m) => m.event === 'vcOnMessage' && m.data?.message === 'hello from Mia')
      .catch(() => null);
    const leaked = mia.c.informs.some((m) => m.event === 'vcOnMessage' && m.data?.user_id === 'quinn');
    h.check('a token that may not publish data: chat is refused (410) and reaches no one, while others chat',
      quinn.r.code === 200 && quinnSays.code === 410 && miaSays.code === 200 && !!miaHeard && !leaked,
      `Quinn ${quinnSays.code}, Mia ${miaSays.code}`);

    // 7. roomAdmin: a member who is not the host may act as one in that room.
    const hugo = await join(prod, { room_id: 'admin', token: await mint(KEY, SECRET,
      { identity: 'hugo', name: 'Hugo', grant: joinGrant('admin') }) });
    const alma = await join(prod, { room_id: 'admin', token: await mint(KEY, SECRET,
      { identity: 'alma', name: 'Alma', grant: joinGrant('admin', { roomAdmin: true }) }) });
    const xavi = await join(prod, { room_id: 'admin', token: await mint(KEY, SECRET,
      { identity: 'xavi', name: 'Xavi', grant: joinGrant('admin') }) });
    const xaviMic = await xavi.c.request('vcOperateSelfMic', { operate: 1 });
    const muted = await alma.c.request('vcOperateOtherMic', { operate_user_id: 'xavi', operate: 0 });
    const told = await xavi.c.inform((m) => m.event === 'vcOnOperateOtherMic' && m.data?.operate_user_id === 'xavi' &&
      Number(m.data?.operate) === 0).catch(() => null);
    h.check("a room admin who is not the host may turn another member's mic off, and that member is told",
      hugo.user.user_role === 1 && alma.r.code === 200 && alma.user.user_role !== 1 &&
        alma.user.permission?.room_admin === 1 && xaviMic.code === 200 && muted.code === 200 && !!told,
      `Alma: role ${alma.user.user_role}, ${JSON.stringify(alma.user.permission)}; mute ${muted.code} ${muted.message}`);
    const plain = await xavi.c.request('vcOperateOtherMic', { operate_user_id: 'alma', operate: 0 });
    refused("a plain member may not turn another member's mic off (410)", plain, 410);

    // 8. The same identity joining again takes the membership over from its first connection.
    const tess = await join(prod, { room_id: 'twice', token: await mint(KEY, SECRET,
      { identity: 'tess', name: 'Tess', grant: joinGrant('twice') }) });
    const samToken = () => mint(KEY, SECRET, { identity: 'sam', name: 'Sam', grant: joinGrant('twice') });
    const sam1 = await join(prod, { room_id: 'twice', token: await samToken() });
    const sam2 = await join(prod, { room_id: 'twice', token: await samToken() });
    h.check('the same identity joining again (a second tab) keeps its user id and is told it resumed',
      tess.r.code === 200 && sam1.r.code === 200 && sam2.r.code === 200 && sam2.user.user_id === 'sam' &&
        sam2.r.response?.resumed === 1, `first ${who(sam1)}; second ${who(sam2)}`);
    const firstClosed = await Promise.race([sam1.c.closed, late(TIMEOUT_MS)]);
    h.check('...and the server closes the first connection with code 4001 (resumed elsewhere)',
      firstClosed?.code === 4001, JSON.stringify(firstClosed));
    const samSays = await sam2.c.request('vcSendMessage', { message: 'still me' });
    const tessHeard = await tess.c.inform((m) => m.event === 'vcOnMessage' && m.data?.message === 'still me')
      .catch(() => null);
    const departures = tess.c.informs.filter((m) => m.event === 'vcOnLeaveRoom');
    h.check('the others see no one leave when a connection is taken over (the next chat message came first)',
      samSays.code === 200 && tessHeard?.data?.user_id === 'sam' && departures.length === 0,
      `chat ${samSays.code}; heard ${!!tessHeard}; leaves ${JSON.stringify(departures.map((m) => m.data))}`);

    // 9. A meeting its host ended stays closed unless the token may create rooms.
    const hal = await join(prod, { room_id: 'finished', token: await mint(KEY, SECRET,
      { identity: 'hal', name: 'Hal', grant: joinGrant('finished') }) });
    const finished = await hal.c.request('vcFinishRoom');
    h.check('the host ends the meeting', hal.r.code === 200 && finished.code === 200, `${finished.code} ${finished.message}`);
    const nora = await join(prod, { room_id: 'finished', token: await mint(KEY, SECRET,
      { identity: 'nora', name: 'Nora', grant: joinGrant('finished') }) });
    refused('joining the ended meeting without asking for a new one is told it has ended (422)', nora.r, 422);
    const noraNew = await join(prod, { room_id: 'finished', new_meeting: 1, token: await mint(KEY, SECRET,
      { identity: 'nora', name: 'Nora', grant: joinGrant('finished') }) });
    refused('a new meeting in an ended room is refused to a token without roomCreate (410)', noraNew.r, 410);
    const cleo = await join(prod, { room_id: 'finished', new_meeting: 1, token: await mint(KEY, SECRET,
      { identity: 'cleo', name: 'Cleo', grant: joinGrant('finished', { roomCreate: true }) }) });
    h.check('a token with roomCreate opens a new meeting there, its first member the host',
      cleo.r.code === 200 && cleo.user.user_id === 'cleo' && cleo.user.user_role === 1, who(cleo));

    // 10. The HTTP form checks tokens the same way.
    const wendy = await post(prod.url, { event_name: 'vcJoinRoom', content: { room_id: 'http', token:
      await mint(KEY, SECRET, { identity: 'web-wendy', name: 'Wendy', grant: joinGrant('http') }) } });
    h.check("over the HTTP form, a join with a token is accepted as the token's identity",
      wendy.status === 200 && wendy.json?.code === 200 && wendy.json?.data?.user?.user_id === 'web-wendy',
      `${wendy.status} ${wendy.text.slice(0, 200)}`);
    const httpNobody = await post(prod.url, { event_name: 'vcJoinRoom', content: { room_id: 'http', user_name: 'Nobody' } });
    refused('over the HTTP form, a join without a token is refused (451)', httpNobody.json, 451);

    // 11. Key rotation: tokens signed by either key of the keys file join.
    const oldKeyed = await join(prod, { room_id: 'rotation', token: await mint(OLD_KEY, OLD_SECRET,
      { identity: 'olga', name: 'Olga', grant: joinGrant('rotation') }) });
    const newKeyed = await join(prod, { room_id: 'rotation', token: await mint(NEW_KEY, NEW_SECRET,
      { identity: 'nico', name: 'Nico', grant: joinGrant('rotation') }) });
    h.check('during a key rotation, tokens signed by the old key and by the new key both join',
      oldKeyed.r.code === 200 && oldKeyed.user.user_id === 'olga' && newKeyed.r.code === 200 &&
        newKeyed.user.user_id === 'nico', `old ${who(oldKeyed)}; new ${who(newKeyed)}`);

    // 12. Secrets stay secret.
    const shows = (text) => SECRETS.some((s) => String(text ?? '').includes(s));
    const stats = await get(`${prod.url}/api/v1/stats`);
    h.check("no refusal's message shows a secret", messages.length > 0 && !messages.some(shows),
      `${messages.length} messages`);
    h.check("the production server's statistics and its output never show a secret",
      stats.status === 200 && !shows(stats.text) && !shows(prod.output()),
      `stats ${stats.status}, ${stats.text.length} bytes; output ${prod.output().length} bytes`);
    h.check('the production server keeps serving', prod.proc.exitCode === null);

    // 13. Native bots sign their own tokens with the key (engineers' load and test runs).
    botProc = startBot(prod.ws, { room: 'bots', name: 'Loader', count: 2,
      extraArgs: ['--api-key', KEY, '--api-secret', SECRET, '--quiet'] });
    const bots = await waitFor(() => {
      const lines = Object.values(botProc.latest);
      return lines.length === 2 && lines.every((l) => l.status === 'joined') ? lines : null;
    }, TIMEOUT_MS);
    h.check('native bots given --api-key/--api-secret join a production server, each as its own identity',
      !!bots && bots.every((l) => /^loader-\d+-[12]$/.test(l.user_id)) && bots[0].user_id !== bots[1].user_id,
      JSON.stringify(bots?.map((l) => l.user_id) ?? Object.values(botProc.latest).map((l) => l.status)));

    // /metrics while they are there, checked by Prometheus' own promtool.
    const metrics = await get(`${prod.url}/metrics`);
    const promtool = spawnSync(PROMTOOL, ['check', 'metrics'], { input: metrics.text, encoding: 'utf8' });
    const value = (line) => Number((metrics.text.match(new RegExp(`^${line} (\\S+)$`, 'm')) ?? [])[1]);
    h.check('GET /metrics passes promtool check metrics (Prometheus text format and naming)',
      metrics.status === 200 && promtool.status === 0, `${metrics.status}, ${metrics.text.length} bytes; promtool ` +
        `${promtool.status}: ${(promtool.stdout + promtool.stderr).trim().slice(0, 300)}`);
    h.check('/metrics counts the bots as participants, their joins by operation, and the pose they relay',
      value('posemeet_participants\\{attached="websocket"\\}') >= 2 &&
        value('posemeet_control_operations_total\\{transport="websocket",operation="vcJoinRoom"\\}') >= 2 &&
        value('posemeet_relay_packets_total\\{kind="pose"\\}') > 0 &&
        value('posemeet_control_duration_seconds_count\\{transport="websocket",operation="vcJoinRoom"\\}') >= 2,
      metrics.text.split('\n').filter((l) => /^posemeet_(participants|relay_packets)/.test(l)).join('; '));
    h.check('/metrics shows no secret', !SECRETS.some((x) => metrics.text.includes(x)));
    await botProc.stop();
    botProc = null;

    // 14. In a browser (one Chromium, reused): the page of a production server joins with
    // the token its URL carries, as that identity, in the room and under the name the
    // token names; without a token it says in words what is missing; the page of a
    // development server gets its token from the server itself.
    browser = await openParticipant(`${prod.url}/?token=${encodeURIComponent(await mint(KEY, SECRET,
      { identity: 'pia', name: PIA_NAME, grant: joinGrant('browser-room', { canPublish: false }) }))}`);
    const joinedAs = (id) => waitFor(async () => {
      const s = await state(browser);
      return s?.status === 'joined' && (!id || s.self?.user_id === id) ? s : null;
    }, TIMEOUT_MS);
    const pia = await joinedAs('pia');
    h.check("a page opened with ?token= joins the token's room as its identity, under its name",
      pia?.room?.room_id === 'browser-room' && pia?.self?.user_name === PIA_NAME,
      JSON.stringify(pia?.self ?? null));
    const injected = await browser.page.evaluate(() => ({ pwned: window.__pwned === 1,
      imgs: document.querySelectorAll('img').length, title: document.title }));
    h.check('a name carrying HTML stays text: no element made from it, no script run',
      !injected.pwned && injected.imgs === 0, JSON.stringify(injected));
    const micRefused = await browser.page.evaluate(() =>
      window.PoseMeet.request('vcOperateSelfMic', { operate: 1 }).then(() => 200, (e) => e.code));
    h.check("the page's token without publishing shows in its permissions, and the server refuses its mic (410)",
      pia?.self?.permission?.mic === 0 && pia?.self?.permission?.camera === 0 && micRefused === 410,
      `${JSON.stringify(pia?.self?.permission)}; mic ${micRefused}`);
    await browser.page.goto(`${prod.url}/?room=browser-room&name=Nobody&pose=synthetic&theme=dark`);
    const refusedPage = await waitFor(async () => {
      const s = await state(browser);
      return s?.status === 'failed' || /invitation/.test(s?.error ?? '') ? s : null;
    }, TIMEOUT_MS);
    h.check('a page without a token on a production server is told in words that it needs an invitation (451)',
      /needs an invitation/.test(refusedPage?.error ?? '') && /451/.test(refusedPage?.error_detail ?? ''),
      `${refusedPage?.status}: ${refusedPage?.error} / ${refusedPage?.error_detail}`);
    await browser.page.goto(`${dev.url}/?room=dev-page&name=Dee&pose=synthetic&theme=dark`);
    const dee = await joinedAs(null);
    h.check("a development server's own page joins with a token from GET /api/v1/dev/token (its dev- identity)",
      /^dev-/.test(dee?.self?.user_id ?? '') && dee?.self?.user_name === 'Dee', JSON.stringify(dee?.self ?? null));
    h.check('the pages raised no script errors', browser.errors.length === 0, browser.errors.join('; '));
  } finally {
    if (browser) await browser.close();
    if (botProc) await botProc.stop();
    await Promise.race([Promise.all(sockets.map((s) => s.close())), late(TIMEOUT_MS)]);
    if (prod) await prod.stop();
    if (dev) await dev.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
