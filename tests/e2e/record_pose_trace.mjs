#!/usr/bin/env node
// Records a 30 Hz BlazePose landmark trace of camera motion, for the pose codec benchmark
// (tools/bench_pose_codec.sh --trace FILE). A tool, not a test: run_e2e.mjs does not run it.
//
//   node tests/e2e/record_pose_trace.mjs [--seconds 8] [--speed 60] [--motion bob|slide]
//                                        [--bob-px 16] [--bob-period 2] [--out FILE] [--keep-clip]
//   tools/bench_pose_codec.sh --trace=build/e2e/pose-trace-30hz.json
//
// Needs tools/setup.sh (pose assets, test picture, playwright-core) and tools/build.sh
// (the native server, and the wasm build, which copies the pose files to build/wasm/web/pose/).
//
// What it does:
//   1. Writes a fake-camera clip (lib/fake_camera.mjs) of 640x480 at 30 fps: the photo of a
//      person (360 px tall) going back and forth across the frame at --speed px/s (turning
//      at 20 px from either edge, no jump) and, with --motion bob (the default), also bobbing
//      up and down by +-bob-px with a period of bob-period seconds. The photo is rigid: the
//      landmarks move by translation only, plus whatever the model makes of each frame.
//      With the defaults (8 s; 240 px each way at 60 px/s; 2 s bob) the clip ends where it
//      began, so the bench, which loops a trace, sees no jump at the seam.
//   2. Starts our server and, in headless Chromium, opens a page of it (/healthz: plain JSON,
//      so nothing of the client runs) and starts the same module Worker the client uses
//      (/pose/pose-worker.mjs, base URL /pose/ made absolute, as web/posemeet-camera.js does).
//   3. Decodes the y4m here in Node (YUV 4:2:0, BT.601 limited range, as written) and hands
//      EVERY frame to the page as RGBA, which makes an ImageBitmap of it and sends it to the
//      worker as {type:'frame', bitmap, timestampMs}. One frame at a time (the next one only
//      after the worker's answer), so no frame is dropped however slow the CPU; timestamps
//      are exactly 1000/30 ms apart, starting at 1000 ms (the worker's warm-up used 1).
//
// Writes:
//   build/e2e/pose-trace-30hz.json (or --out): a JSON array with one entry per clip frame, in
//     order, each an array of 33 [x, y, z, visibility] (x, y: fractions of the picture, not
//     mirrored; z: depth relative to the hips; rounded to 1e-6). A frame where the model saw
//     nobody repeats the previous frame; frames with nobody before the first pose are left
//     out (so entry 0 may not be clip frame 0: see the meta file).
//   the same name with .meta.json: the clip's settings, how many frames had nobody (and which),
//     frames left out at the start, inference times, and the nose's error against the
//     photo's annotation (lib/fake_camera.mjs ASTRONAUT.points) as a sanity check.
//   with --keep-clip, the clip itself next to it (.y4m, ~110 MB for 8 s); otherwise it is
//     removed at the end (the same options write the same clip again).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM_ARGS, ARTIFACTS } from './lib/processes.mjs';
import { writeFakeCamera, ASTRONAUT } from './lib/fake_camera.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const FPS = 30;
const WIDTH = 640, HEIGHT = 480, PERSON = 360, MARGIN = 20, TOP = 60;
const SECONDS = Number(opt('--seconds', 8));
const SPEED = Number(opt('--speed', 60));
const MOTION = opt('--motion', 'bob');
const BOB_PX = MOTION === 'bob' ? Number(opt('--bob-px', 16)) : 0;
const BOB_PERIOD = Number(opt('--bob-period', 2));
const OUT = path.resolve(opt('--out', path.join(ARTIFACTS, 'pose-trace-30hz.json')));
const STEM = OUT.replace(/\.json$/, '');
const KEEP_CLIP = args.includes('--keep-clip');
if (!['bob', 'slide'].includes(MOTION)) throw new Error(`--motion must be bob or slide, not ${MOTION}`);

// Back and forth between MARGIN and the far edge (a triangle wave), plus the bob.
const personWidth = PERSON;  // the photo is square
const xMin = MARGIN, xMax = WIDTH - personWidth - MARGIN;
const motion = (t) => {
  const span = xMax - xMin, d = (SPEED * t) % (2 * span);
  return { x: xMin + (d <= span ? d : 2 * span - d), y: TOP + BOB_PX * Math.sin(2 * Math.PI * t / BOB_PERIOD) };
};

