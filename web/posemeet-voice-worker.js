// The page's voice worker: moves the voice's bytes off the page's main thread. The voice
// itself (the Opus codec, a jitter buffer per speaker, the mixer: posemeet-voice.wasm,
// src/app/voice_worker) runs in the page's AudioWorklet, the one thread of the page the
// browser schedules at real-time priority (voice_worklet_engine.js says why); this worker
// fetches its wasm and hands it over, then carries packets between it and the network:
// audio between peers travels on each peer link's voice channel, which the page hands to
// this worker at its creation, and this worker holds the page's WebSocket to the server
// (control messages pass through to the page untouched, relayed audio goes to the engine).
// So the voice keeps flowing while the page's main thread is busy. The page
// (platform/web/worker_voice.cpp and worker_signaling_socket.cpp, through library_audio.js)
// sends the room, volumes, the clock and what it sends on the socket; this worker posts back
// the socket's events and messages other than audio, what it sent, and the engine's reports
// (every 20 ms of playback).
'use strict';
postMessage({type: 'hello'});  // the script runs: the page may leave its server socket to us

var engine = null;          // the port to the voice engine in the playback worklet
var toEngine = [];          // messages for it until it has its port
var initMessage = null;     // the page's init: test settings and its clock's origin
var wasmBytes = null;       // posemeet-voice.wasm, fetched here (a worklet cannot fetch)
var lastClock = null;       // the page's latest clock, for an engine that comes later
var playbackRunning = false;
var peers = {};             // user id -> their peer link's voice channel
var MAX_BUFFERED_BYTES = 64 * 1024;  // as library_webrtc.js: beyond it a packet is dropped
var AUDIO_PACKET_BYTE0 = 0x12;  // version 1, kind Audio (core/media_packet.hpp)

function post(msg, transfer) {
  if (engine) engine.postMessage(msg, transfer || []);
  else toEngine.push([msg, transfer || []]);
}

// The engine's sends, as it encoded them. A backed-up channel drops the packet rather than
// queue it: late audio is worthless. The page counts what left.
function sendPacket(user, bytes) {
  var channel = peers[user];
  if (!channel || channel.readyState !== 'open' || channel.bufferedAmount > MAX_BUFFERED_BYTES) return 0;
  try { channel.send(bytes); return bytes.length; } catch (e) { return 0; }
}
function sendRelay(bytes) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return 0;
  socket.send(bytes);
  return bytes.length;
}

