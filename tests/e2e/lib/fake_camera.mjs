// A fake camera for Chromium (--use-file-for-fake-video-capture=FILE.y4m): a photo of a real
// person over a grey background, sliding horizontally at a set speed, with the ground truth
// of where their nose, shoulders and wrist are in every frame. No ffmpeg: the y4m (YUV 4:2:0)
// frames are written here. The photo comes from a Debian package (tools/setup.sh extracts it
// into third_party/test-pictures); files are generated at test time, never committed.
import fs from 'node:fs';
import path from 'node:path';
import { decodePng } from './png.mjs';
import { ROOT } from './processes.mjs';

// skimage's astronaut.png (512x512, public domain, NASA portrait of Eileen Collins), from
// Debian's python3-skimage. Coordinates are source-picture pixels (x right, y down).
// "left"/"right" are the PERSON's sides, as BlazePose names them: she faces the camera, so
// her left shoulder is on the image's RIGHT.
//   points: annotated by eye (looking at the picture). Nose: tip of the nose. Shoulders: where
//     the joints are under the bulky suit, judged from head size (about +-12 px). Right wrist:
//     the suit's wrist ring at the bottom edge. Her left wrist is hidden behind the helmet.
//   modelReference: what BlazePose lite (tasks-vision 1.1.0, pose_landmarker_lite.task built
//     by tools/make_pose_task.mjs) reports for this picture still, at 360 px in a 640x480
//     frame. Nose and face match the annotation within ~4 px, but the model reads the
//     suit's neck ring as the shoulders (~50 px inside and above the annotated joints) and
//     puts the wrists near the elbows with visibility ~0.55: a regression reference for
//     "the pipeline still gives the same answer", not the truth.
export const ASTRONAUT = {
  file: path.join(ROOT, 'third_party/test-pictures/astronaut.png'),
  size: 512,
  points: {
    nose: { index: 0, x: 224, y: 126 },
    leftShoulder: { index: 11, x: 335, y: 262 },    // image right
    rightShoulder: { index: 12, x: 108, y: 250 },   // image left
    rightWrist: { index: 16, x: 170, y: 492 },      // image left, bottom edge (the ring)
  },
  modelReference: {
    nose: { index: 0, x: 219.7, y: 123.2 },
    leftShoulder: { index: 11, x: 277.6, y: 216.7 },
    rightShoulder: { index: 12, x: 147.1, y: 178.8 },
    leftWrist: { index: 15, x: 295.8, y: 337.4 },
    rightWrist: { index: 16, x: 81.1, y: 295.1 },
  },
};

// Bilinear resize of an RGBA image to w x h.
function resize({ pixels, width, height }, w, h) {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) * height / h - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(height - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) * width / w - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(width - 1, x0 + 1), fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy, xx) => pixels[(yy * width + xx) * 4 + c];
        out[(y * w + x) * 4 + c] = Math.round(
          (p(y0, x0) * (1 - fx) + p(y0, x1) * fx) * (1 - fy) + (p(y1, x0) * (1 - fx) + p(y1, x1) * fx) * fy);
      }
      out[(y * w + x) * 4 + 3] = 255;
    }
  }
  return { pixels: out, width: w, height: h };
}

// Writes the y4m and returns {file, fps, frames, loopS, scale, offsetAt(frame), truthAt(frame, set)}.
//   speedPxPerS: horizontal speed of the person (0: a still picture); the clip loops, so the
//     person jumps back to startX every loopS seconds.
//   personHeight: the picture's height in the frame (the 512 px photo scaled to it).
//   motion: optional (tSeconds) => {x, y}, the picture's top-left in frame pixels at time t
//     (t = frame / fps), instead of the slide above (speedPxPerS, startX and top are then
//     unused); lets a clip go back and forth or bob without jumping. Checked on every frame.
// truthAt(frame, set = 'points' | 'modelReference') -> {nose: {x, y}, leftShoulder, ...} in
// frame pixels, for the clip's frame number `frame`.
export function writeFakeCamera({ file, speedPxPerS = 60, fps = 15, seconds = 4, width = 640, height = 480,
                                  personHeight = 360, startX = 20, top = 60, picture = ASTRONAUT, motion } = {}) {
  const source = decodePng(fs.readFileSync(picture.file));
  const scale = personHeight / picture.size;
  const img = resize(source, Math.round(source.width * scale), Math.round(source.height * scale));
  const frames = Math.round(seconds * fps);
  const offsetAt = motion
    ? (frame) => { const o = motion((frame % frames) / fps); return { x: Math.round(o.x), y: Math.round(o.y) }; }
    : (frame) => ({ x: Math.round(startX + speedPxPerS * (frame % frames) / fps), y: top });
  for (let f = 0; f < frames; f++) {
    const o = offsetAt(f);
    if (o.x < 0 || o.y < 0 || o.x + img.width > width || o.y + img.height > height) {
      throw new Error(`fake camera: the picture leaves the ${width}x${height} frame (at ${o.x},${o.y} in frame ${f})`);
    }
  }
  const truthAt = (frame, set = 'points') => {
    const o = offsetAt(frame), out = {};
    for (const [name, p] of Object.entries(picture[set])) out[name] = { x: o.x + p.x * scale, y: o.y + p.y * scale };
    return out;
  };

  // Y'CbCr, BT.601 limited range, as Chromium reads y4m.
  const ySize = width * height, cw = width / 2, ch = height / 2;
  const frame = Buffer.alloc(6 + ySize + 2 * cw * ch);
  frame.write('FRAME\n', 0, 'ascii');
  const rgb = new Uint8Array(width * height * 3);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (let f = 0; f < frames; f++) {
      rgb.fill(128);
      const o = offsetAt(f);
      for (let y = 0; y < img.height; y++) {
        for (let x = 0; x < img.width; x++) {
          const s = (y * img.width + x) * 4, d = ((o.y + y) * width + o.x + x) * 3;
          rgb[d] = img.pixels[s]; rgb[d + 1] = img.pixels[s + 1]; rgb[d + 2] = img.pixels[s + 2];
        }
      }
      for (let i = 0; i < ySize; i++) {
        const r = rgb[i * 3], g = rgb[i * 3 + 1], b = rgb[i * 3 + 2];
        frame[6 + i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
      }
      for (let y = 0; y < ch; y++) {
        for (let x = 0; x < cw; x++) {
          let r = 0, g = 0, b = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
            const i = ((2 * y + dy) * width + 2 * x + dx) * 3;
            r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2];
          }
          r /= 4; g /= 4; b /= 4;
          frame[6 + ySize + y * cw + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
          frame[6 + ySize + cw * ch + y * cw + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
        }
      }
      fs.writeSync(fd, frame);
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, fps, frames, loopS: frames / fps, scale, speedPxPerS, offsetAt, truthAt };
}

// Chromium flags for a browser whose camera plays `file` (and whose permission prompt says yes).
export function fakeCameraArgs(file) {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${file}`];
}
