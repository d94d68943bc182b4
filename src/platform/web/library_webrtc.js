// Thin browser glue for WebRTC peer links (used by web_peer_link.cpp). Product logic stays
// in C++: this file keeps one private table of RTCPeerConnections by integer handle and
// turns browser events into calls of the C++ callbacks given at creation.
//
// Handles: 1, 2, ... from pm_rtc_create; 0 = none (every function ignores an unknown handle).
// Callbacks: each one gets the user pointer given to pm_rtc_create (the WebPeerLink).
// pm_rtc_close marks the link deleted first, so a promise that settles later (an offer,
// an answer, a candidate) calls nothing: C++ may free the object right after the close.
// Memory: strings and bytes passed to C++ are malloc'ed here and freed here after the
// synchronous callback returns; C++ copies what it keeps. Pointers C++ passes in (a
// signal's JSON, the bytes to send) are read before the call returns and stay C++'s.
(function() {
var LibraryPoseMeetWebRtc = {
  $PMRTC: {
    // Mirrors enum class RtcSendResult in web_peer_link.hpp, names and values
    // (tests/unit/web_glue_tables_test.cpp checks it).
    SendResult: {NotOpen: 0, Sent: 1, Dropped: 2},
    // Beyond this much unsent data a send is skipped rather than queued: fresh poses and
    // audio replace old ones, and a queue would only add latency.
    maxBufferedBytes: 64 * 1024,
    // The voice channel's SCTP stream id, the same on both sides (negotiated); far above
    // the ids the browser picks for the media channel.
    voiceChannelId: 1000,

    links: {},  // handle -> link (see pm_rtc_create)
    nextId: 1,

    withCString: function(str, fn) {
      var len = lengthBytesUTF8(str) + 1;
      var ptr = _malloc(len);
      stringToUTF8(str, ptr, len);
      try { fn(ptr); } finally { _free(ptr); }
    },

    // A local offer, answer or ICE candidate for C++ to pass on through signaling.
    signal: function(link, obj) {
      if (link.deleted) return;
      PMRTC.withCString(JSON.stringify(obj), function(p) {
        {{{ makeDynCall('vii', 'link.onSignal') }}}(link.userData, p);
      });
    },

    // Reported once per link; the reason is for logs, not for the user.
    fail: function(link, reason) {
      if (link.deleted || link.failed) return;
      link.failed = true;
      PMRTC.withCString(reason, function(p) {
        {{{ makeDynCall('vii', 'link.onFailed') }}}(link.userData, p);
      });
    },

    attachChannel: function(link, dc) {
      link.dc = dc;
      dc.binaryType = 'arraybuffer';
      dc.onopen = function() {
        if (!link.deleted) {{{ makeDynCall('vi', 'link.onOpen') }}}(link.userData);
      };
      dc.onclose = function() { PMRTC.fail(link, 'data channel closed'); };
      dc.onmessage = function(e) {
        if (link.deleted || !(e.data instanceof ArrayBuffer)) return;
        var bytes = new Uint8Array(e.data);
        var ptr = _malloc(bytes.length || 1);
        HEAPU8.set(bytes, ptr);
        try { {{{ makeDynCall('viii', 'link.onMessage') }}}(link.userData, ptr, bytes.length); } finally { _free(ptr); }
      };
    },

    // Candidates that arrive before the remote description wait for it.
    remoteDescriptionSet: function(link) {
      link.remoteSet = true;
      link.pendingCandidates.forEach(function(c) { link.pc.addIceCandidate(c).catch(function() {}); });
      link.pendingCandidates = [];
    },
  },

  pm_rtc_available: function() {
    return (typeof RTCPeerConnection !== 'undefined') ? 1 : 0;
  },

  // onSignal(userData, jsonPtr), onOpen(userData), onMessage(userData, ptr, len),
  // onFailed(userData, reasonPtr). Returns the link's handle, 0 when the browser refused.
  // When the voice runs in a worker (library_audio.js), the link also gets a voice channel
  // that goes to that worker, so audio between peers never waits for this thread.
  pm_rtc_create__deps: ['$PMRTC', '$PMAUDIO', 'malloc', 'free'],
  pm_rtc_create: function(userData, remoteUserPtr, onSignal, onOpen, onMessage, onFailed) {
    var iceServers = (Module['posemeetConfig'] && Module['posemeetConfig'].iceServers) || [];
    var pc;
    try { pc = new RTCPeerConnection({iceServers: iceServers}); } catch (e) { return 0; }
    var link = {
      pc: pc, dc: null,
      userData: userData, onSignal: onSignal, onOpen: onOpen, onMessage: onMessage, onFailed: onFailed,
      deleted: false, failed: false, remoteSet: false, pendingCandidates: [],
    };
    pc.onicecandidate = function(e) {
      if (e.candidate) PMRTC.signal(link, {type: 'candidate', candidate: e.candidate.candidate,
                                           sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex});
    };
    pc.onconnectionstatechange = function() {
      var s = pc.connectionState;
      if (s === 'failed' || s === 'closed') PMRTC.fail(link, 'peer connection ' + s);
    };
    pc.ondatachannel = function(e) { if (!link.deleted) PMRTC.attachChannel(link, e.channel); };
    if (PMAUDIO.voice) {
      // Negotiated (both sides create it with the same id, no offer of its own), unordered
      // and unreliable like the media channel.
      var voice = pc.createDataChannel('voice', {negotiated: true, id: PMRTC.voiceChannelId, ordered: false, maxRetransmits: 0});
      PMAUDIO.handVoiceChannel(UTF8ToString(remoteUserPtr), voice);
    }
    var id = PMRTC.nextId++;
    PMRTC.links[id] = link;
    return id;
  },

  // The offerer creates the data channel and the offer; the answerer waits for signals.
  pm_rtc_start__deps: ['$PMRTC'],
  pm_rtc_start: function(id, offerer) {
    var link = PMRTC.links[id];
    if (!link || !offerer) return;
    // Unordered and unreliable: a late pose is useless, a retransmitted one is worse.
    PMRTC.attachChannel(link, link.pc.createDataChannel('media', {ordered: false, maxRetransmits: 0}));
    link.pc.createOffer()
      .then(function(offer) { if (!link.deleted) return link.pc.setLocalDescription(offer); })
      .then(function() { if (!link.deleted) PMRTC.signal(link, {type: 'offer', sdp: link.pc.localDescription.sdp}); })
      .catch(function(err) { PMRTC.fail(link, 'offer failed: ' + err); });
  },

  // A remote offer, answer or candidate (the JSON PMRTC.signal produced on the other side).
  pm_rtc_signal__deps: ['$PMRTC'],
  pm_rtc_signal: function(id, jsonPtr) {
    var link = PMRTC.links[id];
    if (!link) return;
    var msg;
    try { msg = JSON.parse(UTF8ToString(jsonPtr)); } catch (e) { return; }
    var pc = link.pc;
    if (msg.type === 'offer') {
      pc.setRemoteDescription({type: 'offer', sdp: msg.sdp})
        .then(function() {
          if (link.deleted) return;
          PMRTC.remoteDescriptionSet(link);
          return pc.createAnswer()
            .then(function(answer) { return pc.setLocalDescription(answer); })
            .then(function() { PMRTC.signal(link, {type: 'answer', sdp: pc.localDescription.sdp}); });
        })
        .catch(function(err) { PMRTC.fail(link, 'answer failed: ' + err); });
    } else if (msg.type === 'answer') {
      pc.setRemoteDescription({type: 'answer', sdp: msg.sdp})
        .then(function() { if (!link.deleted) PMRTC.remoteDescriptionSet(link); })
        .catch(function(err) { PMRTC.fail(link, 'remote answer rejected: ' + err); });
    } else if (msg.type === 'candidate') {
      var c = {candidate: msg.candidate, sdpMid: msg.sdpMid, sdpMLineIndex: msg.sdpMLineIndex};
      if (link.remoteSet) pc.addIceCandidate(c).catch(function() {});
      else link.pendingCandidates.push(c);
    }
  },

  // One packet on the data channel: a PMRTC.SendResult. Dropped = the channel is open but
  // backed up (or refused this packet): it was not sent and will not be.
  pm_rtc_send__deps: ['$PMRTC'],
  pm_rtc_send: function(id, ptr, len) {
    var link = PMRTC.links[id];
    if (!link || !link.dc || link.dc.readyState !== 'open') return PMRTC.SendResult.NotOpen;
    if (link.dc.bufferedAmount > PMRTC.maxBufferedBytes) return PMRTC.SendResult.Dropped;
    try { link.dc.send(HEAPU8.slice(ptr, ptr + len)); } catch (e) { return PMRTC.SendResult.Dropped; }
    return PMRTC.SendResult.Sent;
  },

  pm_rtc_is_open__deps: ['$PMRTC'],
  pm_rtc_is_open: function(id) {
    var link = PMRTC.links[id];
    return (link && link.dc && link.dc.readyState === 'open') ? 1 : 0;
  },

  // Closes the connection and forgets the handle; no callback for this link runs afterwards.
  pm_rtc_close__deps: ['$PMRTC'],
  pm_rtc_close: function(id) {
    var link = PMRTC.links[id];
    if (!link) return;
    link.deleted = true;
    try { if (link.dc) link.dc.close(); link.pc.close(); } catch (e) {}
    delete PMRTC.links[id];
  },
};

autoAddDeps(LibraryPoseMeetWebRtc, '$PMRTC');
mergeInto(LibraryManager.library, LibraryPoseMeetWebRtc);
})();
