// Thin browser glue for the camera (used by web_camera_device.cpp). The camera, the
// BlazePose Worker and the self-view live in web/posemeet-camera.js (window.PoseMeetCamera);
// this file starts and stops it for C++ and hands C++ what it reports: landmark estimates
// (never pictures), its state, the list of cameras and its timings. Every word the user
// reads about the camera is in C++ (client/camera_device.cpp).
//
// Memory: landmarks pass through one buffer malloc'ed here on the first estimate; strings
// passed to C++ are malloc'ed and freed around the synchronous call. C++ copies what it keeps.
(function() {
var LibraryPoseMeetCamera = {
  $PMCAMERA__deps: ['malloc', 'free'],
  $PMCAMERA: {
    cam: null,
    buffer: 0,
    arrivals: [],  // performance.now() of recent estimates, for the rate
    generation: 0,  // of starts and stops, so a late report from a stopped camera is dropped
    withString: function(s, fn) {
      var n = lengthBytesUTF8(s) + 1, p = _malloc(n);
      stringToUTF8(s, p, n);
      try { fn(p); } finally { _free(p); }
    },
    reportState: function(state, detail) {
      PMCAMERA.withString(state, function(ps) {
        PMCAMERA.withString(detail || '', function(pd) { Module['_pm_camera_on_state'](ps, pd); });
      });
    },
    reportDevices: function() {
      if (!PMCAMERA.cam) return;
      PMCAMERA.cam.listDevices().then(function(list) {
        PMCAMERA.withString(JSON.stringify(list || []), function(p) { Module['_pm_camera_on_devices'](p); });
      }).catch(function() {});
    },
    ensure: function() {
      if (PMCAMERA.cam) return PMCAMERA.cam;
      if (!window.PoseMeetCamera) return null;
      PMCAMERA.cam = window.PoseMeetCamera.create({
        assetBase: 'pose/',
        onPose: function(landmarks, captureTimeMs) {
          // The frame's capture time on the media clock (Date.now() based, as in web_clock.hpp).
          var captureMediaMs = Date.now() - (performance.now() - captureTimeMs);
          var s = PMCAMERA.cam.stats(), now = performance.now(), a = PMCAMERA.arrivals;
          a.push(now);
          while (a.length > 2 && now - a[0] > 2000) a.shift();
          var rate = a.length > 1 ? (a.length - 1) * 1000 / (now - a[0]) : 0;
          Module['_pm_camera_on_stats'](rate, s.inferenceMsAvg || 0, s.mainThreadMsAvg || 0);
          if (!landmarks) { Module['_pm_camera_on_nobody'](captureMediaMs); return; }
          if (!PMCAMERA.buffer) PMCAMERA.buffer = _malloc(33 * 4 * 4);
          HEAPF32.set(landmarks.subarray(0, 33 * 4), PMCAMERA.buffer >> 2);
          Module['_pm_camera_on_pose'](PMCAMERA.buffer, captureMediaMs);
        },
        onState: function(state, message) {
          PMCAMERA.reportState(state, message);
          if (state === 'on') PMCAMERA.reportDevices();
        },
      });
      return PMCAMERA.cam;
    },
  },

  pm_camera_start__deps: ['$PMCAMERA', 'malloc', 'free'],
  pm_camera_start: function(deviceIdPtr, rateHz) {
    var deviceId = UTF8ToString(deviceIdPtr);
    if (location.protocol === 'file:') { PMCAMERA.reportState('needs-http', ''); return; }
    var cam = PMCAMERA.ensure();
    if (!cam) { PMCAMERA.reportState('model-failed', 'the camera module did not load'); return; }
    cam.start({deviceId: deviceId || undefined, rateHz: rateHz}).catch(function(e) {
      // The module reports its own states; this only catches what it could not classify.
      if (cam.state === 'starting') PMCAMERA.reportState('error', e && e.message || String(e));
    });
  },
  pm_camera_stop__deps: ['$PMCAMERA'],
  pm_camera_stop: function() { if (PMCAMERA.cam) PMCAMERA.cam.stop(); },
  pm_camera_set_rate__deps: ['$PMCAMERA'],
  pm_camera_set_rate: function(rateHz) { if (PMCAMERA.cam) PMCAMERA.cam.setRate(rateHz); },
  pm_camera_show_self_view__deps: ['$PMCAMERA'],
  pm_camera_show_self_view: function(show) { if (PMCAMERA.cam) PMCAMERA.cam.setSelfViewVisible(!!show); },
};
autoAddDeps(LibraryPoseMeetCamera, '$PMCAMERA');
mergeInto(LibraryManager.library, LibraryPoseMeetCamera);
})();
