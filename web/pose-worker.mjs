// Camera pose worker (module Worker, served as pose/pose-worker.mjs): runs MediaPipe's
// PoseLandmarker (BlazePose lite, 33 landmarks) on the CPU (XNNPACK) off the main thread.
// Every file it loads comes from our own server (pose/), nothing from a CDN; the server's
// Content-Security-Policy, sent with this script, keeps it from talking to anyone else
// (tasks-vision tries to send usage logs to a Google endpoint: that request is refused).
//
// Protocol (see web/posemeet-camera.js, the only client):
//   in  {type:'init', base}                -> {type:'ready', loadMs, warmupMs}
//       base: URL of the folder holding the pose files (absolute, or relative to this script)
//                                             | {type:'error', stage:'load'|'model'|'warmup', message}
//   in  {type:'frame', bitmap, timestampMs} -> {type:'pose', timestampMs, inferenceMs,
//                                               landmarks: Float32Array(33*4) x,y,z,visibility | null}
//                                             | {type:'error', stage:'inference', timestampMs, message}
//       The bitmap is transferred in and closed here. x and y are fractions of the picture
//       (0..1, not mirrored), z is depth relative to the hips, visibility 0..1.
//   in  {type:'close'}                     -> {type:'closed'} once the landmarker is released
//   out {type:'blocked', uri, directive}     whenever the Content-Security-Policy refused a
//       request of this worker (tasks-vision's usage logs): shown in the camera's stats

const LANDMARKS = 33;
const MODEL_FILE = 'pose_landmarker_lite.task';
const WASM_LOADER = 'vision_wasm_module_internal.js';
const WASM_BINARY = 'vision_wasm_module_internal.wasm';

let landmarker = null;
let lastTimestamp = -Infinity;  // detectForVideo needs strictly increasing timestamps

const post = (message, transfer) => self.postMessage(message, transfer || []);
const errorText = (e) => (e && e.message) || String(e);

async function init(base) {
  const t0 = performance.now();
  const baseUrl = new URL(base, self.location.href).href;  // the page sends it absolute
  let vision, model;
  try {
    vision = await import(new URL('vision_bundle.mjs', baseUrl).href);
    const res = await fetch(new URL(MODEL_FILE, baseUrl));
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${MODEL_FILE}`);
    model = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return post({ type: 'error', stage: 'load', message: errorText(e) });
  }
  try {
    landmarker = await vision.PoseLandmarker.createFromOptions(
      { wasmLoaderPath: new URL(WASM_LOADER, baseUrl).href, wasmBinaryPath: new URL(WASM_BINARY, baseUrl).href },
      { baseOptions: { modelAssetBuffer: model, delegate: 'CPU' }, runningMode: 'VIDEO', numPoses: 1 });
  } catch (e) {
    return post({ type: 'error', stage: 'model', message: errorText(e) });
  }
  const loadMs = performance.now() - t0;
  // The first inference sets up the graph (0.6-1.2 s here): do it now, on a blank picture,
  // so the user's first frame is fast.
  const t1 = performance.now();
  try {
    const blank = new ImageData(640, 480);
    blank.data.fill(128);
    detect(blank, 1);
  } catch (e) {
    return post({ type: 'error', stage: 'warmup', message: errorText(e) });
  }
  post({ type: 'ready', loadMs, warmupMs: performance.now() - t1 });
}

// Runs one inference; returns the landmarks of the first person found, or null.
function detect(image, timestampMs) {
  const ts = Math.max(timestampMs, lastTimestamp + 1);
  lastTimestamp = ts;
  const result = landmarker.detectForVideo(image, ts);
  const person = result.landmarks && result.landmarks[0];
  if (!person || person.length < LANDMARKS) return null;
  const out = new Float32Array(LANDMARKS * 4);
  for (let i = 0; i < LANDMARKS; i++) {
    const p = person[i];
    out[i * 4] = p.x; out[i * 4 + 1] = p.y; out[i * 4 + 2] = p.z;
    out[i * 4 + 3] = p.visibility ?? 1;
  }
  return out;
}

function frame({ bitmap, timestampMs }) {
  try {
    if (!landmarker) throw new Error('frame before the model is ready');
    const t0 = performance.now();
    const landmarks = detect(bitmap, timestampMs);
    const inferenceMs = performance.now() - t0;
    post({ type: 'pose', timestampMs, inferenceMs, landmarks }, landmarks ? [landmarks.buffer] : []);
  } catch (e) {
    post({ type: 'error', stage: 'inference', timestampMs, message: errorText(e) });
  } finally {
    if (bitmap && bitmap.close) bitmap.close();
  }
}

self.addEventListener('securitypolicyviolation', (e) => {
  post({ type: 'blocked', uri: e.blockedURI, directive: e.effectiveDirective });
});

self.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.type === 'init') init(msg.base || './');
  else if (msg.type === 'frame') frame(msg);
  else if (msg.type === 'close') {
    try { if (landmarker) landmarker.close(); } catch (e) { /* closing anyway */ }
    landmarker = null;
    // close() makes tasks-vision send its usage logs. Stay alive a moment so the policy
    // refuses that request (and we report it) rather than it dying half-way with the worker.
    setTimeout(() => post({ type: 'closed' }), 250);
  }
};
