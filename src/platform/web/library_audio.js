// Thin browser glue for audio (used by web_audio_device.cpp): one 48 kHz AudioContext, a
// capture AudioWorklet fed by getUserMedia that hands 20 ms blocks to C++, and a playback
// AudioWorklet that plays the 20 ms frames C++ mixes. Codec, jitter buffer, mixing and every
// word the user reads are in C++; this file only moves samples and reports device state.
// On the served page the voice runs in the voice worker (pm_voice_*, worker_voice.cpp): the
// worklets then exchange samples with that worker over ports handed to both, the worker
// gets each peer link's voice channel and holds the server socket (worker_signaling_socket.cpp),
// and this file passes the worker's reports and socket events to C++.
//
// Memory: samples passed to C++ live in a buffer malloc'ed once here (freed by
// pm_audio_release); strings passed to C++ are malloc'ed and freed here around the
// synchronous callback. C++ copies what it keeps. Pointers C++ passes in stay C++'s.
(function() {
var LibraryPoseMeetAudio = {
  $PMAUDIO: {
    // Mirrors enum class MicState in src/client/audio_device.hpp, names and values
    // (tests/unit/web_glue_tables_test.cpp checks it). Always report a state through it.
    MicState: {Off: 0, Asking: 1, Live: 2, Denied: 3, NoDevice: 4, Error: 5},

    ctx: null, capture: null, playback: null, stream: null, source: null,
    ud: 0,  // the WebAudioDevice; 0 once released: late callbacks are dropped
    onCapture: 0, onMicState: 0, onDevices: 0, onPlaybackTick: 0,
    processing: true, buffer: 0, bufferSamples: 0,
    playedUntil: 0,  // context time (s) up to which frames have been queued
    underruns: 0,
    clockSlips: 0, clockSlipMs: 0,  // the voice engine's (see voice_worklet_engine.js)
    generation: 0,  // of capture starts and stops, so a late getUserMedia answer is dropped
    // The worklets, loaded from a Blob so the file:// single-file build needs no extra file.
    // On the served page the voice engine (src/app/voice_worker/voice_worklet_engine.js,
    // added to this worklet scope by connectToVoice) is handed the voice worker's port
    // ({connect: port}); from then on both worklets work through it: the playback worklet
    // asks it for each block, the capture worklet gives it each 20 ms block, on this thread.
    // Without it (the file:// page) they exchange samples with the page over their own ports.
    workletSource: [
      "class PmCapture extends AudioWorkletProcessor {",
      "  constructor() {",
      "    super(); this.buf = new Float32Array(960); this.n = 0; this.engine = null;",
      "    this.port.onmessage = (e) => { if (e.data && e.data.connect) this.engine = globalThis.pmVoiceEngine || null; };",
      "  }",
      "  process(inputs) {",
      "    var ch = inputs[0] && inputs[0][0];",
      "    if (!ch) return true;",
      "    for (var i = 0; i < ch.length; i++) {",
      "      this.buf[this.n++] = ch[i];",
      "      if (this.n === 960) {",
      "        var end = currentTime + (i + 1) / sampleRate;",
      "        this.n = 0;",
      "        if (this.engine) { this.engine.capture(this.buf, end); continue; }",
      "        this.port.postMessage({samples: this.buf, end: end}, [this.buf.buffer]);",
      "        this.buf = new Float32Array(960);",
      "      }",
      "    }",
      "    return true;",
      "  }",
      "}",
      // Without the engine: frames come from the page as Float32Arrays.
      "class PmPlayback extends AudioWorkletProcessor {",
      "  constructor() {",
      "    super(); this.queue = []; this.off = 0; this.played = 0; this.underruns = 0; this.engine = null;",
      "    this.port.onmessage = (e) => {",
      "      var d = e.data;",
      "      if (d && d.connect) { this.engine = globalThis.pmVoiceEngine || null; if (this.engine) this.engine.attach(d.connect); }",
      "      else if (d instanceof Float32Array) this.queue.push(d);",
      "    };",
      "  }",
      "  process(inputs, outputs) {",
      "    var out = outputs[0][0], i = 0, starved = false;",
      "    if (this.engine) { if (!this.engine.render(out)) out.fill(0); return true; }",
      "    while (i < out.length) {",
      "      if (!this.queue.length) { out.fill(0, i); starved = true; break; }",
      "      var f = this.queue[0], k = Math.min(out.length - i, f.length - this.off);",
      "      out.set(f.subarray(this.off, this.off + k), i); i += k; this.off += k;",
      "      if (this.off === f.length) { this.queue.shift(); this.off = 0; }",
      "    }",
      "    if (starved && this.played > 0) this.underruns++;",
      "    this.played += out.length;",
      "    if (this.played % 960 < out.length) this.port.postMessage({underruns: this.underruns});",
      "    return true;",
      "  }",
      "}",
      "registerProcessor('pm-capture', PmCapture);",
      "registerProcessor('pm-playback', PmPlayback);",
    ].join('\n'),

    withCString: function(str, fn) {
      var len = lengthBytesUTF8(str) + 1;
      var ptr = _malloc(len);
      stringToUTF8(str, ptr, len);
      try { fn(ptr); } finally { _free(ptr); }
    },

    // `detail`: the device's label when Live, the browser's error text for Error.
    micState: function(state, detail) {
      if (!PMAUDIO.ud) return;
      PMAUDIO.withCString(detail || '', function(p) {
        {{{ makeDynCall('viii', 'PMAUDIO.onMicState') }}}(PMAUDIO.ud, state, p);
      });
    },

    // The AudioContext and both worklets; resolves once they can be used.
    ensureContext: function() {
      if (PMAUDIO.ready) return PMAUDIO.ready;
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC || !window.AudioWorkletNode) return Promise.reject(new Error('Web Audio is not available'));
      var ctx = PMAUDIO.ctx = new AC({sampleRate: 48000, latencyHint: 'interactive'});
      // Autoplay rules keep the context suspended until the user interacts with the page.
      var resume = function() { if (ctx.state === 'suspended') ctx.resume(); };
      ['pointerdown', 'keydown', 'touchend'].forEach(function(ev) { document.addEventListener(ev, resume, true); });
      var url = URL.createObjectURL(new Blob([PMAUDIO.workletSource], {type: 'application/javascript'}));
      PMAUDIO.ready = ctx.audioWorklet.addModule(url).then(function() {
        var node = PMAUDIO.playback = new AudioWorkletNode(ctx, 'pm-playback',
            {numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1]});
        PMAUDIO.connectToVoice(node, 'playbackPort');
        node.port.onmessage = function(e) {
          PMAUDIO.underruns = e.data.underruns;
          if (PMAUDIO.ud) {{{ makeDynCall('vi', 'PMAUDIO.onPlaybackTick') }}}(PMAUDIO.ud);
        };
        node.connect(ctx.destination);
        resume();
      });
      return PMAUDIO.ready;
    },

    // The voice worker (web/posemeet-voice-worker.js), when the voice runs there
    // (platform/web/worker_voice.cpp): the worklets then talk to it, not to this thread.
    voice: null, voiceUd: 0, onVoiceReport: 0, onVoiceSent: 0,
    // The server socket the worker holds for this page (worker_signaling_socket.cpp).
    socket: {ud: 0, gen: 0, onOpen: 0, onText: 0, onBinary: 0, onClose: 0},
    voiceQueuedMs: -1, clockSamples: [],
    voiceAlive: false,  // its script runs (it said hello)
    voiceDead: false,   // its script never ran: the server socket is this thread's (mainSocket)
    mainSocket: null,

    // The server socket on this thread, when the worker cannot hold it: the same events.
    mainSocketConnect: function(url, gen) {
      var ws;
      try { ws = new WebSocket(url); } catch (e) {
        PMAUDIO.socketEvent({type: 'wsClose', gen: gen, code: 0, reason: '', opened: false, invalid: true});
        return;
      }
      PMAUDIO.mainSocket = ws;
      ws.binaryType = 'arraybuffer';
      var opened = false;
      ws.onopen = function() { opened = true; PMAUDIO.socketEvent({type: 'wsOpen', gen: gen}); };
      ws.onmessage = function(e) {
        if (typeof e.data === 'string') PMAUDIO.socketEvent({type: 'wsText', gen: gen, text: e.data});
        else PMAUDIO.socketEvent({type: 'wsBinary', gen: gen, bytes: new Uint8Array(e.data)});
      };
      ws.onclose = function(e) {
        if (PMAUDIO.mainSocket !== ws) return;
        PMAUDIO.mainSocket = null;
        PMAUDIO.socketEvent({type: 'wsClose', gen: gen, code: e.code, reason: e.reason, opened: opened});
      };
    },
    mainSocketClose: function() {
      var ws = PMAUDIO.mainSocket;
      if (!ws) return;
      PMAUDIO.mainSocket = null;
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close(1000, 'bye');
    },
    // Sends on whichever thread holds the socket.
    socketSend: function(msg, transfer) {
      if (!PMAUDIO.voiceDead) { PMAUDIO.voice.postMessage(msg, transfer || []); return; }
      var ws = PMAUDIO.mainSocket;
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(msg.type === 'wsText' ? msg.text : msg.bytes);
    },

    // The voice worker could not start or stopped: a report saying so reaches C++.
    voiceFailed: function(message) {
      console.warn('PoseMeet: no voice (' + message + ')');
      // A worker whose script never ran holds no server socket either: the page's own takes
      // over (the meeting goes on without sound).
      if (!PMAUDIO.voiceAlive && !PMAUDIO.voiceDead) {
        PMAUDIO.voiceDead = true;
        var s = PMAUDIO.socket;
        if (s.ud && s.url) PMAUDIO.mainSocketConnect(s.url, s.gen);
      }
      if (!PMAUDIO.voiceUd) return;
      PMAUDIO.withCString(JSON.stringify({failed: String(message)}), function(p) {
        {{{ makeDynCall('vii', 'PMAUDIO.onVoiceReport') }}}(PMAUDIO.voiceUd, p);
      });
    },

    // The playback worklet gets the voice engine and a port whose other end goes to the voice
    // worker; the capture worklet only the engine. The engine's script (posemeet-voice.js,
    // beside the worker's) joins this context's worklet scope first, once.
    connectToVoice: function(node, type) {
      if (!PMAUDIO.voice) return;
      if (!PMAUDIO.engineLoaded)
        PMAUDIO.engineLoaded = PMAUDIO.ctx.audioWorklet.addModule(PMAUDIO.engineUrl);
      PMAUDIO.engineLoaded.then(function() {
        if (type === 'capturePort') { node.port.postMessage({connect: true}); return; }
        var ch = new MessageChannel();
        node.port.postMessage({connect: ch.port1}, [ch.port1]);
        PMAUDIO.voice.postMessage({type: type, port: ch.port2}, [ch.port2]);
      }, function(e) { PMAUDIO.voiceFailed('the voice engine did not load: ' + (e && e.message || e)); });
    },

    // The worker turns the worklets' audio-clock times into wall-clock times with this.
    // Date.now() - currentTime overshoots by however late this task runs, so the smallest
    // of the last few samples is the best estimate.
    sendVoiceClock: function() {
      var ctx = PMAUDIO.ctx, voice = PMAUDIO.voice;
      if (!voice || !ctx) return;
      var samples = PMAUDIO.clockSamples;
      samples.push(Date.now() - ctx.currentTime * 1000);
      if (samples.length > 16) samples.shift();
      voice.postMessage({type: 'clock', wallMinusContextMs: Math.min.apply(null, samples),
                         outputLatencyMs: ((ctx.baseLatency || 0) + (ctx.outputLatency || 0)) * 1000,
                         running: ctx.state === 'running' && !!PMAUDIO.playback});
    },

    // A peer link's voice channel (library_webrtc.js) to `user`, handed to the worker at
    // once: a data channel can only move to a worker in the task that created it.
    // False when there is no worker to take it.
    handVoiceChannel: function(user, channel) {
      if (!PMAUDIO.voice) return false;
      PMAUDIO.voice.postMessage({type: 'peer', user: user, channel: channel}, [channel]);
      return true;
    },

    // An event of the worker's server socket, for the WorkerSignalingSocket.
    socketEvent: function(d) {
      var s = PMAUDIO.socket;
      if (!s.ud || d.gen !== s.gen) return;  // an event of a connection closed since
      if (d.type === 'wsOpen') {
        {{{ makeDynCall('vi', 's.onOpen') }}}(s.ud);
      } else if (d.type === 'wsText') {
        PMAUDIO.withCString(d.text, function(p) { {{{ makeDynCall('vii', 's.onText') }}}(s.ud, p); });
      } else if (d.type === 'wsBinary') {
        var ptr = _malloc(d.bytes.length || 1);
        HEAPU8.set(d.bytes, ptr);
        try { {{{ makeDynCall('viii', 's.onBinary') }}}(s.ud, ptr, d.bytes.length); } finally { _free(ptr); }
      } else if (d.type === 'wsClose') {
        var ud = s.ud;
        s.ud = 0;  // one close per connect; C++ may connect again from inside the call
        PMAUDIO.withCString(d.reason || '', function(p) {
          {{{ makeDynCall('viiii', 's.onClose') }}}(ud, d.code || 0, p, (d.opened ? 1 : 0) | (d.invalid ? 2 : 0));
        });
      }
    },

    listDevices: function() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
      navigator.mediaDevices.enumerateDevices().then(function(list) {
        if (!PMAUDIO.ud) return;
        // An empty label (not allowed to see it yet) is named in C++.
        var inputs = list.filter(function(d) { return d.kind === 'audioinput'; })
                         .map(function(d) { return {id: d.deviceId, label: d.label}; });
        PMAUDIO.withCString(JSON.stringify(inputs), function(p) {
          {{{ makeDynCall('vii', 'PMAUDIO.onDevices') }}}(PMAUDIO.ud, p);
        });
      });
    },
  },

  // cb: onCapture(ud, ptr, count, endWallMs), onMicState(ud, state, detailPtr),
  //     onDevices(ud, jsonPtr), onPlaybackTick(ud)
  pm_audio_init__deps: ['$PMAUDIO', 'malloc', 'free'],
  pm_audio_init: function(ud, onCapture, onMicState, onDevices, onPlaybackTick, processing) {
    PMAUDIO.ud = ud;
    PMAUDIO.onCapture = onCapture;
    PMAUDIO.onMicState = onMicState;
    PMAUDIO.onDevices = onDevices;
    PMAUDIO.onPlaybackTick = onPlaybackTick;
    PMAUDIO.processing = !!processing;
    PMAUDIO.bufferSamples = 960;
    PMAUDIO.buffer = _malloc(960 * 4);
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener)
      navigator.mediaDevices.addEventListener('devicechange', PMAUDIO.listDevices);
    PMAUDIO.ensureContext().catch(function(e) { console.warn('PoseMeet: no audio output (' + e.message + ')'); });
  },

  // The WebAudioDevice goes: release the microphone and drop every later callback. The
  // context and the playback worklet stay (one per page; a new device reuses them).
  pm_audio_release__deps: ['$PMAUDIO', 'pm_audio_stop_tracks', 'free'],
  pm_audio_release: function() {
    _pm_audio_stop_tracks();
    if (navigator.mediaDevices && navigator.mediaDevices.removeEventListener)
      navigator.mediaDevices.removeEventListener('devicechange', PMAUDIO.listDevices);
    PMAUDIO.ud = 0;
    if (PMAUDIO.buffer) _free(PMAUDIO.buffer);
    PMAUDIO.buffer = 0;
  },

  pm_audio_start_capture__deps: ['$PMAUDIO', 'pm_audio_stop_tracks'],
  pm_audio_start_capture: function(deviceIdPtr) {
    var deviceId = UTF8ToString(deviceIdPtr);
    var MicState = PMAUDIO.MicState;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      PMAUDIO.micState(MicState.Error, '');  // no detail: no microphone API on this page (not https)
      return;
    }
    PMAUDIO.micState(MicState.Asking, '');
    var generation = ++PMAUDIO.generation;  // a later start or a stop supersedes this one
    var p = PMAUDIO.processing;
    var constraints = {audio: {channelCount: 1, echoCancellation: p, noiseSuppression: p, autoGainControl: p}};
    if (deviceId) constraints.audio.deviceId = {exact: deviceId};
    Promise.all([PMAUDIO.ensureContext(), navigator.mediaDevices.getUserMedia(constraints)]).then(function(r) {
      var stream = r[1], ctx = PMAUDIO.ctx;
      if (generation !== PMAUDIO.generation) {  // stopped (left the meeting) meanwhile
        stream.getTracks().forEach(function(t) { t.stop(); });
        return;
      }
      _pm_audio_stop_tracks();
      PMAUDIO.generation = generation;
      PMAUDIO.stream = stream;
      PMAUDIO.source = ctx.createMediaStreamSource(stream);
      var node = PMAUDIO.capture = new AudioWorkletNode(ctx, 'pm-capture', {numberOfInputs: 1, numberOfOutputs: 0});
      node.port.onmessage = function(e) {
        if (PMAUDIO.capture !== node || !PMAUDIO.ud) return;
        var s = e.data.samples;
        // The block's last sample in wall-clock time: now, less how far the audio clock
        // has moved on since (the message may have waited for a busy page).
        var endWall = Date.now() - Math.max(0, (ctx.currentTime - e.data.end) * 1000);
        HEAPF32.set(s, PMAUDIO.buffer >> 2);
        {{{ makeDynCall('viiid', 'PMAUDIO.onCapture') }}}(PMAUDIO.ud, PMAUDIO.buffer, s.length, endWall);
      };
      PMAUDIO.connectToVoice(node, 'capturePort');
      PMAUDIO.source.connect(node);
      stream.getAudioTracks().forEach(function(t) {
        // C++ words a NoDevice that follows Live as "disconnected".
        t.onended = function() { if (PMAUDIO.stream === stream) PMAUDIO.micState(MicState.NoDevice, ''); };
      });
      PMAUDIO.micState(MicState.Live, stream.getAudioTracks()[0] ? stream.getAudioTracks()[0].label : '');
      PMAUDIO.listDevices();
    }).catch(function(e) {
      if (generation !== PMAUDIO.generation) return;
      var name = e && e.name;
      if (name === 'NotAllowedError' || name === 'SecurityError')
        PMAUDIO.micState(MicState.Denied, '');
      else if (name === 'NotFoundError' || name === 'OverconstrainedError')
        PMAUDIO.micState(MicState.NoDevice, '');
      else  // never an empty detail here: that would read as "no microphone API"
        PMAUDIO.micState(MicState.Error, String((e && e.message) || name || e || 'unknown'));
    });
  },

  pm_audio_stop_tracks__deps: ['$PMAUDIO'],
  pm_audio_stop_tracks: function() {
    PMAUDIO.generation++;
    if (PMAUDIO.capture) { PMAUDIO.capture.port.onmessage = null; PMAUDIO.capture.disconnect(); PMAUDIO.capture = null; }
    if (PMAUDIO.source) { PMAUDIO.source.disconnect(); PMAUDIO.source = null; }
    if (PMAUDIO.stream) { PMAUDIO.stream.getTracks().forEach(function(t) { t.stop(); }); PMAUDIO.stream = null; }
  },

  // Milliseconds of audio queued for the speaker, or -1 when playback is not running
  // (no Web Audio, or the context still waits for a user gesture).
  pm_audio_queued_ms__deps: ['$PMAUDIO'],
  pm_audio_queued_ms: function() {
    var ctx = PMAUDIO.ctx;
    if (!ctx || !PMAUDIO.playback || ctx.state !== 'running') return -1;
    if (PMAUDIO.playedUntil < ctx.currentTime) PMAUDIO.playedUntil = ctx.currentTime;  // it ran dry
    return (PMAUDIO.playedUntil - ctx.currentTime) * 1000;
  },

  // Extra delay between the playback worklet and the ear (the device's own buffering).
  pm_audio_output_latency_ms__deps: ['$PMAUDIO'],
  pm_audio_output_latency_ms: function() {
    var ctx = PMAUDIO.ctx;
    if (!ctx) return 0;
    return ((ctx.baseLatency || 0) + (ctx.outputLatency || 0)) * 1000;
  },

  pm_audio_play__deps: ['$PMAUDIO'],
  pm_audio_play: function(ptr, count) {
    if (!PMAUDIO.playback) return;
    var frame = HEAPF32.slice(ptr >> 2, (ptr >> 2) + count);
    PMAUDIO.playback.port.postMessage(frame, [frame.buffer]);
    PMAUDIO.playedUntil += count / 48000;
  },

  // The voice runs in a worker from now on (platform/web/worker_voice.cpp).
  // cb: onReport(ud, jsonPtr), onSent(ud, bytes)
  pm_voice_start__deps: ['$PMAUDIO', 'malloc', 'free'],
  pm_voice_start: function(ud, urlPtr, testLoss, testJitterMs, onReport, onSent) {
    var workerUrl = new URL(UTF8ToString(urlPtr), document.baseURI);
    PMAUDIO.engineUrl = new URL('posemeet-voice.js', workerUrl).href;
    var voice = PMAUDIO.voice = new Worker(workerUrl.href);
    Module['posemeetVoiceWorker'] = voice;  // for the page API's test hooks
    PMAUDIO.voiceUd = ud;
    PMAUDIO.onVoiceReport = onReport;
    PMAUDIO.onVoiceSent = onSent;
    voice.onmessage = function(e) {
      var d = e.data;
      if (!PMAUDIO.voiceUd) return;
      if (d.type === 'report') {
        PMAUDIO.underruns = d.underruns;
        PMAUDIO.clockSlips = d.clock_slips || 0;
        PMAUDIO.clockSlipMs = d.clock_slip_ms || 0;
        PMAUDIO.voiceQueuedMs = d.running ? d.queued_ms : -1;
        PMAUDIO.withCString(d.json, function(p) {
          {{{ makeDynCall('vii', 'PMAUDIO.onVoiceReport') }}}(PMAUDIO.voiceUd, p);
        });
      } else if (d.type === 'sent') {
        {{{ makeDynCall('vid', 'PMAUDIO.onVoiceSent') }}}(PMAUDIO.voiceUd, d.bytes);
      } else if (d.type.lastIndexOf('ws', 0) === 0) {
        PMAUDIO.socketEvent(d);
      } else if (d.type === 'hello') {
        PMAUDIO.voiceAlive = true;
      } else if (d.type === 'failed') {
        PMAUDIO.voiceFailed(d.message);
      }
    };
    // A worker script that cannot load (or throws) ends here: C++ tells the user.
    voice.onerror = function(e) { PMAUDIO.voiceFailed(e.message || 'the voice worker did not start'); };
    voice.postMessage({type: 'init', timeOrigin: performance.timeOrigin, testLoss: testLoss, testJitterMs: testJitterMs});
    if (PMAUDIO.playback) PMAUDIO.connectToVoice(PMAUDIO.playback, 'playbackPort');
    if (PMAUDIO.capture) PMAUDIO.connectToVoice(PMAUDIO.capture, 'capturePort');
    setInterval(PMAUDIO.sendVoiceClock, 250);
    PMAUDIO.sendVoiceClock();
  },

  // The page's server socket, held by the voice worker. cb: onOpen(ud), onText(ud, textPtr),
  // onBinary(ud, ptr, size), onClose(ud, code, reasonPtr, flags: 1 was open, 2 invalid url).
  pm_voice_ws_connect__deps: ['$PMAUDIO', 'malloc', 'free'],
  pm_voice_ws_connect: function(ud, urlPtr, onOpen, onText, onBinary, onClose) {
    var gen = (PMAUDIO.socket.gen || 0) + 1, url = UTF8ToString(urlPtr);
    PMAUDIO.socket = {ud: ud, gen: gen, url: url, onOpen: onOpen, onText: onText, onBinary: onBinary, onClose: onClose};
    if (PMAUDIO.voiceDead) PMAUDIO.mainSocketConnect(url, gen);
    else PMAUDIO.voice.postMessage({type: 'wsConnect', url: url, gen: gen});
  },
  pm_voice_ws_send_text__deps: ['$PMAUDIO'],
  pm_voice_ws_send_text: function(textPtr) {
    PMAUDIO.socketSend({type: 'wsText', text: UTF8ToString(textPtr)});
  },
  pm_voice_ws_send_binary__deps: ['$PMAUDIO'],
  pm_voice_ws_send_binary: function(ptr, size) {
    var bytes = HEAPU8.slice(ptr, ptr + size);
    PMAUDIO.socketSend({type: 'wsBinary', bytes: bytes}, [bytes.buffer]);
  },
  // An explicit close: no event of this connection reaches C++ any more.
  pm_voice_ws_close__deps: ['$PMAUDIO'],
  pm_voice_ws_close: function() {
    PMAUDIO.socket.ud = 0;
    PMAUDIO.mainSocketClose();
    if (PMAUDIO.voice && !PMAUDIO.voiceDead) PMAUDIO.voice.postMessage({type: 'wsClose'});
  },

  pm_voice_post_json__deps: ['$PMAUDIO'],
  pm_voice_post_json: function(typePtr, jsonPtr) {
    if (PMAUDIO.voice) PMAUDIO.voice.postMessage({type: UTF8ToString(typePtr), json: UTF8ToString(jsonPtr)});
  },

  pm_voice_packet__deps: ['$PMAUDIO'],
  pm_voice_packet: function(userPtr, sequence, timestampMs, ptr, size) {
    if (!PMAUDIO.voice) return;
    var payload = HEAPU8.slice(ptr, ptr + size).buffer;
    PMAUDIO.voice.postMessage({type: 'packet', user: UTF8ToString(userPtr), seq: sequence, ts: timestampMs,
                               payload: payload}, [payload]);
  },

  pm_voice_set_volume__deps: ['$PMAUDIO'],
  pm_voice_set_volume: function(userPtr, gain) {
    if (PMAUDIO.voice) PMAUDIO.voice.postMessage({type: 'volume', user: UTF8ToString(userPtr), gain: gain});
  },

  pm_voice_capture_stopped__deps: ['$PMAUDIO'],
  pm_voice_capture_stopped: function() {
    if (PMAUDIO.voice) PMAUDIO.voice.postMessage({type: 'captureStopped'});
  },

  // Milliseconds queued in the playback worklet as the voice worker last said, -1 while
  // nothing plays.
  pm_voice_queued_ms__deps: ['$PMAUDIO'],
  pm_voice_queued_ms: function() { return PMAUDIO.voiceQueuedMs; },

  pm_audio_underruns__deps: ['$PMAUDIO'],
  pm_audio_underruns: function() { return PMAUDIO.underruns; },
  pm_audio_clock_slips__deps: ['$PMAUDIO'],
  pm_audio_clock_slips: function() { return PMAUDIO.clockSlips; },
  pm_audio_clock_slip_ms__deps: ['$PMAUDIO'],
  pm_audio_clock_slip_ms: function() { return PMAUDIO.clockSlipMs; },
};

autoAddDeps(LibraryPoseMeetAudio, '$PMAUDIO');
mergeInto(LibraryManager.library, LibraryPoseMeetAudio);
})();
