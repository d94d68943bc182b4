// Just enough PNG decoding (8-bit grey, grey+alpha, RGB, RGBA; non-interlaced: what Chromium
// writes and what the test pictures from Debian packages use) to count pixels in a screenshot
// or to build a fake camera picture, and PNG encoding to save such pictures for a human.
import zlib from 'node:zlib';

export function decodePng(buf) {
  let off = 8, width = 0, height = 0, colorType = 0, bitDepth = 8, interlace = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off); const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      bitDepth = data[8]; colorType = data[9]; interlace = data[12];
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };  // grey, RGB, grey+alpha, RGBA
  const bpp = CHANNELS[colorType];
  if (!bpp || bitDepth !== 8 || interlace) {
    throw new Error(`decodePng: colour type ${colorType}, ${bitDepth}-bit, interlace ${interlace} not supported`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a; else if (filter === 2) v += b; else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) { const p = a + b - c; const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c); }
      line[x] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4, i = x * bpp;
      if (bpp >= 3) { out[o] = line[i]; out[o + 1] = line[i + 1]; out[o + 2] = line[i + 2]; }
      else { out[o] = out[o + 1] = out[o + 2] = line[i]; }
      out[o + 3] = bpp === 4 ? line[i + 3] : bpp === 2 ? line[i + 1] : 255;
    }
    prev = line;
  }
  return { width, height, pixels: out };
}

// Pixels within `tolerance` (per channel) of colour [r, g, b] inside the CSS-pixel rectangle
// [x, y, w, h] (scaled by `scale`, the screenshot's device pixels per CSS pixel).
export function countNearColor({ pixels, width, height }, [x, y, w, h], [r, g, b], tolerance = 12, scale = 1) {
  let n = 0;
  const x0 = Math.max(0, Math.round(x * scale)), x1 = Math.min(width, Math.round((x + w) * scale));
  const y0 = Math.max(0, Math.round(y * scale)), y1 = Math.min(height, Math.round((y + h) * scale));
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) {
      const i = (row * width + col) * 4;
      if (Math.abs(pixels[i] - r) <= tolerance && Math.abs(pixels[i + 1] - g) <= tolerance &&
          Math.abs(pixels[i + 2] - b) <= tolerance) n++;
    }
  }
  return n;
}

// A rectangle of a decoded image, as a decoded image.
export function cropPng({ pixels, width }, x, y, w, h) {
  const out = new Uint8Array(w * h * 4);
  for (let row = 0; row < h; row++) {
    out.set(pixels.subarray(((y + row) * width + x) * 4, ((y + row) * width + x + w) * 4), row * w * 4);
  }
  return { pixels: out, width: w, height: h };
}

// Pixels within `tolerance` (per channel) of an exact colour, e.g. a UI highlight.
export function countColorPixels({ pixels }, [r, g, b], tolerance = 6) {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (Math.abs(pixels[i] - r) <= tolerance && Math.abs(pixels[i + 1] - g) <= tolerance &&
        Math.abs(pixels[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

// An RGBA image as PNG bytes (no filtering: for pictures a person looks at, not for size).
export function encodePng({ pixels, width, height }) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = ~0; for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8); return (~c) >>> 0; };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6;
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    Buffer.from(pixels.buffer, pixels.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