// Reads a y4m written by writeFakeCamera (C420jpeg, progressive) and yields RGBA frames.
function* y4mFrames(file) {
  const buf = fs.readFileSync(file);
  const eol = buf.indexOf(0x0a);
  const header = buf.subarray(0, eol).toString('ascii');
  const w = Number(/ W(\d+)/.exec(header)[1]), h = Number(/ H(\d+)/.exec(header)[1]);
  if (!/ C420/.test(header) && / C/.test(header)) throw new Error(`y4m: only 4:2:0 is read: ${header}`);
  const cw = w / 2, ch = h / 2, ySize = w * h, cSize = cw * ch;
  const rgba = new Uint8Array(ySize * 4);
  const clamp = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  let at = eol + 1;
  while (at < buf.length) {
    const lineEnd = buf.indexOf(0x0a, at);
    if (buf.subarray(at, at + 5).toString('ascii') !== 'FRAME') throw new Error(`y4m: no FRAME at byte ${at}`);
    const y0 = lineEnd + 1, u0 = y0 + ySize, v0 = u0 + cSize;
    if (v0 + cSize > buf.length) throw new Error('y4m: last frame is cut short');
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = (y >> 1) * cw + (x >> 1);
        const Y = 1.164 * (buf[y0 + y * w + x] - 16), U = buf[u0 + c] - 128, V = buf[v0 + c] - 128;
        const o = (y * w + x) * 4;
        rgba[o] = clamp(Y + 1.596 * V);
        rgba[o + 1] = clamp(Y - 0.392 * U - 0.813 * V);
        rgba[o + 2] = clamp(Y + 2.017 * U);
        rgba[o + 3] = 255;
      }
    }
    yield { width: w, height: h, rgba };
    at = v0 + cSize;
  }
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN; };
const round6 = (v) => Math.round(v * 1e6) / 1e6;

