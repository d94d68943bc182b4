// The page's voice worker: runs posemeet-voice.wasm (src/app/voice_worker: the Opus codec,
// a jitter buffer per speaker, the mixer) off the page's main thread. Microphone blocks
// come straight from the capture AudioWorklet and mixed frames go straight to the playback
// AudioWorklet, each over a MessagePort the page handed over; audio between peers travels
// on each peer link's voice channel, which the page hands to this worker at its creation;
// and this worker holds the page's WebSocket to the server (control messages pass through
// to the page untouched, relayed audio stays here). So the voice keeps flowing while the
// page's main thread is busy. The page (platform/web/worker_voice.cpp and
// worker_signaling_socket.cpp, through library_audio.js) sends the room, volumes, the clock
// and what it sends on the socket; this worker posts back the socket's events and messages
// other than audio, what it sent, and a report every 20 ms.
'use strict';
importScripts('posemeet-voice.js');
postMessage({type: 'hello'});  // the script runs: the page may leave its server socket to us

var M = null;               // the wasm module, once loaded
var pending = [];           // messages that arrived before it
var mainTimeOrigin = 0;     // the page's performance.timeOrigin: our times are on its clock
var wallMinusContextMs = null;  // Date.now() - AudioContext time (ms), from the page
var outputLatencyMs = 0;    // the device's buffering after the playback worklet
var playbackRunning = false;
var playbackPort = null, capturePort = null;
var workletQueuedSamples = 0, underruns = 0;  // as the playback worklet last reported
var framesPosted = 0, framesInFlight = 0;   // to the worklet; in flight: not yet seen by it
var workletPlaying = -1;    // the number of the frame the worklet plays now (-1: none queued)
var reports = 0;
var peers = {};             // user id -> their peer link's voice channel
var MAX_BUFFERED_BYTES = 64 * 1024;  // as library_webrtc.js: beyond it a packet is dropped
// Audio kept queued in the playback worklet: 40 ms, more while this thread has been late
// (a starved machine: on 2 cores with two software-rendered pages and 46 bots this worker
// goes unscheduled for up to ~300 ms). When the worklet runs dry the target grows by the
// gap it just heard plus two frames (at most every 0.5 s, so one long stall counts once), up
// to 400 ms; after 60 s without running dry it gives 5 ms back every second (stalls come
// back on a loaded machine: a target that shrinks fast runs dry again). A gap is heard, a
// few ms more delay is not. The first 2 s of playback (the queue filling) do not count.
// (tools/soak.sh measured it: with a 160 ms ceiling that grew a frame at a time, 67-77
// underruns a minute per page; with the queue held at 300 ms, none after the first 30 s.)
var QUEUE_MIN_MS = 40, QUEUE_MAX_MS = 400;
var QUANTUM_MS = 128 / 48;  // what one underrun (an empty 128-sample block) lasts
// Beyond the gap just heard: two frames (stalls on a loaded machine vary from one to the
// next); and a minute without running dry before giving any of it back.
var STALL_MARGIN_MS = 40, CALM_BEFORE_SHRINK_MS = 60000;
var testQueueMs = 0;  // test only: the queue is held at least this long (PoseMeet.test.speakerQueue)
var targetQueueMs = QUEUE_MIN_MS, lastStarvedAt = -1e9, lastShrinkAt = 0, playbackSince = 0;
var stallBaseMs = 0, stallQuanta = 0;  // the target before this stall, and the quanta it has cost
function adaptQueueTarget(newUnderruns) {
  var t = now();
  if (t - playbackSince < 2000) return;
  if (newUnderruns > 0) {
    // The reports of one stall arrive together when this thread wakes: they add up.
    if (t - lastStarvedAt >= 500) { stallBaseMs = targetQueueMs; stallQuanta = 0; }
    stallQuanta += newUnderruns;
    targetQueueMs = Math.min(QUEUE_MAX_MS, Math.max(targetQueueMs, stallBaseMs + stallQuanta * QUANTUM_MS + STALL_MARGIN_MS));
    lastStarvedAt = t;
  } else if (t - lastStarvedAt > CALM_BEFORE_SHRINK_MS && t - lastShrinkAt > 1000 && targetQueueMs > QUEUE_MIN_MS) {
    targetQueueMs = Math.max(QUEUE_MIN_MS, targetQueueMs - 5);
    lastShrinkAt = t;
  }
  targetQueueMs = Math.max(targetQueueMs, testQueueMs);
}
var FRAME_MS = 20, FRAME_SAMPLES = 960;

