#!/usr/bin/env node
// The soak of issue 12, as a script of our own (tools/soak.sh runs it; not part of CI):
// two browser pages (software WebGL at 10 fps) and 6 speaking bots in one room, 40
// pose-only bots in 4 other rooms of 10, for --minutes (6 by default). Every 30 s it prints
// per page: gaps at the speaker (underruns: 128-sample blocks the voice engine had nothing
// for; output slips: times the audio output itself fell behind real time, with the ms
// lost), audio frames played per second (50 is real time), frames concealed (no packet in
// time: the decoder filled in) and the mouth-to-ear
// latency of the bots' voices; for the server: media dropped for slow receivers, and its
// memory; and the pages' JS heaps. At the end: gaps per minute per page, drops for
// receivers that keep up, and memory first vs last. A killed bot process is started again
// halfway (it must come back cleanly).
//
//   node tests/e2e/soak.mjs [--minutes 6]
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { waitFor } from './lib/harness.mjs';
import { startServer, openParticipant, state, audioArgs, ARTIFACTS, BUILD } from './lib/processes.mjs';
import { writeToneWav } from './lib/tone_wav.mjs';

const i = process.argv.indexOf('--minutes');
const MINUTES = i > 0 ? Number(process.argv[i + 1]) : 6;
const PERIOD_MS = 30000;
const BOT_BIN = path.join(BUILD, 'src/app/bot/posemeet-bot');
const dir = path.join(ARTIFACTS, 'soak');
fs.mkdirSync(dir, { recursive: true });

// A bot process; quiet, no stats lines: the soak reads the pages and the server.
function bot(url, room, name, count, extra = []) {
  const args = ['--url', url, '--room', room, '--name', name, '--count', String(count), '--duration', '0',
                '--stats-interval', '0', '--quiet', ...extra];
  const proc = spawn(BOT_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return { proc, args };
}
const rssKb = (pid) => Number((fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/) || [])[1]);
const httpJson = async (url) => (await fetch(url)).json();