async function main() {
  const clip = writeFakeCamera({ file: `${STEM}.y4m`, fps: FPS, seconds: SECONDS, width: WIDTH, height: HEIGHT,
    personHeight: PERSON, motion });
  console.log(`clip: ${clip.frames} frames ${WIDTH}x${HEIGHT} @ ${FPS} fps, motion ${MOTION} ` +
    `(${SPEED} px/s back and forth x ${xMin}..${xMax}${BOB_PX ? `, bob +-${BOB_PX} px / ${BOB_PERIOD} s` : ''}) -> ${clip.file}`);

  const server = await startServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const pageErrors = [], consoleLines = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${server.url}/healthz`);
    const base = `${server.url}/pose/`;
    const ready = await page.evaluate((base) => new Promise((resolve, reject) => {
      const worker = new Worker(new URL('pose-worker.mjs', base), { type: 'module' });
      const st = window.__trace = { worker, waiting: null, blocked: [] };
      worker.onerror = (e) => { const r = st.waiting; st.waiting = null; (r ? r.reject : reject)(new Error(`worker: ${e.message || 'failed to load'}`)); };
      worker.onmessage = (e) => {
        const m = e.data || {};
        if (m.type === 'blocked') { st.blocked.push(`${m.directive} ${m.uri}`); return; }
        if (m.type === 'ready') { resolve({ loadMs: m.loadMs, warmupMs: m.warmupMs }); return; }
        if (m.type === 'error' && m.stage !== 'inference') { reject(new Error(`worker ${m.stage}: ${m.message}`)); return; }
        const r = st.waiting; st.waiting = null;
        if (r) r.resolve(m);
      };
      // One frame at a time: resolves with the worker's answer to this frame.
      window.__poseFrame = async (b64, width, height, timestampMs) => {
        const bin = atob(b64), px = new Uint8ClampedArray(bin.length);
        for (let i = 0; i < bin.length; i++) px[i] = bin.charCodeAt(i);
        const bitmap = await createImageBitmap(new ImageData(px, width, height));
        const answer = new Promise((res, rej) => { st.waiting = { resolve: res, reject: rej }; });
        worker.postMessage({ type: 'frame', bitmap, timestampMs }, [bitmap]);
        const m = await answer;
        if (m.type === 'error') return { error: m.message, timestampMs: m.timestampMs };
        return { timestampMs: m.timestampMs, inferenceMs: m.inferenceMs, landmarks: m.landmarks ? Array.from(m.landmarks) : null };
      };
      worker.postMessage({ type: 'init', base });
    }), base);
    console.log(`worker ready: load ${ready.loadMs.toFixed(0)} ms, warm-up ${ready.warmupMs.toFixed(0)} ms`);

    const trace = [], nobody = [], inference = [], noseErr = [];
    let leading = 0, prev = null, index = 0;
    const t0 = Date.now();
    for (const f of y4mFrames(clip.file)) {
      const timestampMs = 1000 + index * 1000 / FPS;
      const r = await page.evaluate(({ b64, width, height, timestampMs }) => window.__poseFrame(b64, width, height, timestampMs),
        { b64: Buffer.from(f.rgba.buffer, f.rgba.byteOffset, f.rgba.byteLength).toString('base64'),
          width: f.width, height: f.height, timestampMs });
      if (r.error) throw new Error(`inference failed on frame ${index}: ${r.error}`);
      inference.push(r.inferenceMs);
      if (!r.landmarks) {
        nobody.push(index);
        if (prev) trace.push(prev); else leading++;
      } else {
        const lm = [];
        for (let k = 0; k < 33; k++) lm.push([0, 1, 2, 3].map((c) => round6(r.landmarks[k * 4 + c])));
        trace.push(lm);
        prev = lm;
        const truth = clip.truthAt(index).nose;
        noseErr.push(Math.hypot(lm[0][0] * WIDTH - truth.x, lm[0][1] * HEIGHT - truth.y));
      }
      index++;
      if (index % 60 === 0) console.log(`  ${index}/${clip.frames} frames (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const blocked = await page.evaluate(() => window.__trace.blocked);
    await page.evaluate(() => new Promise((resolve) => {
      window.__trace.worker.onmessage = (e) => { if (e.data && e.data.type === 'closed') resolve(); };
      window.__trace.worker.postMessage({ type: 'close' });
      setTimeout(resolve, 2000);
    }));

    if (index !== clip.frames) throw new Error(`read ${index} frames of the clip's ${clip.frames}`);
    if (!trace.length) throw new Error('the model saw nobody in any frame');
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify(trace));
    const meta = {
      trace: path.basename(OUT), clip: path.basename(clip.file), fps: FPS, width: WIDTH, height: HEIGHT,
      seconds: SECONDS, clipFrames: clip.frames, traceFrames: trace.length, motion: MOTION, speedPxPerS: SPEED,
      xRange: [xMin, xMax], bobPx: BOB_PX, bobPeriodS: BOB_PERIOD, personHeight: PERSON,
      timestampsMs: { first: 1000, step: 1000 / FPS },
      nobody: { count: nobody.length, frames: nobody, policy: 'repeat the previous frame', leadingLeftOut: leading },
      inferenceMs: { median: median(inference), p90: pct(inference, 0.9), max: Math.max(...inference) },
      noseErrorPx: { median: median(noseErr), p90: pct(noseErr, 0.9), max: Math.max(...noseErr) },
      cspBlocked: blocked, pageErrors,
    };
    fs.writeFileSync(`${STEM}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
    console.log(`trace: ${trace.length} frames (of ${clip.frames}); nobody seen in ${nobody.length} ` +
      `(repeated the previous frame; ${leading} left out at the start)`);
    console.log(`inference ms: median ${meta.inferenceMs.median.toFixed(1)} p90 ${meta.inferenceMs.p90.toFixed(1)}; ` +
      `nose vs annotation px: median ${meta.noseErrorPx.median.toFixed(1)} p90 ${meta.noseErrorPx.p90.toFixed(1)} max ${meta.noseErrorPx.max.toFixed(1)}`);
    console.log(`wrote ${OUT}\n  and ${STEM}.meta.json`);
    if (pageErrors.length) console.log('page errors:\n  ' + pageErrors.join('\n  '));
  } catch (e) {
    if (consoleLines.length) console.error('console:\n  ' + consoleLines.slice(-20).join('\n  '));
    throw e;
  } finally {
    await browser.close();
    await server.stop();
    if (!KEEP_CLIP) fs.rmSync(clip.file, { force: true });
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
