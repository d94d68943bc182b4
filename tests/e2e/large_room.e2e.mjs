// A room of 30 (issue 13: rooms beyond the peer-to-peer mesh): one browser page and 29 bots,
// two of them speaking. The room goes through the relay for everyone; the page hears the
// speakers (the relay forwards the loudest few), shows its tiles in pages, gets full-rate
// pose for the tiles on screen and a trickle for the rest, and after "Next page" the new
// tiles move at the full rate while the ones paged out slow down.
import path from 'node:path';
import fs from 'node:fs';
import { ARTIFACTS, openParticipant, startBot, startServer, state } from './lib/processes.mjs';
import { waitFor } from './lib/harness.mjs';
import { stampedState } from './lib/page_clock.mjs';
import { writeToneWav } from './lib/tone_wav.mjs';

const ROOM = 'large-room-e2e';
const SPEAKER_HZ = [440, 660];
const AMP = 0.3;
const TIMEOUT_MS = 60000;

// Decoded poses per second from each remote over `ms` of the page's own time.
async function poseRates(p, ms) {
  const a = await stampedState(p);
  await waitFor(async () => (await stampedState(p)).at - a.at >= ms, ms + 30000, 100);
  const b = await stampedState(p);
  const count = (s) => Object.fromEntries(s.state.participants.filter((x) => !x.is_self)
    .map((x) => [x.user_id, (x.pose_keyframes_received || 0) + (x.pose_deltas_received || 0)]));
  const ca = count(a), cb = count(b), secs = (b.at - a.at) / 1000;
  return Object.fromEntries(Object.keys(cb).map((id) => [id, ((cb[id] || 0) - (ca[id] || 0)) / secs]));
}

const visibleTiles = async (p) => Object.keys(await p.page.evaluate(() => window.PoseMeet.test.uiControls()))
  .filter((k) => k.startsWith('tile/')).map((k) => k.slice(5));

export async function run(h, figures) {
  h.begin('large room: 30 members through the relay, tiles in pages, visible tiles at the full rate');
  const dir = path.join(ARTIFACTS, 'large_room');
  fs.mkdirSync(dir, { recursive: true });
  // Two media threads whatever the machine: the room must land on one of them.
  const server = await startServer({ extraArgs: ['--max-participants', '40', '--threads', '2'] });
  const bots = [];
  let page = null;
  try {
    for (const hz of SPEAKER_HZ) {
      const wav = writeToneWav(path.join(dir, `tone${hz}.wav`), hz, { amp: AMP });
      bots.push(startBot(server.ws, { room: ROOM, name: `Speaker${hz}`, extraArgs: ['--audio-in', wav, '--quiet'] }));
    }
    bots.push(startBot(server.ws, { room: ROOM, name: 'Member', count: 27, extraArgs: ['--quiet'] }));
    page = await openParticipant(`${server.url}/?room=${ROOM}&name=Viewer&audio=0`,
      { extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
    const joined = await waitFor(async () => {
      const s = await state(page);
      return s?.status === 'joined' && s.participants.length === 30 ? s : null;
    }, TIMEOUT_MS, 200);
    h.check('the page joins a room of 30, which goes through the relay for everyone',
      !!joined && joined.self.media_relay === 1 && joined.participants.every((p) => p.media_relay === 1),
      joined ? `${joined.participants.length} members` : 'not joined with 30');

    // The page and the bots name the room when they connect (/ws?room=): the server keeps
    // the room's connections on one thread, so relaying its packets never crosses threads.
    const stats = await (await fetch(`${server.url}/api/v1/stats`)).json();
    const loads = (stats.media_threads || []).map((t) => t.connections);
    h.check('the room\'s 30 connections (the page and every bot) share one of the server\'s two media threads',
      loads.length === 2 && loads.includes(30) && loads.includes(0), JSON.stringify(stats.media_threads));

    // The speakers' voices reach the page (the relay forwards the loudest few).
    const speakers = joined.participants.filter((p) => /^Speaker/.test(p.user_name));
    await page.page.evaluate((f) => window.PoseMeet.test.audioTap(f), SPEAKER_HZ);
    const heard = {};
    await waitFor(async () => {
      const tap = await page.page.evaluate(() => window.PoseMeet.test.audioTapTake());
      for (const [id, frames] of Object.entries(tap)) (heard[id] ||= []).push(...frames);
      return speakers.every((s) => (heard[s.user_id] || []).length >= 100);
    }, TIMEOUT_MS, 200);
    const level = (s, i) => {
      const last = (heard[s.user_id] || []).slice(-50).map((f) => f.mag[i]).sort((a, b) => a - b);
      return last.length ? last[Math.floor(last.length / 2)] : 0;
    };
    const levels = speakers.map((s) => level(s, SPEAKER_HZ.indexOf(Number(s.user_name.slice(7)))));
    h.check('the page hears both speakers in the room of 30', speakers.length === 2 && levels.every((l) => l > AMP / 2),
      levels.map((l) => l.toFixed(3)).join(', ') + '; frames by kind: ' + speakers.map((s) => JSON.stringify(
        (heard[s.user_id] || []).reduce((n, f) => ({ ...n, [f.kind]: (n[f.kind] || 0) + 1 }), {}))).join(' '));

    // Tiles in pages; the ones on screen at the full rate, the others slowly.
    const first = await visibleTiles(page);
    const controls = await page.page.evaluate(() => window.PoseMeet.test.uiControls());
    h.check('the tiles are shown a page at a time, with a pager', first.length > 1 && first.length < 30 &&
      !!controls['tiles/Next page'], `${first.length} tiles on the first page`);
    const others = (ids) => joined.participants.filter((p) => !p.is_self && !ids.includes(p.user_id)).map((p) => p.user_id);
    const judge = (rates, shown) => {
      const on = shown.filter((id) => id !== joined.self.user_id).map((id) => rates[id] ?? 0);
      const off = others(shown).map((id) => rates[id] ?? 0);
      return { on, off, ok: on.length > 0 && off.length > 0 && Math.min(...on) >= 6 && Math.max(...off) <= 4 };
    };
    const fmt = (j) => `on screen ${Math.min(...j.on).toFixed(1)}-${Math.max(...j.on).toFixed(1)}/s, ` +
      `off ${Math.min(...j.off).toFixed(1)}-${Math.max(...j.off).toFixed(1)}/s`;
    let before = null;
    await waitFor(async () => (before = judge(await poseRates(page, 3000), first)).ok, TIMEOUT_MS, 0);
    figures.large_room_pose_rates = { on_screen: before.on, off_screen: before.off };
    h.check('tiles on screen move at the room\'s rate (10/s), the others get a trickle (2/s)', before.ok, fmt(before));

    // Next page: the new tiles come up to the full rate, the ones paged out slow down.
    const next = controls['tiles/Next page'];
    await page.page.mouse.click(next[0] + next[2] / 2, next[1] + next[3] / 2);
    const second = await waitFor(async () => {
      const v = await visibleTiles(page);
      return v.length && v.every((id) => !first.includes(id) || id === joined.self.user_id) ? v : null;
    }, 10000);
    let after = null;
    if (second) await waitFor(async () => (after = judge(await poseRates(page, 3000), second)).ok, TIMEOUT_MS, 0);
    h.check('after "Next page" the tiles now on screen move at the full rate and the ones paged out slow down',
      !!second && !!after?.ok, second ? fmt(after) : 'the page did not change');
    h.check('the page raised no script errors', page.errors.length === 0, page.errors.join('; '));
  } finally {
    if (page) await page.close();
    for (const b of bots) await b.stop();
    await server.stop();
  }
}
