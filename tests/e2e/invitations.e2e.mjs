// Invitations against the real production server (no browser): an operator with roomAdmin
// invites three identities to a running meeting; the host hears each status change
// (vcOnInvitation); invitee 1 joins with its link's token (joined), invitee 2 declines
// through the decline endpoint (declined), invitee 3 does nothing (missed after the
// timeout); GET lists the three; every refusal has its status. Then a browser opens two
// decline links: one person declines on the invitation card, the other joins from it.
import crypto from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { openParticipant, startServer, state } from './lib/processes.mjs';
import { waitFor } from './lib/harness.mjs';
import { freePort, startReceiver } from './lib/webhook_receiver.mjs';
import { wsClient } from './lib/ws_client.mjs';

const TIMEOUT_MS = 15000;
const KEY = 'e2e-invites', SECRET = crypto.randomBytes(24).toString('hex');
const ROOM = 'invitations-e2e';

async function mint({ grant, ...options }, secret = SECRET) {
  const at = new AccessToken(KEY, secret, { ttl: 600, ...options });
  at.addGrant(grant);
  return at.toJwt();
}

// An HTTP call: {status, json}. `token` goes in Authorization: Bearer; `raw` is sent as is.
async function call(base, method, path, { token, body, raw } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(base + path, {
    method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* reported by the caller's check */ }
  return { status: res.status, json, text };
}

export async function run(h) {
  h.begin('invitations: invite identities to a meeting; joined, declined, missed');
  let server, browser, receiver;
  const sockets = [];
  try {
    // Status changes reach the webhooks too (invitation_updated), checked at the end.
    const hookPort = await freePort();
    receiver = await startReceiver(hookPort, KEY, SECRET);
    server = await startServer({ dev: false, extraArgs: ['--api-key', KEY, '--api-secret', SECRET,
      '--webhook-url', `http://127.0.0.1:${hookPort}/hooks`] });
    const path = `/api/v1/rooms/${ROOM}/invitations`;
    const admin = await mint({ identity: 'operator', grant: { roomAdmin: true, room: ROOM } });

    // No meeting yet: nothing to invite to.
    const early = await call(server.url, 'POST', path, { token: admin, body: { invitees: [{ identity: 'x' }] } });
    h.check('inviting before the meeting runs is 404', early.status === 404, early.text);

    const host = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(host);
    const hostJoin = await host.request('vcJoinRoom', {
      room_id: ROOM, token: await mint({ identity: 'host', name: 'Host', grant: { roomJoin: true, room: ROOM } }) });
    h.check('the host joins with its token', hostJoin.code === 200, `${hostJoin.code} ${hostJoin.message}`);
    const heard = (identity, status) => host.inform((m) => m.event === 'vcOnInvitation' &&
      m.data.room_id === ROOM && m.data.invitation.identity === identity && m.data.invitation.status === status);

    const invited = await call(server.url, 'POST', path, { token: admin, body: {
      invitees: [{ identity: 'ana', name: 'Ana' }, { identity: 'bo', name: 'Bo' }, { identity: 'cy', name: 'Cy' }],
      timeout_s: 2 } });
    const list = invited.json?.invitations ?? [];
    h.check('POST invitations answers the three, invited, with tokens and links', invited.status === 200 &&
      list.length === 3 && list.every((i) => i.status === 'invited' && i.token && i.expires_at > 0 &&
        i.join_url === `${server.url}/?token=${i.token}` && i.decline_url === `${i.join_url}&decline=1`) &&
      list.map((i) => `${i.identity}:${i.name}`).join() === 'ana:Ana,bo:Bo,cy:Cy', `${invited.status} ${invited.text.slice(0, 300)}`);
    const [ana, bo, cy] = list;
    await Promise.all(['ana', 'bo', 'cy'].map((id) => heard(id, 'invited')));
    h.check('the host hears each invitation (vcOnInvitation invited)', true);
    const resync = await host.request('vcResync', {});
    h.check('the host\'s resync lists the invitations',
      (resync.response?.invitations ?? []).map((i) => i.identity).join() === 'ana,bo,cy', JSON.stringify(resync.response?.invitations));

    // Invitee 1 follows its link: the token in it joins the room as its identity.
    const anaClient = wsClient(server.ws, TIMEOUT_MS);
    sockets.push(anaClient);
    const anaJoin = await anaClient.request('vcJoinRoom', { room_id: ROOM, token: ana.token });
    h.check('invitee 1 joins with its link\'s token, as its identity and name', anaJoin.code === 200 &&
      anaJoin.response?.user?.user_id === 'ana' && anaJoin.response?.user?.user_name === 'Ana', `${anaJoin.code} ${anaJoin.message}`);
    const anaJoined = await heard('ana', 'joined');
    h.check('the host hears invitee 1 joined', anaJoined.data.invitation.status === 'joined');
    h.check('the joiner\'s own join response shows it joined',
      (anaJoin.response?.invitations ?? []).find((i) => i.identity === 'ana')?.status === 'joined',
      JSON.stringify(anaJoin.response?.invitations));

    // Invitee 2 declines through its link's page.
    const declined = await call(server.url, 'POST', '/api/v1/invitations/decline', { body: { token: bo.token } });
    h.check('invitee 2 declines: 200 {status: declined}', declined.status === 200 && declined.json?.status === 'declined',
      declined.text);
    await heard('bo', 'declined');
    h.check('the host hears invitee 2 declined', true);
    const declinedJoined = await call(server.url, 'POST', '/api/v1/invitations/decline', { body: { token: ana.token } });
    h.check('declining an invitation that was taken up is 409', declinedJoined.status === 409, declinedJoined.text);

    // Invitee 3 does nothing: missed once its 2 s are up (the inform, not a sleep).
    const missed = await heard('cy', 'missed');
    h.check('invitee 3 is missed after its timeout', missed.data.invitation.changed_at >= cy.expires_at,
      JSON.stringify(missed.data.invitation));
    const anaHeard = await anaClient.inform((m) => m.event === 'vcOnInvitation' && m.data.invitation.identity === 'cy' &&
      m.data.invitation.status === 'missed');
    h.check('invitee 1, a member now, hears the later changes too', !!anaHeard);

    const listed = await call(server.url, 'GET', path, { token: admin });
    h.check('GET lists the three statuses', listed.status === 200 &&
      (listed.json?.invitations ?? []).map((i) => `${i.identity}:${i.status}`).join() === 'ana:joined,bo:declined,cy:missed' &&
      (listed.json?.invitations ?? []).every((i) => i.token === undefined), listed.text);

    // Refusals.
    const body = { invitees: [{ identity: 'dee' }] };
    const joinOnly = await mint({ identity: 'someone', grant: { roomJoin: true, room: ROOM } });
    const otherAdmin = await mint({ grant: { roomAdmin: true, room: 'elsewhere' } });
    const forged = await mint({ identity: 'cy', grant: { roomJoin: true, room: ROOM } }, crypto.randomBytes(24).toString('hex'));
    const refusals = [
      ['no token is 401', await call(server.url, 'POST', path, { body }), 401],
      ['a token that is no JWT is 401', await call(server.url, 'GET', path, { token: 'not-a-jwt' }), 401],
      ['a join-only token is 403', await call(server.url, 'POST', path, { token: joinOnly, body }), 403],
      ['another room\'s admin is 403', await call(server.url, 'GET', path, { token: otherAdmin }), 403],
      ['a body that is no JSON is 400', await call(server.url, 'POST', path, { token: admin, raw: '{"invitees":' }), 400],
      ['invitees that are no list is 400', await call(server.url, 'POST', path, { token: admin, body: { invitees: 'dee' } }), 400],
      ['an invitee without identity is 400', await call(server.url, 'POST', path, { token: admin, body: { invitees: [{ name: 'D' }] } }), 400],
      ['a negative timeout is 400', await call(server.url, 'POST', path, { token: admin, body: { ...body, timeout_s: -1 } }), 400],
      ['more than 100 invitees is 400', await call(server.url, 'POST', path, { token: admin, body: {
        invitees: Array.from({ length: 101 }, (_, i) => ({ identity: `p${i}` })) } }), 400],
      ['an unknown room is 404', await call(server.url, 'POST', '/api/v1/rooms/nowhere/invitations', {
        token: await mint({ grant: { roomAdmin: true, room: 'nowhere' } }), body }), 404],
      ['declining with a forged token is 401', await call(server.url, 'POST', '/api/v1/invitations/decline', { body: { token: forged } }), 401],
      ['declining without an invitation is 404', await call(server.url, 'POST', '/api/v1/invitations/decline', { body: { token: joinOnly } }), 404],
      ['declining without a token is 400', await call(server.url, 'POST', '/api/v1/invitations/decline', { body: {} }), 400],
    ];
    for (const [name, answer, status] of refusals)
      h.check(name, answer.status === status && typeof answer.json?.error === 'string', `${answer.status} ${answer.text}`);

    // A base_url given by the caller makes the links.
    const based = await call(server.url, 'POST', path, { token: admin,
      body: { invitees: [{ identity: 'eve' }], base_url: 'https://meet.example.org/app/' } });
    const eve = based.json?.invitations?.[0];
    h.check('base_url makes the links', based.status === 200 && eve?.join_url === `https://meet.example.org/app/?token=${eve?.token}`,
      eve?.join_url?.slice(0, 60));

    // The decline links in a browser: the card names the meeting and the invitee (as text,
    // never markup), and answers for the person before anything else loads.
    const carded = await call(server.url, 'POST', path, { token: admin, body: {
      invitees: [{ identity: 'di', name: '<b>Di</b>' }, { identity: 'el', name: 'El' }], timeout_s: 120 } });
    const [di, el] = carded.json?.invitations ?? [];
    browser = await openParticipant(di.decline_url);
    const card = async (page) => page.evaluate(() => {
      const c = document.querySelector('.pm-invitation');
      return c && { text: c.innerText, answer: c.dataset.answer || '', bold: !!c.querySelector('b'),
        buttons: [...c.querySelectorAll('button')].map((b) => b.textContent),
        client: !!document.querySelector('script[src="posemeet.js"]') };
    });
    const diCard = await waitFor(() => card(browser.page), TIMEOUT_MS);
    h.check('a decline link opens the invitation card: meeting, name as text, Join and Decline, client not loaded',
      diCard && diCard.text.includes(`“${ROOM}”`) && diCard.text.includes('<b>Di</b>') && !diCard.bold &&
      diCard.buttons.join() === 'Join,Decline' && !diCard.client, JSON.stringify(diCard));
    await browser.page.getByRole('button', { name: 'Decline' }).click();
    const diAnswered = await waitFor(async () => { const c = await card(browser.page); return c?.answer ? c : null; }, TIMEOUT_MS);
    const diHeard = await heard('di', 'declined');
    h.check('Decline on the card tells the person and the host (declined)', diAnswered?.answer === '200' &&
      /You declined/.test(diAnswered.text) && diAnswered.buttons.length === 0 && !!diHeard, JSON.stringify(diAnswered));

    const elPage = await browser.browser.newPage({ viewport: { width: 720, height: 450 } });
    elPage.on('pageerror', (e) => browser.errors.push(e.message));
    await elPage.goto(`${el.decline_url}&pose=synthetic&theme=dark`);
    await waitFor(() => card(elPage), TIMEOUT_MS);
    await elPage.getByRole('button', { name: 'Join' }).click();
    const elJoined = await waitFor(async () => {
      const st = await state({ page: elPage });
      return st?.status === 'joined' ? st : null;
    }, TIMEOUT_MS);
    const elHeard = await heard('el', 'joined');
    h.check('Join on the card joins the meeting as the invitee (joined), and a reload joins straight away',
      elJoined?.self?.user_id === 'el' && elJoined?.self?.user_name === 'El' && !!elHeard &&
      !new URL(elPage.url()).searchParams.has('decline'), `${elJoined?.self?.user_id} ${elPage.url().slice(-40)}`);
    // A member's page lists the invitations: the one declined on the card, and a new one as it comes.
    await elPage.evaluate(() => { window.__pmInvitations = []; window.PoseMeet.on('invitation', (i) => window.__pmInvitations.push(i)); });
    await call(server.url, 'POST', path, { token: admin, body: { invitees: [{ identity: 'fy', name: 'Fy' }] } });
    const fyOnPage = await waitFor(() => elPage.evaluate(() => window.__pmInvitations.find((i) => i.identity === 'fy')), TIMEOUT_MS);
    const listedOnPage = (await state({ page: elPage }))?.meeting?.invitations ?? [];
    h.check('a member\'s page keeps the invitations: di declined, fy invited (event "invitation")',
      fyOnPage?.status === 'invited' && listedOnPage.find((i) => i.identity === 'di')?.status === 'declined' &&
      listedOnPage.find((i) => i.identity === 'fy')?.status === 'invited', JSON.stringify(listedOnPage.map((i) => `${i.identity}:${i.status}`)));
    // The webhooks: each status change of the first three, in order, after the join it led to.
    const story = (e) => e.raw.event === 'invitation_updated' ? `${e.raw.invitation.identity}:${e.raw.invitation.status}`
      : e.raw.event === 'participant_joined' ? `joined:${e.raw.participant.identity}` : null;
    const hooked = await waitFor(() => {
      const s = receiver.events.map(story).filter((x) => x && /^(joined:)?(ana|bo|cy)\b/.test(x));
      return s.length >= 7 ? s : null;
    }, TIMEOUT_MS);
    h.check('the webhooks get every invitation status change (invitation_updated), verified by WebhookReceiver',
      hooked?.join() === 'ana:invited,bo:invited,cy:invited,joined:ana,ana:joined,bo:declined,cy:missed' &&
      receiver.rejected.length === 0, `${hooked?.join()} rejected ${receiver.rejected.length}`);
    const audit = await call(server.url, 'GET', `/api/v1/audit?room=${ROOM}`, { token: admin });
    const invites = (audit.json?.entries ?? []).filter((e) => e.action === 'Invite');
    h.check('the audit log has each invitation call by the operator\'s key, the refused ones too',
      audit.status === 200 && invites.length >= 5 && invites.every((e) => e.api === 'invitations' && e.actor === KEY) &&
      invites.some((e) => e.code === 200 && e.detail.invitees.join() === 'ana,bo,cy') && invites.some((e) => e.code === 400),
      `${audit.status} ${JSON.stringify(invites.map((e) => `${e.code}:${(e.detail.invitees ?? []).join('+')}`))}`);
    h.check('the invitation pages raised no script errors', browser.errors.length === 0, browser.errors.join('; '));
  } finally {
    if (browser) await browser.close();
    if (receiver) await receiver.close();
    for (const c of sockets) await c.close().catch(() => {});
    if (server) await server.stop();
  }
}