function now() { return performance.timeOrigin + performance.now() - mainTimeOrigin; }

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

// The module's sends (src/app/voice_worker/main.cpp decides who gets what). A backed-up
// channel drops the packet rather than queue it: late audio is worthless.
self.pmvSendPeer = function(user, bytes) {
  var channel = peers[user];
  if (!channel || channel.readyState !== 'open' || channel.bufferedAmount > MAX_BUFFERED_BYTES) return false;
  try { channel.send(bytes); return true; } catch (e) { return false; }
};
self.pmvSendRelay = function(bytes) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(bytes);
  return true;
};
self.pmvNoteSent = function(bytes) { postMessage({type: 'sent', bytes: bytes}); };

// The page's WebSocket to the server. Its events and every message that is not audio go
// to the page in order; audio from a member goes into the voice here.
var socket = null;
function connectSocket(url, gen) {
  closeSocket();
  var ws;
  try { ws = new WebSocket(url); } catch (e) {
    postMessage({type: 'wsClose', gen: gen, code: 0, reason: '', opened: false, invalid: true});
    return;
  }
  socket = ws;
  ws.binaryType = 'arraybuffer';
  var opened = false;
  ws.onopen = function() { opened = true; postMessage({type: 'wsOpen', gen: gen}); };
  ws.onmessage = function(e) {
    if (typeof e.data === 'string') { postMessage({type: 'wsText', gen: gen, text: e.data}); return; }
    var bytes = new Uint8Array(e.data);
    var played = M && withBytes(bytes, function(p) { return M._pmv_relay_in(p, bytes.length, now(), Date.now()); });
    if (!played) postMessage({type: 'wsBinary', gen: gen, bytes: bytes}, [bytes.buffer]);
  };
  ws.onclose = function(e) {
    if (socket !== ws) return;
    socket = null;
    postMessage({type: 'wsClose', gen: gen, code: e.code, reason: e.reason, opened: opened});
  };
}
// An explicit close reports nothing back.
function closeSocket() {
  if (!socket) return;
  var ws = socket;
  socket = null;
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.close(1000, 'bye');
}

function addPeer(user, channel) {
  if (peers[user] && peers[user] !== channel) peers[user].close();
  peers[user] = channel;
  channel.binaryType = 'arraybuffer';
  var tellModule = function(open) {
    if (M && peers[user] === channel) withString(user, function(u) { M._pmv_peer_state(u, open ? 1 : 0); });
  };
  channel.onopen = function() { tellModule(true); };
  if (channel.readyState === 'open') tellModule(true);
  channel.onmessage = function(e) {
    if (!M || !(e.data instanceof ArrayBuffer)) return;
    var bytes = new Uint8Array(e.data);
    withString(user, function(u) {
      withBytes(bytes, function(p) { M._pmv_receive(u, p, bytes.length, now(), Date.now()); });
    });
  };
  channel.onclose = function() { tellModule(false); if (peers[user] === channel) delete peers[user]; };
}

function queuedMs() { return (workletQueuedSamples + framesInFlight * FRAME_SAMPLES) / 48; }

// Tops the playback worklet's queue up to the target.
function feedPlayback() {
  if (!playbackPort) return;
  for (var i = 0; i < 10 && queuedMs() < targetQueueMs; i++) {
    var ptr = M._pmv_render(now(), Date.now(), queuedMs() + outputLatencyMs);
    var frame = M.HEAPF32.slice(ptr >> 2, (ptr >> 2) + FRAME_SAMPLES);
    playbackPort.postMessage({n: M._pmv_rendered_number(), pcm: frame}, [frame.buffer]);
    framesPosted++; framesInFlight++;
  }
}

// The room or a volume changed: the frames still queued in the worklet are mixed again
// (a muted voice taken out, a new volume applied) and replace the queued ones, so the
// change is heard at once however long the queue has grown.
function revisePlayback() {
  if (!playbackPort || !M) return;
  var count = M._pmv_revise(Math.max(0, workletPlaying));
  if (!count) return;
  var base = M._pmv_revised_frames() >> 2, frames = [];
  for (var i = 0; i < count; i++) frames.push(M.HEAPF32.slice(base + i * FRAME_SAMPLES, base + (i + 1) * FRAME_SAMPLES));
  playbackPort.postMessage({revise: M._pmv_revised_first(), frames: frames}, frames.map(function(f) { return f.buffer; }));
}

