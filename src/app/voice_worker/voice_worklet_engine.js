// The voice engine inside the page's AudioWorklet: appended to posemeet-voice.js (the
// Emscripten glue of this folder's module, --extern-post-js), which the page adds to its
// AudioContext's worklet (library_audio.js, connectToVoice). It decodes, conceals, mixes and
// encodes on the worklet's thread, the one thread of the page the browser runs at real-time
// priority (Chromium on Linux: SCHED_RR, as `ps -eLo cls,rtprio,comm` shows for "Realtime
// AudioW"): on a saturated machine an ordinary thread (the voice worker) goes unscheduled
// for hundreds of ms and the speaker ran dry; this one does not. The voice worker
// (web/posemeet-voice-worker.js) only moves bytes: packets in from the network, our packets
// out, the room and reports between here and the page.
//
// The playback worklet (pm-playback) hands this engine the port it was given to the worker
// and calls render() for each 128-sample block; the capture worklet (pm-capture) calls
// capture() with each 20 ms block of the microphone. Both run on this thread, so neither
// needs a message to reach the engine.
(function() {
'use strict';
if (typeof registerProcessor !== 'function') return;  // only the worklet runs the engine

var FRAME = 960, SAMPLE_RATE = 48000;
var M = null;              // the wasm module, once instantiated
var port = null;           // to the voice worker
var pending = [];          // messages that arrived before the module
var timeOrigin = 0;        // the page's performance.timeOrigin: the pipeline's times are on its clock
var wallMinusContextMs = null;  // Date.now() - currentTime (ms), from the page
var outputLatencyMs = 0;   // the device's buffering after this worklet
// Frames mixed ahead of the speaker: one at a time, rendered when the block being played
// needs it; a test may hold more (PoseMeet.test.speakerQueue) to show that a mute or a
// volume change is still heard at once (the queued frames are mixed again).
var queue = [], offset = 0, queuedSamples = 0, testQueueMs = 0;
var samplesPlayed = 0, underruns = 0, reports = 0, lastRenderAt = 0;
// The audio clock against the wall clock. Blocks are rendered in bursts ahead of the
// speaker (the device's buffering), so Date.now() - currentTime wanders by tens of ms while
// nothing is lost; when this thread (or the device's) is late beyond the buffer, the output
// skips and the audio clock falls behind for good. So the lowest difference of each second
// is compared with the lowest seen: a rise past the threshold is a gap at the speaker that
// no queue of ours sees (a late burst that catches up is not).
var SLIP_WINDOW_MS = 1000, SLIP_THRESHOLD_MS = 10;
var lagFloorMs = null, windowMinLag = Infinity, windowStart = 0, clockSlips = 0, clockSlipMs = 0;
function watchClock() {
  var now = Date.now(), lag = now - currentTime * 1000;
  windowMinLag = Math.min(windowMinLag, lag);
  if (now - windowStart < SLIP_WINDOW_MS) return;
  if (lagFloorMs === null || windowMinLag < lagFloorMs) lagFloorMs = windowMinLag;
  else if (windowMinLag - lagFloorMs > SLIP_THRESHOLD_MS) {
    clockSlips++;
    clockSlipMs += windowMinLag - lagFloorMs;
    lagFloorMs = windowMinLag;
  }
  windowMinLag = Infinity;
  windowStart = now;
}
var outbox = {peers: [], relay: []};  // what the module sent during this call, posted at its end

function nowMs() { return Date.now() - timeOrigin; }
function post(msg, transfer) { if (port) port.postMessage(msg, transfer || []); }

function withString(str, fn) {
  var len = M.lengthBytesUTF8(str) + 1, ptr = M._malloc(len);
  M.stringToUTF8(str, ptr, len);
  try { return fn(ptr); } finally { M._free(ptr); }
}
function withBytes(bytes, fn) {
  var ptr = M._malloc(Math.max(1, bytes.length));
  M.HEAPU8.set(bytes, ptr);
  try { return fn(ptr); } finally { M._free(ptr); }
}

// The module's sends (main.cpp): collected and posted to the worker in one message, which
// sends them and counts what left (a backed-up channel drops there: late audio is worthless).
globalThis.pmvSendPeer = function(user, view) { outbox.peers.push([user, view.slice()]); return true; };
globalThis.pmvSendRelay = function(bytes) { outbox.relay.push(bytes); return true; };
globalThis.pmvNoteSent = function() {};
function flushOutbox() {
  if (!outbox.peers.length && !outbox.relay.length) return;
  var transfer = outbox.peers.map(function(p) { return p[1].buffer; }).concat(outbox.relay.map(function(b) { return b.buffer; }));
  post({type: 'send', peers: outbox.peers, relay: outbox.relay}, transfer);
  outbox = {peers: [], relay: []};
}

// What is mixed and not yet played (the current frame's rest and any queued ahead).
function queuedMs() { return (queuedSamples - offset) * 1000 / SAMPLE_RATE; }

function renderFrame() {
  var ptr = M._pmv_render(nowMs(), Date.now(), queuedMs() + outputLatencyMs);
  var pcm = M.HEAPF32.slice(ptr >> 2, (ptr >> 2) + FRAME);
  queue.push({n: M._pmv_rendered_number(), pcm: pcm});
  queuedSamples += FRAME;
  lastRenderAt = Date.now();
}

// A change of the room or a volume: the frames still queued are mixed again.
function revise() {
  if (!queue.length) return;
  var count = M._pmv_revise(queue[0].n);
  var base = M._pmv_revised_frames() >> 2, first = M._pmv_revised_first();
  for (var i = 0; i < queue.length; i++) {
    var k = queue[i].n - first;
    if (k >= 0 && k < count) queue[i].pcm = M.HEAPF32.slice(base + k * FRAME, base + (k + 1) * FRAME);
  }
}

function report(running) {
  var full = (reports++ % 5) === 0;  // the full state 10 times a second, the rest 50
  var json = M.UTF8ToString(M._pmv_report(full ? 1 : 0));
  if (json) post({type: 'report', json: json, queued_ms: queuedMs(), underruns: underruns, clock_slips: clockSlips,
                 clock_slip_ms: Math.round(clockSlipMs), running: running});
}

var engine = {
  // The port to the voice worker, from the page through the playback worklet.
  attach: function(workerPort) {
    port = workerPort;
    port.onmessage = function(e) { if (M || e.data.type === 'init') handle(e.data); else pending.push(e.data); };
  },

  // One block for the speaker. False while there is no module yet (the block stays silent;
  // an underrun once something played).
  render: function(out) {
    if (!M || wallMinusContextMs === null) {
      if (samplesPlayed > 0) underruns++;  // it played before: this block is a gap
      return false;
    }
    var target = Math.max(out.length, testQueueMs * SAMPLE_RATE / 1000);
    while (queuedSamples - offset < target) renderFrame();
    var i = 0;
    while (i < out.length) {
      var f = queue[0].pcm, k = Math.min(out.length - i, FRAME - offset);
      out.set(f.subarray(offset, offset + k), i);
      i += k; offset += k;
      if (offset === FRAME) { queue.shift(); queuedSamples -= FRAME; offset = 0; }
    }
    samplesPlayed += out.length;
    watchClock();
    // Once per frame, half a frame after it was mixed: the two heaviest steps in different
    // blocks, so neither block runs long.
    if ((samplesPlayed + FRAME / 2) % FRAME < out.length) report(true);
    flushOutbox();
    return true;
  },

  // 20 ms of microphone (960 samples); `endContextS`: the audio-clock time of its last sample.
  capture: function(samples, endContextS) {
    if (!M || wallMinusContextMs === null) return;
    var ptr = M._malloc(samples.length * 4);
    M.HEAPF32.set(samples, ptr >> 2);
    M._pmv_capture(ptr, samples.length, endContextS * 1000 + wallMinusContextMs);
    M._free(ptr);
    flushOutbox();
  },
};
globalThis.pmVoiceEngine = engine;

function start(msg) {
  timeOrigin = msg.timeOrigin;
  // The glue would fetch the wasm; a worklet cannot, so the worker fetched it for us.
  PoseMeetVoiceModule({
    instantiateWasm: function(imports, done) {
      WebAssembly.instantiate(msg.wasm, imports).then(function(r) { done(r.instance, r.module); },
          function(err) { post({type: 'failed', message: String(err && err.message || err)}); });
      return {};
    },
  }).then(function(module) {
    M = module;
    M._pmv_init(msg.testLoss || 0, msg.testJitterMs || 0, 1);
    var queued = pending; pending = [];
    queued.forEach(handle);
    post({type: 'ready'});
  }, function(err) { post({type: 'failed', message: String(err && err.message || err)}); });
}

function handle(msg) {
  switch (msg.type) {
    case 'init': start(msg); break;
    case 'clock':
      wallMinusContextMs = msg.wallMinusContextMs;
      outputLatencyMs = msg.outputLatencyMs;
      if (!msg.running) { lagFloorMs = null; windowMinLag = Infinity; }  // a suspended clock stands still: no slip
      break;
    case 'room': withString(msg.json, function(p) { M._pmv_set_room(p); }); revise(); break;
    case 'volume': withString(msg.user, function(u) { M._pmv_set_volume(u, msg.gain); }); revise(); break;
    case 'tap': withString(msg.json, function(p) { M._pmv_tap_start(p); }); break;
    case 'captureStopped': M._pmv_capture_stopped(); break;
    case 'peerState': withString(msg.user, function(u) { M._pmv_peer_state(u, msg.open ? 1 : 0); }); break;
    case 'testQueue': testQueueMs = msg.ms; break;
    case 'packet':  // from the page: a member the worker did not know yet
      withString(msg.user, function(u) {
        withBytes(new Uint8Array(msg.payload), function(p) {
          M._pmv_packet(u, msg.seq, msg.ts, p, msg.payload.byteLength, nowMs(), Date.now());
        });
      });
      break;
    case 'receive':  // a peer link's voice channel
      withString(msg.user, function(u) {
        withBytes(msg.bytes, function(p) { M._pmv_receive(u, p, msg.bytes.length, nowMs(), Date.now()); });
      });
      break;
    case 'relay':  // audio from the server socket; what is not ours to play goes to the page
      if (!withBytes(msg.bytes, function(p) { return M._pmv_relay_in(p, msg.bytes.length, nowMs(), Date.now()); }))
        post({type: 'toPage', bytes: msg.bytes}, [msg.bytes.buffer]);
      break;
    case 'tick':  // the context does not render (no gesture yet): the receive side keeps real-time pace
      if (Date.now() - lastRenderAt >= 20) {
        M._pmv_render(nowMs(), Date.now(), 0);
        lastRenderAt = Date.now();
        report(false);
      }
      break;
  }
}
})();
