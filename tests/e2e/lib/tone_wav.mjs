// A mono 48 kHz PCM16 WAV of a sine tone, for Chromium's fake microphone
// (--use-file-for-fake-audio-capture, which loops it) and the bots' --audio-in.
import fs from 'node:fs';

// `amp`: peak amplitude (0-1); `onOffSeconds` > 0 makes it come and go (that long on, that
// long off), as speech does for voice activity and concealment. Returns `file`.
export function writeToneWav(file, hz, { seconds = 10, amp = 0.3, onOffSeconds = 0 } = {}) {
  const rate = 48000, n = rate * seconds;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write('data', 36); buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const on = onOffSeconds <= 0 || Math.floor(i / (rate * onOffSeconds)) % 2 === 0;
    const v = on ? Math.round(amp * 32767 * Math.sin(2 * Math.PI * hz * i / rate)) : 0;
    buf.writeInt16LE(v, 44 + i * 2);
  }
  fs.writeFileSync(file, buf);
  return file;
}
