// PoseMeet page API: boots the wasm client with a progress indicator and exposes
// window.PoseMeet (join, leave, state, on/off, syntheticPose) - the same API the
// embeddable widget will expose. Documented in README "JavaScript API".
(function () {
  'use strict';
  var listeners = {};
  var readyResolve;
  var readyPromise = new Promise(function (r) { readyResolve = r; });
  var Module = null;

  function emit(name, data) {
    (listeners[name] || []).slice().forEach(function (cb) {
      try { cb(data); } catch (e) { console.error('PoseMeet listener for ' + name + ' threw', e); }
    });
  }

  function defaultServer() {
    if (location.protocol === 'http:' || location.protocol === 'https:') {
      return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    }
    return 'ws://127.0.0.1:8080/ws';  // opened from disk: the local server
  }

  function normaliseServer(s) {
    if (!s) return defaultServer();
    if (/^wss?:\/\//.test(s)) return s.replace(/\/?$/, '').replace(/(\/ws)?$/, '/ws');
    if (/^https?:\/\//.test(s)) return s.replace(/^http/, 'ws').replace(/\/?$/, '').replace(/(\/ws)?$/, '/ws');
    return 'ws://' + s.replace(/\/?$/, '') + '/ws';
  }

  // The claims of a join token (a JWT), to fill in the room and name it is for; {} when
  // it is not one. Nothing is verified here: the server does that.
  function tokenClaims(token) {
    try {
      var part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var bytes = Uint8Array.from(atob(part), function (c) { return c.charCodeAt(0); });
      var claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims && typeof claims === 'object' ? claims : {};
    } catch (e) { return {}; }
  }

  // A development server (--dev, as tools/run.sh runs it) hands this machine join tokens;
  // any other server answers 404 and the join goes without one. Resolves to a token or ''.
  function fetchDevToken(server, room, name) {
    var base = server.replace(/^ws/, 'http').replace(/\/ws$/, '');
    var q = new URLSearchParams({room: room, name: name});
    return fetch(base + '/api/v1/dev/token?' + q, {cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (j) { return typeof j.token === 'string' ? j.token : ''; })
      .catch(function () { return ''; });
  }

  function setProgress(fraction, text) {
    var bar = document.getElementById('pm-progress-bar');
    var label = document.getElementById('pm-loading-text');
    if (bar && fraction !== null) bar.style.width = Math.round(fraction * 100) + '%';
    if (label && text) label.textContent = text;
  }

  // Screen readers hear what the canvas cannot tell them (joins, leaves, chat, what happens
  // to you) from this polite live region; the last few sentences stay in it.
  function announce(text) {
    var region = document.getElementById('pm-live');
    if (!region) {
      region = document.createElement('div');
      region.id = 'pm-live';
      region.className = 'pm-sr-only';
      region.setAttribute('role', 'log');
      region.setAttribute('aria-live', 'polite');
      document.body.appendChild(region);
    }
    var line = document.createElement('div');
    line.textContent = text;
    region.appendChild(line);
    while (region.childNodes.length > 5) region.removeChild(region.firstChild);
    emit('announce', {text: text});
  }

  // Settings the user chose in the UI (theme), kept for the next visit.
  function storedSetting(name) {
    try { return window.localStorage.getItem('posemeet.' + name); } catch (e) { return null; }
  }

  function words() { return window.posemeetWords ? window.posemeetWords.apply(null, arguments) : arguments[0]; }

  function fatal(message) {
    var box = document.getElementById('pm-fatal');
    var loading = document.getElementById('pm-loading');
    if (loading) loading.classList.add('pm-hidden');
    if (box) {
      box.querySelector('.pm-title').textContent = words('PoseMeet cannot start');
      document.getElementById('pm-fatal-text').textContent = message;
      box.classList.remove('pm-hidden');
    }
    emit('fatal', {message: message});
  }

  // Download the .wasm with a progress bar, then instantiate it (HTTP only).
  function instantiateWithProgress(imports, done) {
    fetch('posemeet.wasm').then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status + ' for posemeet.wasm');
      // Served gzipped, Content-Length counts compressed bytes; the server adds the size
      // fetch will hand us.
      var total = Number(res.headers.get('X-Decoded-Length') || res.headers.get('Content-Length')) || 0;
      var reader = res.body.getReader();
      var chunks = [], received = 0;
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          chunks.push(r.value);
          received += r.value.length;
          setProgress(total ? received / total : null,
                      total ? words('Loading %1 of %2 MB…', (received / 1048576).toFixed(1), (total / 1048576).toFixed(1))
                            : words('Loading %1 MB…', (received / 1048576).toFixed(1)));
          return pump();
        });
      }
      return pump().then(function () {
        var bytes = new Uint8Array(received), off = 0;
        chunks.forEach(function (c) { bytes.set(c, off); off += c.length; });
        setProgress(1, words('Starting…'));
        return WebAssembly.instantiate(bytes, imports);
      });
    }).then(function (result) { done(result.instance, result.module); })
      .catch(function (err) { fatal(words('Could not load the PoseMeet client: %1', err.message)); });
    return {};
  }

  // Loads and starts the wasm client with the page's configuration (see boot).
  function start(config) {
    var fromDisk = location.protocol === 'file:';
    Module = window.Module = {
      canvas: document.getElementById('canvas'),
      posemeetConfig: config,
      posemeetOnEvent: function (name, json) { emit(name, JSON.parse(json)); },
      // A join without a token asks here first (see fetchDevToken).
      posemeetFetchJoinToken: function (room, name, request) {
        fetchDevToken(config.server, room, name).then(function (t) {
          withStrings([t], function (p) { Module._pm_api_join_token(request, p[0]); });
        });
      },
      posemeetFatal: fatal,
      posemeetAnnounce: announce,
      posemeetReady: function () {
        document.getElementById('pm-loading').classList.add('pm-hidden');
        // The keyboard goes to the hidden text field of the canvas UI (typing, input methods).
        (document.getElementById('pm-text-input') || document.getElementById('canvas')).focus();
        readyResolve(PoseMeet);
        emit('ready', {});
      },
      posemeetUpdateUrl: function (room, name) {
        var u = new URL(location.href);
        u.searchParams.set('room', room);
        u.searchParams.set('name', name);
        history.replaceState(null, '', u.toString());
      },
      // The client asks for the CJK font the first time it has such text to show.
      posemeetLoadFont: function (path) {
        fetch(path).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.arrayBuffer();
        }).then(function (buf) {
          var bytes = new Uint8Array(buf);
          var ptr = Module._malloc(bytes.length);  // ownership passes to the client
          Module.HEAPU8.set(bytes, ptr);
          Module._pm_api_font_loaded(ptr, bytes.length);
        }).catch(function (err) { console.warn('PoseMeet: CJK font unavailable (' + err.message + ')'); });
      },
      print: function (t) { console.log(t); },
      printErr: function (t) { console.warn(t); },
      onAbort: function (what) { fatal(words('The client stopped unexpectedly: %1', what)); },
    };
    if (!fromDisk) Module.instantiateWasm = instantiateWithProgress;
    setProgress(0, words(fromDisk ? 'Loading…' : 'Connecting…'));
    var script = document.createElement('script');
    // From disk the browser refuses to fetch a .wasm, so that build carries it inline.
    script.src = fromDisk ? 'posemeet-file.js' : 'posemeet.js';
    script.onerror = function () { fatal(words('Could not load %1. Was the client built?', script.src)); };
    document.body.appendChild(script);
  }

  var PoseMeet = {
    // Starts the client on this page. options: {server, room, name, token, invitation, relay,
    // autoJoin, maxFps, audio, audioProcessing}; missing ones come from the URL (?room=&name=
    // &server=&token=&decline=1&relay=1&fps=&audio=0&audioProcessing=0). invitation (or
    // ?decline=1) with a token: the person first sees the invitation and joins or declines it. audio: false joins without asking for the microphone.
    // Test only: testLoss (fraction) and testJitterMs impair received audio (?testLoss=&testJitterMs=).
    boot: function (options) {
      options = options || {};
      var q = new URLSearchParams(location.search);
      // The join token from the operator's backend (?token= or options.token): the room and
      // name default to the ones it is for.
      var token = options.token || q.get('token') || '';
      var claims = tokenClaims(token);
      var config = {
        server: normaliseServer(options.server || q.get('server')),
        token: token,
        room: options.room || q.get('room') || (claims.video && claims.video.room) || '',
        name: options.name || q.get('name') || claims.name || '',
        relay: options.relay || q.get('relay') === '1',
        autoJoin: options.autoJoin !== false,
        maxFps: Number(options.maxFps || q.get('fps')) || 0,
        audio: options.audio !== undefined ? options.audio !== false : q.get('audio') !== '0',
        audioProcessing: options.audioProcessing !== undefined ? options.audioProcessing !== false
                                                               : q.get('audioProcessing') !== '0',
        testLoss: Number(options.testLoss || q.get('testLoss')) || 0,
        testJitterMs: Number(options.testJitterMs || q.get('testJitterMs')) || 0,
        // 'camera' (your body moves your avatar once the camera is on) or 'synthetic' (the demo avatar).
        pose: options.pose || q.get('pose') || 'camera',
        // 'system' (the browser's light/dark setting), 'dark' or 'light'; the user's last choice.
        theme: options.theme || q.get('theme') || storedSetting('theme') || 'system',
        // 'en' or 'zh': the page's choice, the user's last one, else the browser's language.
        language: options.language || q.get('lang') || storedSetting('language') || navigator.language || 'en',
      };
      // The page's language before the client runs (the loading screen speaks it too).
      document.documentElement.lang = /^zh/.test(config.language) ? 'zh-CN' : 'en';
      if (typeof WebAssembly !== 'object') { fatal(words('This browser does not support WebAssembly.')); return readyPromise; }
      // An invitation's decline link (?token=…&decline=1): the person answers first, and the
      // client loads only if they join (web/posemeet-invitation.js).
      if (token && (options.invitation || q.get('decline') === '1') && window.PoseMeetInvitation) {
        document.getElementById('pm-loading').classList.add('pm-hidden');
        window.PoseMeetInvitation.show({
          token: token, room: config.room, name: config.name || claims.sub, server: config.server, words: words,
          onJoin: function () {
            var u = new URL(location.href);
            u.searchParams.delete('decline');  // a reload joins straight away
            history.replaceState(null, '', u.toString());
            document.getElementById('pm-loading').classList.remove('pm-hidden');
            start(config);
          },
        });
        return readyPromise;
      }
      start(config);
      return readyPromise;
    },
    ready: readyPromise,
    // options.newMeeting: if the room's meeting has ended, open a new one there (without it
    // such a join is refused with code 422). options.token: the join token from your
    // backend (else the page's token, else none: see README "Access tokens").
    join: function (room, name, options) {
      return readyPromise.then(function () {
        return new Promise(function (resolve, reject) {
          function cleanup() { PoseMeet.off('joined', ok); PoseMeet.off('error', bad); PoseMeet.off('left', gone); }
          function ok(d) { cleanup(); resolve(d); }
          function bad(d) { var e = new Error(d.message); e.code = d.code; cleanup(); reject(e); }
          // leave() (or another join) before the server let us in: this join is over.
          function gone() { bad({code: 460, message: 'left before the join finished'}); }
          PoseMeet.on('joined', ok);
          PoseMeet.on('error', bad);
          var newMeeting = options && options.newMeeting ? 1 : 0;
          var token = (options && options.token) || '';
          Module._pm_api_join && withStrings([room, name, token], function (p) { Module._pm_api_join(p[0], p[1], newMeeting, p[2]); });
          // Only now: joining while in a meeting first leaves it ('left'), which is not ours.
          PoseMeet.on('left', gone);
        });
      });
    },
    leave: function () { if (Module && Module._pm_api_leave) Module._pm_api_leave(); },
    // Any room operation of the control protocol, e.g. request('vcOperateSelfMic', {operate: 1}).
    // Resolves with {code, message, response} when the server accepts (code 200); rejects
    // with an Error carrying .code and .message when it refuses (e.g. 410 not permitted).
    // Always settles: a request still unanswered when the connection drops or you leave
    // rejects at that moment with code 460 (422 if the meeting ended); one made while not
    // joined (e.g. reconnecting) rejects at once with code 460 and is not sent.
    request: function (event, content) {
      return readyPromise.then(function () {
        var id = '';
        withStrings([event, JSON.stringify(content || {})], function (p) {
          id = Module.UTF8ToString(Module._pm_api_request(p[0], p[1]));
        });
        if (!id) {
          var st = PoseMeet.state() || {};
          var why = st.status === 'reconnecting' ? 'reconnecting to the server: try again once reconnected'
                                                 : 'not connected to a meeting';
          return Promise.reject(Object.assign(new Error(why), {code: 460}));
        }
        return new Promise(function (resolve, reject) {
          function onReply(r) {
            if (r.request_id !== id) return;
            PoseMeet.off('reply', onReply);
            if (r.code === 200) resolve(r);
            else reject(Object.assign(new Error(r.message || ('error ' + r.code)), {code: r.code, reply: r}));
          }
          PoseMeet.on('reply', onReply);
        });
      });
    },
    setMic: function (on) { return PoseMeet.request('vcOperateSelfMic', {operate: on ? 1 : 0}); },
    setCamera: function (on) { return PoseMeet.request('vcOperateSelfCamera', {operate: on ? 1 : 0}); },
    askToSpeak: function () { return PoseMeet.request('vcOperateSelfMicApply', {operate: 1}); },
    askToShare: function () { return PoseMeet.request('vcSharePermissionApply', {}); },
    startShare: function (type) { return PoseMeet.request('vcStartShare', {share_type: type === 'board' ? 1 : 0}); },
    stopShare: function () { return PoseMeet.request('vcFinishShare', {}); },
    answerHostRequest: function (device, accept) {
      return PoseMeet.request('vcReplyOperateRequest', {device: device, accept: accept ? 1 : 0});
    },
    sendMessage: function (text, toUserId) {
      return PoseMeet.request('vcSendMessage', toUserId ? {message: text, to_user_id: toUserId} : {message: text});
    },
    // Host only (the server refuses others with code 410).
    host: {
      mute: function (userId) { return PoseMeet.request('vcOperateOtherMic', {operate_user_id: userId, operate: 0}); },
      askToUnmute: function (userId) { return PoseMeet.request('vcOperateOtherMic', {operate_user_id: userId, operate: 1}); },
      cameraOff: function (userId) { return PoseMeet.request('vcOperateOtherCamera', {operate_user_id: userId, operate: 0}); },
      askCameraOn: function (userId) { return PoseMeet.request('vcOperateOtherCamera', {operate_user_id: userId, operate: 1}); },
      muteAll: function (allowSelfUnmute) {
        return PoseMeet.request('vcOperateAllMic', {operate: 0, operate_self_mic_permission: allowSelfUnmute ? 1 : 0});
      },
      allowMics: function () { return PoseMeet.request('vcOperateAllMic', {operate: 1, operate_self_mic_permission: 1}); },
      answerMicRequest: function (userId, permit) {
        return PoseMeet.request('vcOperateSelfMicPermit', {apply_user_id: userId, permit: permit ? 1 : 0});
      },
      answerShareRequest: function (userId, permit) {
        return PoseMeet.request('vcSharePermissionPermit', {apply_user_id: userId, permit: permit ? 1 : 0});
      },
      setSharePermission: function (userId, on) {
        return PoseMeet.request('vcOperateOtherSharePermission', {operate_user_id: userId, operate: on ? 1 : 0});
      },
      makeHost: function (userId) { return PoseMeet.request('vcTransferHost', {operate_user_id: userId}); },
      endMeeting: function () { return PoseMeet.request('vcFinishRoom', {}); },
    },
    // Audio: output volume per participant (0 silent .. 1 normal .. 2 double) and the
    // microphone to use (ids from state().audio.input_devices; '' = the default).
    // The demo avatar (moves by itself, no camera) instead of your camera, or back.
    // The look: 'system' (follows the browser's light/dark setting), 'dark' or 'light'.
    setTheme: function (theme) {
      return readyPromise.then(function () {
        withStrings([String(theme)], function (p) { Module._pm_api_set_theme(p[0]); });
      });
    },
    // The UI's language: 'en' or 'zh'.
    setLanguage: function (language) {
      return readyPromise.then(function () {
        withStrings([String(language)], function (p) { Module._pm_api_set_language(p[0]); });
      });
    },
    setDemoAvatar: function (on) {
      return readyPromise.then(function () { Module._pm_api_set_demo_avatar(on ? 1 : 0); });
    },
    setCameraDevice: function (deviceId) {
      return readyPromise.then(function () {
        withStrings([deviceId || ''], function (p) { Module._pm_api_set_camera_device(p[0]); });
      });
    },
    showSelfView: function (show) {
      return readyPromise.then(function () { Module._pm_api_show_self_view(show ? 1 : 0); });
    },
    setVolume: function (userId, gain) {
      return readyPromise.then(function () {
        withStrings([userId], function (p) { Module._pm_api_set_volume(p[0], Number(gain)); });
      });
    },
    setInputDevice: function (deviceId) {
      return readyPromise.then(function () {
        withStrings([deviceId || ''], function (p) { Module._pm_api_audio_set_input(p[0]); });
      });
    },
    // Test hooks: analyse every played audio frame per remote at these frequencies;
    // audioTapTake() returns {user_id: [{t, kind, rms, mag: [...]}, ...]} since the last take.
    test: {
      audioTap: function (frequencies) {
        withStrings([JSON.stringify(frequencies || [])], function (p) { Module._pm_api_audio_tap_start(p[0]); });
      },
      audioTapTake: function () { return JSON.parse(Module.UTF8ToString(Module._pm_api_audio_tap_take())); },
      // Keeps `ms` of frames mixed ahead of the speaker in the voice engine (a mute must still
      // be heard at once: the queued ones are mixed again); 0, the default, mixes each frame
      // when the speaker needs it. Served pages only (not from disk).
      speakerQueue: function (ms) {
        if (Module && Module.posemeetVoiceWorker) Module.posemeetVoiceWorker.postMessage({type: 'testQueue', ms: ms});
      },
      // The camera's recent landmark estimates [{timestamp, landmarks}] (what this page sent).
      cameraPoses: function () { return JSON.parse(Module.UTF8ToString(Module._pm_api_camera_recent())); },
      // What the last frame drew that can be clicked or typed into: {name: [x, y, w, h]} in
      // CSS pixels ("bar/Mute", "join/Your name", "chat/Message"), and the tiles ("tile/<user id>").
      uiControls: function () { return JSON.parse(Module.UTF8ToString(Module._pm_api_ui_controls())); },
      // The colour each participant's avatar was drawn in last frame: {user_id: [r, g, b]}.
      participantColors: function () { return JSON.parse(Module.UTF8ToString(Module._pm_api_ui_participant_colors())); },
    },
    state: function () {
      if (!Module || !Module._pm_api_state) return null;
      return JSON.parse(Module.UTF8ToString(Module._pm_api_state()));
    },
    syntheticPose: function (userId, timestamp) {
      var out = null;
      withStrings([userId], function (p) {
        out = JSON.parse(Module.UTF8ToString(Module._pm_api_synthetic_pose(p[0], timestamp)));
      });
      return out;
    },
    on: function (name, cb) { (listeners[name] = listeners[name] || []).push(cb); return PoseMeet; },
    off: function (name, cb) {
      listeners[name] = (listeners[name] || []).filter(function (x) { return x !== cb; });
      return PoseMeet;
    },
  };

  function withStrings(strings, fn) {
    var ptrs = strings.map(function (s) {
      var bytes = new TextEncoder().encode(String(s));
      var p = Module._malloc(bytes.length + 1);
      Module.HEAPU8.set(bytes, p);
      Module.HEAPU8[p + bytes.length] = 0;
      return p;
    });
    try { fn(ptrs); } finally { ptrs.forEach(function (p) { Module._free(p); }); }
  }

  // Closing the tab or navigating away leaves the meeting at once (others see it within a
  // second) instead of waiting out the server's reconnect grace period.
  window.addEventListener('pagehide', function () { PoseMeet.leave(); });

  window.PoseMeet = PoseMeet;
})();