// While nothing plays (no gesture yet), the receive side still runs at real-time pace so
// speaking indicators and the test tap keep working.
var nextIdleFrameAt = -1;
function idleTick() {
  if (!M || playbackRunning) { nextIdleFrameAt = -1; return; }
  var t = now();
  if (nextIdleFrameAt < 0 || t - nextIdleFrameAt > 10 * FRAME_MS) nextIdleFrameAt = t;
  while (nextIdleFrameAt <= t) { M._pmv_render(t, Date.now(), 0); nextIdleFrameAt += FRAME_MS; }
}

function report() {
  if (!M) return;
  var full = (reports++ % 5) === 0;  // the full state 10 times a second, the rest 50
  var json = M.UTF8ToString(M._pmv_report(full ? 1 : 0));
  if (!json) return;  // nothing changed
  postMessage({type: 'report', json: json, underruns: underruns, queued_ms: queuedMs(), queue_target_ms: targetQueueMs,
               running: playbackRunning});
}

function connectCapture(port) {
  if (capturePort) capturePort.onmessage = null;
  capturePort = port;
  port.onmessage = function(e) {
    if (!M || wallMinusContextMs === null) return;
    var s = e.data.samples;
    var ptr = M._malloc(s.length * 4);
    M.HEAPF32.set(s, ptr >> 2);
    M._pmv_capture(ptr, s.length, e.data.end * 1000 + wallMinusContextMs);
    M._free(ptr);
  };
}

function connectPlayback(port) {
  if (playbackPort) playbackPort.onmessage = null;
  playbackPort = port;
  workletQueuedSamples = 0; framesPosted = 0; framesInFlight = 0; workletPlaying = -1;
  playbackSince = now();
  port.onmessage = function(e) {
    workletQueuedSamples = e.data.queued;
    workletPlaying = e.data.playing;
    adaptQueueTarget(e.data.underruns - underruns);
    underruns = e.data.underruns;
    framesInFlight = framesPosted - e.data.received;
    if (M) feedPlayback();
  };
}

function handle(msg) {
  switch (msg.type) {
    case 'room':
      withString(msg.json, function(p) { M._pmv_set_room(p); });
      revisePlayback();
      break;
    case 'packet':
      withString(msg.user, function(u) {
        withBytes(new Uint8Array(msg.payload), function(p) {
          M._pmv_packet(u, msg.seq, msg.ts, p, msg.payload.byteLength, now(), Date.now());
        });
      });
      break;
    case 'captureStopped': M._pmv_capture_stopped(); break;
    case 'volume': withString(msg.user, function(u) { M._pmv_set_volume(u, msg.gain); }); revisePlayback(); break;
    case 'tap': withString(msg.json, function(p) { M._pmv_tap_start(p); }); break;
  }
}

onmessage = function(e) {
  var msg = e.data;
  switch (msg.type) {
    case 'init':
      mainTimeOrigin = msg.timeOrigin;
      PoseMeetVoiceModule().then(function(module) {
        M = module;
        M._pmv_init(msg.testLoss || 0, msg.testJitterMs || 0, 1);
        pending.forEach(handle); pending = [];
        for (var user in peers) if (peers[user].readyState === 'open') withString(user, function(u) { M._pmv_peer_state(u, 1); });
        setInterval(report, 20);
        setInterval(idleTick, 10);
        postMessage({type: 'ready'});
      }, function(err) { postMessage({type: 'failed', message: String(err && err.message || err)}); });
      return;
    case 'clock':
      wallMinusContextMs = msg.wallMinusContextMs;
      outputLatencyMs = msg.outputLatencyMs;
      playbackRunning = msg.running;
      return;
    case 'capturePort': connectCapture(msg.port); return;
    case 'peer': addPeer(msg.user, msg.channel); return;
    case 'wsConnect': connectSocket(msg.url, msg.gen); return;
    case 'wsText': if (socket && socket.readyState === WebSocket.OPEN) socket.send(msg.text); return;
    case 'wsBinary': if (socket && socket.readyState === WebSocket.OPEN) socket.send(msg.bytes); return;
    case 'wsClose': closeSocket(); return;
    case 'playbackPort': connectPlayback(msg.port); return;
    case 'testQueue':
      testQueueMs = Math.min(QUEUE_MAX_MS, Math.max(0, Number(msg.ms) || 0));
      targetQueueMs = Math.max(QUEUE_MIN_MS, testQueueMs);
      return;
  }
  if (M) handle(msg); else pending.push(msg);
};