// The page's WebSocket to the server. Its events and every message that is not audio go
// to the page in order; audio goes to the engine, which hands back what it cannot place
// (a member it does not know yet: the page will, and passes it back as a 'packet').
var socket = null, socketGen = 0;
function connectSocket(url, gen) {
  closeSocket();
  var ws;
  try { ws = new WebSocket(url); } catch (e) {
    postMessage({type: 'wsClose', gen: gen, code: 0, reason: '', opened: false, invalid: true});
    return;
  }
  socket = ws;
  socketGen = gen;
  ws.binaryType = 'arraybuffer';
  var opened = false;
  ws.onopen = function() { opened = true; postMessage({type: 'wsOpen', gen: gen}); };
  ws.onmessage = function(e) {
    if (typeof e.data === 'string') { postMessage({type: 'wsText', gen: gen, text: e.data}); return; }
    var bytes = new Uint8Array(e.data);
    if (engine && bytes.length > 0 && bytes[0] === AUDIO_PACKET_BYTE0) post({type: 'relay', bytes: bytes}, [bytes.buffer]);
    else postMessage({type: 'wsBinary', gen: gen, bytes: bytes}, [bytes.buffer]);
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
  var tellEngine = function(open) { if (peers[user] === channel) post({type: 'peerState', user: user, open: open}); };
  channel.onopen = function() { tellEngine(true); };
  if (channel.readyState === 'open') tellEngine(true);
  channel.onmessage = function(e) {
    if (!engine || !(e.data instanceof ArrayBuffer)) return;
    var bytes = new Uint8Array(e.data);
    post({type: 'receive', user: user, bytes: bytes}, [bytes.buffer]);
  };
  channel.onclose = function() { tellEngine(false); if (peers[user] === channel) delete peers[user]; };
}

// What the engine says: its sends, its reports (for the page), relayed audio it could not place.
function fromEngine(e) {
  var d = e.data;
  switch (d.type) {
    case 'send': {
      var bytes = 0;
      d.peers.forEach(function(p) { bytes += sendPacket(p[0], p[1]); });
      d.relay.forEach(function(b) { bytes += sendRelay(b); });
      postMessage({type: 'sent', bytes: bytes});
      return;
    }
    case 'report':
      postMessage({type: 'report', json: d.json, underruns: d.underruns, clock_slips: d.clock_slips, clock_slip_ms: d.clock_slip_ms, queued_ms: d.queued_ms, running: d.running});
      return;
    case 'toPage': if (socket) postMessage({type: 'wsBinary', gen: socketGen, bytes: d.bytes}, [d.bytes.buffer]); return;
    case 'ready': case 'failed': postMessage(d); return;
  }
}

// The playback worklet's port to the engine: what waited goes at once, in order (the
// engine keeps what comes before its wasm, in order, until it runs), and the wasm once here.
function connectEngine(port) {
  if (engine) engine.onmessage = null;
  engine = port;
  engine.onmessage = fromEngine;
  if (lastClock) engine.postMessage(lastClock);
  toEngine.forEach(function(m) { engine.postMessage(m[0], m[1]); });
  toEngine = [];
  startEngine();
}
function startEngine() {
  if (!engine || !wasmBytes || !initMessage) return;
  var wasm = wasmBytes.slice(0);  // a second playback port (a new context) gets its own copy
  engine.postMessage({type: 'init', wasm: wasm, timeOrigin: initMessage.timeOrigin, testLoss: initMessage.testLoss || 0,
                      testJitterMs: initMessage.testJitterMs || 0}, [wasm]);
}

// While the context does not play (no gesture yet), the engine still takes in audio at
// real-time pace so speaking indicators and the test tap keep working.
setInterval(function() { if (engine && !playbackRunning) engine.postMessage({type: 'tick'}); }, 20);

onmessage = function(e) {
  var msg = e.data;
  switch (msg.type) {
    case 'init':
      initMessage = msg;
      fetch('posemeet-voice.wasm').then(function(r) {
        if (!r.ok) throw new Error('posemeet-voice.wasm: HTTP ' + r.status);
        return r.arrayBuffer();
      }).then(function(bytes) { wasmBytes = bytes; startEngine(); },
              function(err) { postMessage({type: 'failed', message: String(err && err.message || err)}); });
      return;
    case 'clock':
      playbackRunning = msg.running;
      lastClock = {type: 'clock', wallMinusContextMs: msg.wallMinusContextMs, outputLatencyMs: msg.outputLatencyMs,
                   running: msg.running};
      if (engine) engine.postMessage(lastClock);
      return;
    case 'peer': addPeer(msg.user, msg.channel); return;
    case 'wsConnect': connectSocket(msg.url, msg.gen); return;
    case 'wsText': if (socket && socket.readyState === WebSocket.OPEN) socket.send(msg.text); return;
    case 'wsBinary': if (socket && socket.readyState === WebSocket.OPEN) socket.send(msg.bytes); return;
    case 'wsClose': closeSocket(); return;
    case 'playbackPort': connectEngine(msg.port); return;
    case 'testQueue': post({type: 'testQueue', ms: Math.min(400, Math.max(0, Number(msg.ms) || 0))}); return;
    case 'packet': post(msg, [msg.payload]); return;
    case 'room': case 'volume': case 'tap': case 'captureStopped': post(msg); return;
  }
};
