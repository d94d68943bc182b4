// Thin browser glue for WebRTC peer links (used by web_peer_link.cpp). Product logic stays
// in C++: this file only keeps a table of RTCPeerConnections by integer handle and turns
// browser events into calls of the C++ callbacks given at creation.
// Memory: strings and bytes passed to C++ are malloc'ed here and freed here after the
// synchronous callback returns; C++ copies what it keeps.
var LibraryPoseMeetWebRtc = {
  $PMRTC: {
    links: {},
    nextId: 1,
    withCString: function(str, fn) {
      var len = lengthBytesUTF8(str) + 1;
      var ptr = _malloc(len);
      stringToUTF8(str, ptr, len);
      try { fn(ptr); } finally { _free(ptr); }
    },
  },

  pm_rtc_available: function() {
    return (typeof RTCPeerConnection !== 'undefined') ? 1 : 0;
  },

  // cb = [onSignal(ud, jsonPtr), onOpen(ud), onMessage(ud, ptr, len), onFailed(ud, reasonPtr)]
  pm_rtc_create__deps: ['$PMRTC', 'malloc', 'free'],
  pm_rtc_create: function(userData, onSignal, onOpen, onMessage, onFailed) {
    var id = PMRTC.nextId++;
    var iceServers = (Module['posemeetConfig'] && Module['posemeetConfig'].iceServers) || [];
    var link = {
      pc: new RTCPeerConnection({iceServers: iceServers}),
      dc: null, deleted: false, remoteSet: false, pendingCandidates: [],
      signal: function(obj) {
        if (link.deleted) return;
        PMRTC.withCString(JSON.stringify(obj), function(p) { {{{ makeDynCall('vii', 'onSignal') }}}(userData, p); });
      },
      fail: function(reason) {
        if (link.deleted || link.failed) return;
        link.failed = true;
        PMRTC.withCString(reason, function(p) { {{{ makeDynCall('vii', 'onFailed') }}}(userData, p); });
      },
      attach: function(dc) {
        link.dc = dc;
        dc.binaryType = 'arraybuffer';
        dc.onopen = function() { if (!link.deleted) {{{ makeDynCall('vi', 'onOpen') }}}(userData); };
        dc.onclose = function() { link.fail('data channel closed'); };
        dc.onmessage = function(e) {
          if (link.deleted || !(e.data instanceof ArrayBuffer)) return;
          var bytes = new Uint8Array(e.data);
          var ptr = _malloc(bytes.length || 1);
          HEAPU8.set(bytes, ptr);
          try { {{{ makeDynCall('viii', 'onMessage') }}}(userData, ptr, bytes.length); } finally { _free(ptr); }
        };
      },
    };
    link.pc.onicecandidate = function(e) {
      if (e.candidate) link.signal({type: 'candidate', candidate: e.candidate.candidate,
                                    sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex});
    };
    link.pc.onconnectionstatechange = function() {
      var s = link.pc.connectionState;
      if (s === 'failed' || s === 'closed') link.fail('peer connection ' + s);
    };
    link.pc.ondatachannel = function(e) { link.attach(e.channel); };
    PMRTC.links[id] = link;
    return id;
  },

  pm_rtc_start__deps: ['$PMRTC'],
  pm_rtc_start: function(id, offerer) {
    var link = PMRTC.links[id];
    if (!link || !offerer) return;
    // Unordered and unreliable: a late pose is useless, a retransmitted one is worse.
    link.attach(link.pc.createDataChannel('media', {ordered: false, maxRetransmits: 0}));
    link.pc.createOffer()
      .then(function(offer) { return link.pc.setLocalDescription(offer); })
      .then(function() { link.signal({type: 'offer', sdp: link.pc.localDescription.sdp}); })
      .catch(function(err) { link.fail('offer failed: ' + err); });
  },

  pm_rtc_signal__deps: ['$PMRTC'],
  pm_rtc_signal: function(id, jsonPtr) {
    var link = PMRTC.links[id];
    if (!link) return;
    var msg;
    try { msg = JSON.parse(UTF8ToString(jsonPtr)); } catch (e) { return; }
    var pc = link.pc;
    var flush = function() {
      link.remoteSet = true;
      link.pendingCandidates.forEach(function(c) { pc.addIceCandidate(c).catch(function() {}); });
      link.pendingCandidates = [];
    };
    if (msg.type === 'offer') {
      pc.setRemoteDescription({type: 'offer', sdp: msg.sdp})
        .then(flush)
        .then(function() { return pc.createAnswer(); })
        .then(function(answer) { return pc.setLocalDescription(answer); })
        .then(function() { link.signal({type: 'answer', sdp: pc.localDescription.sdp}); })
        .catch(function(err) { link.fail('answer failed: ' + err); });
    } else if (msg.type === 'answer') {
      pc.setRemoteDescription({type: 'answer', sdp: msg.sdp}).then(flush)
        .catch(function(err) { link.fail('remote answer rejected: ' + err); });
    } else if (msg.type === 'candidate') {
      var c = {candidate: msg.candidate, sdpMid: msg.sdpMid, sdpMLineIndex: msg.sdpMLineIndex};
      if (link.remoteSet) pc.addIceCandidate(c).catch(function() {});
      else link.pendingCandidates.push(c);
    }
  },

  pm_rtc_send__deps: ['$PMRTC'],
  pm_rtc_send: function(id, ptr, len) {
    var link = PMRTC.links[id];
    if (!link || !link.dc || link.dc.readyState !== 'open') return 0;
    // Skip rather than queue when the channel is backed up: fresh poses replace old ones.
    if (link.dc.bufferedAmount > 64 * 1024) return 1;
    try { link.dc.send(HEAPU8.slice(ptr, ptr + len)); } catch (e) { return 0; }
    return 1;
  },

  pm_rtc_is_open__deps: ['$PMRTC'],
  pm_rtc_is_open: function(id) {
    var link = PMRTC.links[id];
    return (link && link.dc && link.dc.readyState === 'open') ? 1 : 0;
  },

  pm_rtc_close__deps: ['$PMRTC'],
  pm_rtc_close: function(id) {
    var link = PMRTC.links[id];
    if (!link) return;
    link.deleted = true;  // late promise callbacks see this and do nothing
    try { if (link.dc) link.dc.close(); link.pc.close(); } catch (e) {}
    delete PMRTC.links[id];
  },
};

autoAddDeps(LibraryPoseMeetWebRtc, '$PMRTC');
mergeInto(LibraryManager.library, LibraryPoseMeetWebRtc);
