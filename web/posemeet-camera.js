// PoseMeet camera pose (window.PoseMeetCamera): opens the camera, hands frames to the pose
// worker (pose/pose-worker.mjs) and delivers 33 BlazePose landmarks to a callback. The
// picture never leaves this device: frames go only to the worker, which runs the model
// locally; only the landmarks come back. Also draws the self-view box (mirrored camera +
// landmarks, bottom right).
//
//   var cam = PoseMeetCamera.create({assetBase: 'pose/', onPose: fn(landmarks|null, captureTimeMs),
//                                    onState: fn(state, message)});
//   cam.preload() -> Promise      load + warm up the model early (start() does it too)
//   cam.start({deviceId, rateHz}) -> Promise that settles with the new state (never rejects)
//   cam.stop(); cam.setRate(hz); cam.listDevices() -> Promise [{id, label}]; cam.state;
//   cam.setSelfViewVisible(bool); cam.stats(); cam.dispose() -> Promise (ends the worker too)
// landmarks: Float32Array(33*4), [x, y, z, visibility] per point; x, y are fractions of the
// camera picture as the camera sees it (not mirrored). captureTimeMs: performance.now()
// when the frame was grabbed. onPose(null, t) means nobody was seen in that frame.
(function () {
  'use strict';

  // The words of the page's own elements (the self-view here, the loading screen and fatal
  // messages in posemeet-api.js, the invitation card of posemeet-invitation.js) in Chinese; the canvas UI has its own catalogue
  // (src/ui/strings.cpp). The language is the page's <html lang>, which the client sets.
  var CHINESE = {
    'Your video stays on this device — only body points are sent.': '视频只留在本设备上——只发送身体关键点。',
    'Text input': '文本输入',
    'Hide': '隐藏',
    'Show me': '显示我',
    'Hide your self-view': '隐藏你的自视画面',
    'Show your self-view': '显示你的自视画面',
    'Loading…': '正在加载…',
    'Connecting…': '正在连接…',
    'Starting…': '正在启动…',
    'Loading %1 of %2 MB…': '正在加载 %1 / %2 MB…',
    'Loading %1 MB…': '正在加载 %1 MB…',
    'PoseMeet cannot start': 'PoseMeet 无法启动',
    'This browser does not support WebAssembly.': '这个浏览器不支持 WebAssembly。',
    'Could not load the PoseMeet client: %1': '无法加载 PoseMeet 客户端：%1',
    'The client stopped unexpectedly: %1': '客户端意外停止：%1',
    'Could not load %1. Was the client built?': '无法加载 %1。客户端构建好了吗？',
    'You are invited': '你被邀请了',
    'Meeting “%1”, as %2.': '会议“%1”，身份：%2。',
    'Join': '加入',
    'Decline': '拒绝',
    'Declining…': '正在拒绝…',
    'You declined the invitation. The host has been told.': '你已拒绝邀请，主持人已收到通知。',
    'This link is not valid.': '这个链接无效。',
    'This invitation no longer exists.': '这个邀请已不存在。',
    'Too late to decline: this invitation was already answered or has expired.': '无法拒绝：这个邀请已被回应或已过期。',
    'Could not reach the server: %1': '无法连接服务器：%1',
  };
  window.posemeetWords = function (english) {
    var zh = /^zh/.test(document.documentElement.lang || '') && CHINESE[english];
    var text = zh || english;
    for (var i = 1; i < arguments.length; i++) text = text.replace('%' + i, arguments[i]);
    return text;
  };

  // Every state a camera can be in, with what the user is told. One table: the C++ client
  // mirrors these strings.
  var STATES = {
    'off': 'Camera is off.',
    'starting': 'Starting the camera and the pose model…',
    'on': 'Camera is on. Your video stays on this device — only body points are sent.',
    'denied': 'Camera access was refused. Allow the camera for this site in the browser and try again.',
    'no-camera': 'No camera was found. Connect a camera and try again.',
    'busy': 'The camera is in use by another application (or could not be started). Close it there and try again.',
    'model-failed': 'The pose model could not be loaded',
    'needs-http': 'Camera pose needs the page served over HTTP (from localhost) or HTTPS; it cannot run from a file opened from disk.',
  };
  var DEFAULT_RATE_HZ = 15;
  var SELF_VIEW_NOTE = 'Your video stays on this device — only body points are sent.';
  // BlazePose's 33-point skeleton: pairs of landmark indices joined in the self-view.
  var BONES = [
    [0, 1], [1, 2], [2, 3], [3, 7], [0, 4], [4, 5], [5, 6], [6, 8], [9, 10],
    [11, 12], [11, 23], [12, 24], [23, 24],
    [11, 13], [13, 15], [15, 17], [15, 19], [15, 21], [17, 19],
    [12, 14], [14, 16], [16, 18], [16, 20], [16, 22], [18, 20],
    [23, 25], [25, 27], [27, 29], [27, 31], [29, 31],
    [24, 26], [26, 28], [28, 30], [28, 32], [30, 32],
  ];

  function errorState(err) {
    var name = err && err.name;
    if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no-camera';
    return 'busy';  // NotReadableError, AbortError, TrackStartError: the device would not start
  }

  // [SECTION] Self-view box
  function SelfView() {
    var box = document.createElement('div');
    box.className = 'pm-selfview pm-hidden';
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', 'Your camera');
    var media = document.createElement('div');
    media.className = 'pm-selfview-media';
    var video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('aria-hidden', 'true');
    var canvas = document.createElement('canvas');
    canvas.className = 'pm-selfview-points';
    media.appendChild(video);
    media.appendChild(canvas);
    var bar = document.createElement('div');
    bar.className = 'pm-selfview-bar';
    var note = document.createElement('span');
    note.className = 'pm-selfview-note';
    note.textContent = window.posemeetWords(SELF_VIEW_NOTE);
    this.note = note;
    var toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'pm-selfview-toggle';
    bar.appendChild(note);
    bar.appendChild(toggle);
    box.appendChild(media);
    box.appendChild(bar);
    (document.body || document.documentElement).appendChild(box);

    var self = this;
    this.box = box;
    this.video = video;  // also the capture source: frames are grabbed from it
    this.canvas = canvas;
    this.visible = true;  // the user's choice; the box shows only while the camera is on
    toggle.addEventListener('click', function () { self.setVisible(!self.visible); });
    this.toggle = toggle;
    this.setVisible(true);
    document.addEventListener('posemeet-language', function () {
      note.textContent = window.posemeetWords(SELF_VIEW_NOTE);
      self.setVisible(self.visible);
    });
  }
  SelfView.prototype.setVisible = function (visible) {
    this.visible = !!visible;
    this.box.classList.toggle('pm-selfview-collapsed', !this.visible);
    var words = window.posemeetWords;
    this.toggle.textContent = words(this.visible ? 'Hide' : 'Show me');
    this.toggle.setAttribute('aria-label', words(this.visible ? 'Hide your self-view' : 'Show your self-view'));
  };
  SelfView.prototype.setOn = function (on) {
    this.box.classList.toggle('pm-hidden', !on);
    if (!on) this.clear();
  };
  SelfView.prototype.clear = function () {
    var ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  };
  // Draws in camera coordinates; CSS mirrors video and canvas together.
  SelfView.prototype.draw = function (landmarks) {
    if (!this.visible) return;
    var w = this.video.videoWidth || 640, h = this.video.videoHeight || 480;
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    var ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    if (!landmarks) return;
    var alpha = function (i) { return Math.max(0.15, Math.min(1, landmarks[i * 4 + 3])); };
    ctx.lineWidth = Math.max(2, w / 160);
    ctx.strokeStyle = '#7fe3ff';
    for (var b = 0; b < BONES.length; b++) {
      var i = BONES[b][0], j = BONES[b][1];
      ctx.globalAlpha = Math.min(alpha(i), alpha(j));
      ctx.beginPath();
      ctx.moveTo(landmarks[i * 4] * w, landmarks[i * 4 + 1] * h);
      ctx.lineTo(landmarks[j * 4] * w, landmarks[j * 4 + 1] * h);
      ctx.stroke();
    }
    ctx.fillStyle = '#ffffff';
    for (var k = 0; k < 33; k++) {
      ctx.globalAlpha = alpha(k);
      ctx.beginPath();
      ctx.arc(landmarks[k * 4] * w, landmarks[k * 4 + 1] * h, Math.max(3, w / 110), 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  };
  SelfView.prototype.remove = function () { if (this.box.parentNode) this.box.parentNode.removeChild(this.box); };

  // [SECTION] Camera controller
  function create(options) {
    options = options || {};
    var assetBase = new URL(options.assetBase || 'pose/', document.baseURI).href;
    var onPose = options.onPose || function () {};
    var onState = options.onState || function () {};

    var state = 'off';
    var generation = 0;        // bumped by every start/stop; late async results of an older one are dropped
    var worker = null, workerReady = null;
    var stream = null, view = null, timer = null;
    var rateHz = DEFAULT_RATE_HZ;
    var inFlight = false;      // at most one frame at the worker: later ticks are dropped, not queued
    var loadMs = null, warmupMs = null;
    var st = { frames: 0, dropped: 0, poses: 0, inferenceSum: 0, inferenceLast: 0, mainSum: 0, errors: 0, blocked: [] };
    var closedResolve = null;

    function setState(next, detail) {
      var base = STATES[next];
      var ends = /[.…]$/.test(base);
      var message = detail ? base + (ends ? ' (' + detail + ')' : ': ' + detail) : base + (ends ? '' : '.');
      if (next === state && next !== 'model-failed') return;
      state = next;
      try { onState(next, message); } catch (e) { console.error('PoseMeetCamera onState threw', e); }
    }

    function ensureView() {
      if (!view) view = new SelfView();
      return view;
    }

    // Starts the worker and loads + warms up the model once; later calls share the promise.
    function preload() {
      if (workerReady) return workerReady;
      workerReady = new Promise(function (resolve, reject) {
        try {
          worker = new Worker(new URL('pose-worker.mjs', assetBase), { type: 'module' });
        } catch (e) {
          reject(new Error('cannot start the pose worker (' + e.message + ')'));
          return;
        }
        var ready = false;
        var thisWorker = worker;
        worker.onerror = function (e) {
          if (e && e.preventDefault) e.preventDefault();
          var detail = e && e.message ? ' (' + e.message + ')' : '';
          if (!ready) { reject(new Error('the pose worker failed to load' + detail)); return; }
          // The worker died while in use: the camera is released and the model reloads on
          // the next start().
          if (worker === thisWorker) { worker = null; workerReady = null; }
          thisWorker.terminate();
          if (state === 'on') { generation++; releaseCamera(); setState('model-failed', 'the pose worker stopped' + detail); }
        };
        worker.onmessage = function (event) {
          var msg = event.data;
          if (msg.type === 'ready') {
            ready = true;
            loadMs = msg.loadMs; warmupMs = msg.warmupMs;
            resolve();
          } else if (msg.type === 'error' && msg.stage !== 'inference') {
            reject(new Error(msg.stage + ': ' + msg.message));
          } else {
            onWorkerMessage(msg);
          }
        };
        worker.postMessage({ type: 'init', base: assetBase });
      });
      // A failed load can be retried by the next start().
      workerReady.catch(function () {
        if (worker) worker.terminate();
        worker = null;
        workerReady = null;
      });
      return workerReady;
    }

    function onWorkerMessage(msg) {
      if (msg.type === 'blocked') {  // the policy refused one of the worker's requests
        st.blocked.push(msg.directive + ' ' + msg.uri);
        return;
      }
      if (msg.type === 'closed' && closedResolve) { closedResolve(); return; }
      if (msg.type !== 'pose' && msg.type !== 'error') return;
      inFlight = false;
      if (state !== 'on') return;  // stopped meanwhile: nothing more is delivered
      if (msg.type === 'error') { st.errors++; return; }
      st.poses++;
      st.inferenceSum += msg.inferenceMs;
      st.inferenceLast = msg.inferenceMs;
      if (view) view.draw(msg.landmarks);
      try { onPose(msg.landmarks, msg.timestampMs); } catch (e) { console.error('PoseMeetCamera onPose threw', e); }
    }

    function grab() {
      if (state !== 'on' || !view) return;
      var video = view.video;
      if (inFlight || video.readyState < 2) { st.dropped++; return; }
      inFlight = true;
      var gen = generation;
      var t0 = performance.now();
      var pending = createImageBitmap(video);
      var syncMs = performance.now() - t0;
      pending.then(function (bitmap) {
        if (gen !== generation || !worker) { bitmap.close(); inFlight = false; return; }
        var t1 = performance.now();
        worker.postMessage({ type: 'frame', bitmap: bitmap, timestampMs: t0 }, [bitmap]);
        st.frames++;
        st.mainSum += syncMs + (performance.now() - t1);
      }, function () { inFlight = false; st.errors++; });
    }

    function startTimer() {
      if (timer) clearInterval(timer);
      timer = state === 'on' ? setInterval(grab, 1000 / rateHz) : null;
    }

    function releaseCamera() {
      if (timer) { clearInterval(timer); timer = null; }
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      if (view) { view.video.srcObject = null; view.setOn(false); }
      inFlight = false;
    }

    function start(opts) {
      opts = opts || {};
      if (opts.rateHz) rateHz = Math.max(1, Math.min(60, Number(opts.rateHz)));
      releaseCamera();
      var gen = ++generation;
      if (location.protocol === 'file:' || !window.isSecureContext ||
          !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof Worker !== 'function') {
        setState('needs-http');
        return Promise.resolve(state);
      }
      setState('starting');
      var model = preload();
      model.catch(function () {});  // reported below, once the camera question is settled
      var video = { width: 640, height: 480 };
      if (opts.deviceId) video.deviceId = { exact: opts.deviceId };
      return navigator.mediaDevices.getUserMedia({ video: video, audio: false }).then(function (s) {
        if (gen !== generation) { s.getTracks().forEach(function (t) { t.stop(); }); return state; }
        stream = s;
        var v = ensureView();
        v.video.srcObject = s;
        var playing = v.video.play().catch(function (err) {
          throw Object.assign(new Error('the camera picture would not play (' + (err && err.message) + ')'), { camera: true });
        });
        return playing.then(function () { return model; }).then(function () {
          if (gen !== generation) return state;
          setState('on');
          view.setOn(true);
          startTimer();
          return state;
        }, function (err) {
          if (gen !== generation) return state;
          releaseCamera();
          setState(err && err.camera ? 'busy' : 'model-failed', err && err.message);
          return state;
        });
      }, function (err) {
        if (gen !== generation) return state;
        setState(errorState(err), err && err.message);
        return state;
      });
    }

    function stop() {
      generation++;
      releaseCamera();
      setState('off');
    }

    return {
      get state() { return state; },
      preload: function () { return preload().then(function () { return { loadMs: loadMs, warmupMs: warmupMs }; }); },
      start: start,
      stop: stop,
      setRate: function (hz) { rateHz = Math.max(1, Math.min(60, Number(hz) || DEFAULT_RATE_HZ)); startTimer(); },
      listDevices: function () {
        if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return Promise.resolve([]);
        return navigator.mediaDevices.enumerateDevices().then(function (all) {
          return all.filter(function (d) { return d.kind === 'videoinput'; }).map(function (d, i) {
            return { id: d.deviceId, label: d.label || 'Camera ' + (i + 1) };
          });
        }, function () { return []; });
      },
      setSelfViewVisible: function (visible) { ensureView().setVisible(visible); },
      stats: function () {
        return {
          frames: st.frames, poses: st.poses, dropped: st.dropped, errors: st.errors,
          inferenceMsAvg: st.poses ? st.inferenceSum / st.poses : 0, inferenceMsLast: st.inferenceLast,
          mainThreadMsAvg: st.frames ? st.mainSum / st.frames : 0, loadMs: loadMs, warmupMs: warmupMs,
          blockedRequests: st.blocked.slice(),
        };
      },
      // Stops the camera, releases the model and ends the worker. Resolves when done.
      dispose: function () {
        stop();
        if (view) view.remove();
        view = null;
        var w = worker;
        worker = null; workerReady = null;
        if (!w) return Promise.resolve();
        return new Promise(function (resolve) {
          closedResolve = resolve;
          w.postMessage({ type: 'close' });
          setTimeout(resolve, 2000);  // a worker that hangs is ended anyway
        }).then(function () { closedResolve = null; w.terminate(); });
      },
    };
  }

  window.PoseMeetCamera = { create: create, STATES: STATES };
})();
