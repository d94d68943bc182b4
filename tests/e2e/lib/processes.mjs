// Starts the real server and native bots as child processes, and headless Chromium
// (Debian's /usr/bin/chromium) through playwright-core. Everything on 127.0.0.1.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const BUILD = process.env.POSEMEET_BUILD_NATIVE || path.join(ROOT, 'build/native');
export const WEB_ROOT = process.env.POSEMEET_WEB_ROOT || path.join(ROOT, 'build/wasm/web');
export const ARTIFACTS = path.join(ROOT, 'build/e2e');
const SERVER_BIN = path.join(BUILD, 'src/app/server/posemeet-server');
const BOT_BIN = path.join(BUILD, 'src/app/bot/posemeet-bot');

// Resolves to {proc, port, url, stop()} once the server prints its listening line.
// `dev`: development mode (joins without an access token are accepted, the development
// key signs tokens); pass dev: false with --api-key/--api-secret to test production mode.
export function startServer({ port = 0, extraArgs = [], dev = true } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(SERVER_BIN, ['--host', '127.0.0.1', '--port', String(port), '--db', ':memory:',
      '--web-root', WEB_ROOT, ...(dev ? ['--dev'] : []), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        const p = Number(m[1]);
        resolve({ proc, port: p, url: `http://127.0.0.1:${p}`, ws: `ws://127.0.0.1:${p}/ws`,
          output: () => out, stop: () => stopProcess(proc) });
      }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => { clearTimeout(timer); if (!/listening/.test(out)) reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

// Sends SIGTERM and resolves with the exit code.
export function stopProcess(proc, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', (code) => { clearTimeout(kill); resolve(code); });
    proc.kill(signal);
  });
}

// A native bot process; `latest` holds the newest stats line per bot name.
export function startBot(wsUrl, { room, name = 'Bot', count = 1, extraArgs = [] }) {
  const proc = spawn(BOT_BIN, ['--url', wsUrl, '--room', room, '--name', name, '--count', String(count),
    '--duration', '0', '--stats-interval', '0.2', '--print-poses', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  // latest: the newest stats line per bot name; history: every line (bounded).
  const bot = { proc, latest: {}, history: [], log: '', stop: () => stopProcess(proc, 'SIGINT') };
  let buf = '';
  proc.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      try {
        const j = JSON.parse(line);
        bot.latest[j.bot] = j;
        bot.history.push(j);
        if (bot.history.length > 5000) bot.history.shift();
      } catch (e) { bot.log += line + '\n'; }
    }
  });
  // Event lines on stderr ("[Bot] participantLeft Cat (id)"), stamped on arrival: eventAt(text)
  // is when the first line containing text came in.
  const events = [];
  bot.eventAt = (text) => events.find((e) => e.line.includes(text))?.at;
  let errBuf = '';
  proc.stderr.on('data', (d) => {
    bot.log += d;
    errBuf += d;
    let i;
    while ((i = errBuf.indexOf('\n')) >= 0) {
      if (events.length < 5000) events.push({ at: Date.now(), line: errBuf.slice(0, i) });
      errBuf = errBuf.slice(i + 1);
    }
  });
  return bot;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Host ICE candidates as plain 127.0.0.1 instead of mDNS names (no mDNS responder here).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Keep timers and rAF running in pages that are not focused.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

// One separate Chromium process per participant (as separate people would have).
// extraArgs: more Chromium flags (e.g. a fake microphone, see audioArgs()).
// pose: the page's pose source. Scenarios default to the demo avatar ('synthetic'), whose
// motion every receiver can recompute for a timestamp (PoseMeet.syntheticPose); the camera
// scenario passes 'camera'. A url that names ?pose= itself keeps it.
export async function openParticipant(url, { viewport = { width: 720, height: 450 }, deviceScaleFactor = 1, initScript,
                                             extraArgs = [], pose = 'synthetic', beforeGoto } = {}) {
  if (!/[?&]pose=/.test(url)) url += (url.includes('?') ? '&' : '?') + 'pose=' + pose;
  // The dark theme unless the url names one: the pixel checks count the dark theme's colours,
  // and headless Chromium's light/dark setting is not ours to rely on.
  if (!/[?&]theme=/.test(url)) url += '&theme=dark';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
  const page = await browser.newPage({ viewport, deviceScaleFactor });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (initScript) await page.addInitScript(initScript);
  if (beforeGoto) await beforeGoto(page);  // e.g. start recording the page's network use
  await page.goto(url);
  return { browser, page, errors, close: () => browser.close() };
}

// Chromium flags for a participant whose microphone plays a WAV file (looped) and whose
// page may play sound without a click.
export function audioArgs(wavPath) {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`, '--autoplay-policy=no-user-gesture-required'];
}

export const state = (p) => p.page.evaluate(() => window.PoseMeet && window.PoseMeet.state());