const server = await startServer();
const httpBase = server.url;
const bots = [];
const pages = [];
try {
  const wav = writeToneWav(path.join(dir, 'speech-like.wav'), 500, { amp: 0.2, onOffSeconds: 1 });
  bots.push(bot(server.ws, 'soak', 'Speaker', 6, ['--audio-in', wav]));
  for (let r = 0; r < 4; r++) bots.push(bot(server.ws, `soak-pose-${r}`, 'Pose', 10));
  for (const [name, hz] of [['Page A', 440], ['Page B', 660]]) {
    const p = await openParticipant(`${httpBase}/?room=soak&name=${encodeURIComponent(name)}&audioProcessing=0&fps=10`,
                                    { extraArgs: audioArgs(writeToneWav(path.join(dir, `page${hz}.wav`), hz)) });
    await waitFor(async () => (await state(p))?.status === 'joined', 30000);
    await p.page.evaluate(() => window.PoseMeet.setMic(true));
    pages.push(p);
  }
  await waitFor(async () => (await state(pages[0])).participants.length >= 8, 30000);
  const sample = async () => ({
    at: Date.now(),
    pages: await Promise.all(pages.map(async (p) => ({
      s: await state(p),
      heapMb: await p.page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize / 1048576 : 0)),
    }))),
    stats: await httpJson(`${httpBase}/api/v1/stats`),
    serverRssKb: rssKb(server.proc.pid),
  });
  const jitterSum = (key) => (s) => Object.values(s.audio.remotes).reduce((n, r) => n + (r.jitter?.[key] || 0), 0);
  const concealed = jitterSum('concealed'), received = jitterSum('received');
  const botM2e = (s) => {
    const m = Object.entries(s.audio.remotes).filter(([id]) => s.participants.find((p) => p.user_id === id)?.user_name?.startsWith('Speaker'))
      .map(([, r]) => r.mouth_to_ear_ms?.median).filter((x) => x > 0);
    return m.length ? Math.max(...m) : null;
  };
  const drops = (st) => st.media?.slow_receiver_dropped || {};
  const first = await sample();
  let prev = first;
  const rows = [];
  console.log(`soak: 2 pages + 6 speaking bots in one room, 40 pose bots in 4 rooms, ${MINUTES} min`);
  console.log('   t  | page  underruns  slips (ms)  frames/s  concealed  bot m2e max | server drops pose/audio  RSS MB | heaps MB');
  const periods = Math.round(MINUTES * 60000 / PERIOD_MS);
  for (let k = 1; k <= periods; k++) {
    if (k === Math.ceil(periods / 2)) {  // a bot process dies and comes back
      const b = bots[1];
      b.proc.kill('SIGKILL');
      bots[1] = bot(server.ws, ...['soak-pose-0', 'Pose', 10]);
    }
    await new Promise((r) => setTimeout(r, PERIOD_MS));
    const cur = await sample();
    const dt = (cur.at - prev.at) / 1000;
    const row = { t: Math.round((cur.at - first.at) / 1000), pages: [], server: {} };
    cur.pages.forEach((pg, n) => {
      const before = prev.pages[n].s.audio;
      row.pages.push({ underruns: pg.s.audio.underruns - before.underruns,
                       fps: (pg.s.audio.frames_played - before.frames_played) / dt,
                       concealed: concealed(pg.s) - concealed(prev.pages[n].s), botM2e: botM2e(pg.s), heapMb: pg.heapMb,
                       slips: pg.s.audio.clock_slips - before.clock_slips,
                       slipMs: pg.s.audio.clock_slip_ms - before.clock_slip_ms,
                       received: received(pg.s) - received(prev.pages[n].s) });
    });
    const d0 = drops(prev.stats), d1 = drops(cur.stats);
    row.server = { pose: (d1.pose || 0) - (d0.pose || 0), audio: (d1.audio || 0) - (d0.audio || 0), rssMb: cur.serverRssKb / 1024 };
    rows.push(row);
    row.pages.forEach((p, n) => console.log(
      `${String(row.t).padStart(5)} | ${'AB'[n]}  ${String(p.underruns).padStart(10)}  ${`${p.slips} (${Math.round(p.slipMs)})`.padStart(10)}` +
      `  ${p.fps.toFixed(1).padStart(8)}  ${String(p.concealed).padStart(9)}` +
      `  ${String(p.botM2e ?? '-').padStart(11)} | ${String(row.server.pose).padStart(10)}/${String(row.server.audio).padEnd(6)}` +
      `  ${row.server.rssMb.toFixed(1).padStart(8)} | ${p.heapMb.toFixed(1).padStart(8)}`));
    prev = cur;
  }
  const minutes = (prev.at - first.at) / 60000;
  const total = (n, key) => rows.reduce((a, r) => a + r.pages[n][key], 0);
  const perMin = [0, 1].map((n) => (total(n, 'underruns') + total(n, 'slips')) / minutes);
  const concealedPct = [0, 1].map((n) => 100 * total(n, 'concealed') / Math.max(1, total(n, 'received')));
  const slow = prev.stats.media?.slow_receivers || [];
  console.log(`\ngaps at the speaker per minute (underruns + output slips): page A ${perMin[0].toFixed(2)}, page B ${perMin[1].toFixed(2)} (goal: under 1); ` +
              `underruns ${total(0, 'underruns')}/${total(1, 'underruns')}, slips ${total(0, 'slips')}/${total(1, 'slips')} ` +
              `(${Math.round(total(0, 'slipMs'))}/${Math.round(total(1, 'slipMs'))} ms)`);
  console.log(`frames concealed (no packet in time; the decoder filled in): page A ${concealedPct[0].toFixed(1)} %, page B ${concealedPct[1].toFixed(1)} % ` +
              'of the packets received');
  console.log(`server media dropped for slow receivers over the soak: ${JSON.stringify(drops(prev.stats))}; receivers that dropped: ` +
              (slow.length ? slow.map((s) => `${s.user_id} in ${s.room_id}`).join(', ') : 'none'));
  console.log(`server RSS: ${(first.serverRssKb / 1024).toFixed(1)} MB at the start, ${(prev.serverRssKb / 1024).toFixed(1)} MB at the end; ` +
              `page heaps: ${first.pages.map((p) => p.heapMb.toFixed(1)).join('/')} -> ${prev.pages.map((p) => p.heapMb.toFixed(1)).join('/')} MB`);
  fs.writeFileSync(path.join(dir, 'soak.json'), JSON.stringify(rows, null, 1));
} finally {
  for (const p of pages) await p.close().catch(() => {});
  for (const b of bots) b.proc.kill('SIGINT');
  await server.stop();
}
process.exit(0);
