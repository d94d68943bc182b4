#!/usr/bin/env node
// Mouth-to-ear latency of voice between two browser pages, peer to peer on loopback, and
// where each millisecond goes; optionally with one page's main thread made busy. A
// benchmark that prints figures (tools/bench_mouth_to_ear.sh --browsers runs it), not a test.
//
//   node tests/e2e/bench_voice_browsers.mjs [--seconds 30] [--fps 10] [--busy-ms 0]
//
// Two headless Chromium pages (software WebGL, drawing at --fps) join one room with fake
// microphones playing tones and unmute. After 5 s to settle, each page's figures are reset
// by reading them at the start and at the end of --seconds: the listener's state().audio
// for the other page (mouth_to_ear_ms over its last 1500 frames = 30 s, jitter-buffer
// stats), its speaker queue, the device's output latency and the speaker's underruns.
// With --busy-ms N, the talker's and the listener's main threads each run an N ms busy loop
// every second (a page that draws, estimates pose or runs a script slowly).
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './lib/harness.mjs';
import { startServer, openParticipant, state, audioArgs, ARTIFACTS } from './lib/processes.mjs';
import { writeToneWav } from './lib/tone_wav.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 30), FPS = arg('fps', 10), BUSY_MS = arg('busy-ms', 0);

const dir = path.join(ARTIFACTS, 'bench-voice');
fs.mkdirSync(dir, { recursive: true });
const server = await startServer();
const pages = [];
try {
  for (const [name, hz] of [['Talker', 440], ['Listener', 660]]) {
    const p = await openParticipant(`${server.url}/?room=bench&name=${name}&audioProcessing=0&fps=${FPS}`,
                                    { extraArgs: audioArgs(writeToneWav(path.join(dir, `tone${hz}.wav`), hz)) });
    await waitFor(async () => (await state(p))?.status === 'joined', 20000);
    pages.push(p);
  }
  const [talker, listener] = pages;
  const talkerId = (await state(talker)).self.user_id;
  await Promise.all(pages.map((p) => p.page.evaluate(() => window.PoseMeet.setMic(true))));
  await waitFor(async () => (await state(listener)).audio.remotes[talkerId]?.mouth_to_ear_ms?.samples > 0, 20000);
  const busy = BUSY_MS > 0 ? setInterval(() => {
    for (const p of pages) p.page.evaluate((ms) => { const t = performance.now(); while (performance.now() - t < ms); }, BUSY_MS).catch(() => {});
  }, 1000) : null;
  await new Promise((r) => setTimeout(r, 5000));
  const before = await state(listener);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = await state(listener);
  if (busy) clearInterval(busy);
  const r = after.audio.remotes[talkerId], j = r.jitter, j0 = before.audio.remotes[talkerId].jitter;
  const f = (x) => (typeof x === 'number' ? x.toFixed(1) : String(x)).padStart(7);
  console.log(`mouth-to-ear, browser -> browser peer to peer on loopback, ${FPS} fps software WebGL` +
              (BUSY_MS ? `, both main threads busy ${BUSY_MS} ms every second` : '') + ` (ms, last ${r.mouth_to_ear_ms.samples} frames)`);
  console.log(`  median ${f(r.mouth_to_ear_ms.median)}   p99 ${f(r.mouth_to_ear_ms.p99)}`);
  console.log(`  framing        ${f(20)}  a frame's first sample waits for the other 959`);
  console.log(`  transit-20     ${f(j.min_transit_ms - 20)}  the fastest arrival beyond that: capture worklet -> voice worker, encode, voice channel, decode side`);
  console.log(`  jitter depth   ${f(j.depth_ms)}  target ${j.target_delay_ms} (arrival spread ${j.spread_ms} + pull spread ${j.pop_spread_ms} + margin) + grid phase`);
  console.log(`  speaker queue  ${f(after.audio.speaker_queue_ms)}  mixed frames waiting in the playback worklet`);
  console.log(`  output         ${f(after.audio.output_latency_ms)}  the browser's own output buffering (AudioContext base + output latency)`);
  console.log(`  during the ${SECONDS} s: speaker underruns ${after.audio.underruns - before.audio.underruns}, ` +
              `concealed ${j.concealed - j0.concealed}, lost ${j.lost - j0.lost}, late ${j.late - j0.late}, dropped ${j.dropped - j0.dropped}`);
} finally {
  for (const p of pages) await p.close().catch(() => {});
  server.stop?.();
}
process.exit(0);
