#!/usr/bin/env node
// Size breakdown of a wasm module linked with --profiling-funcs (function names kept):
// bytes per section, and the code section's bytes per component and per function.
//   node tools/wasm_size.mjs FILE.wasm [--lib=ARCHIVE.a ...] [--top=25] [--json=OUT.json]
// Functions are given to a component by their (demangled) name first (nlohmann::json
// templates, libc++ templates instantiated in our code), then by the archive and object
// file that defines the symbol (llvm-nm over --lib archives and Emscripten's system
// libraries). Data segments are counted as one figure (their owners are not in the file).
// tools/client_size.sh runs this on the client with the right archives.
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: wasm_size.mjs FILE.wasm [--lib=X.a ...] [--top=N] [--json=OUT]');
  process.exit(2);
}
const libs = args.filter((a) => a.startsWith('--lib=')).map((a) => a.slice(6));
const top = Number((args.find((a) => a.startsWith('--top=')) || '--top=25').slice(6));
const jsonOut = (args.find((a) => a.startsWith('--json=')) || '').slice(7);
const NM = process.env.LLVM_NM || 'llvm-nm-14';
const CXXFILT = process.env.LLVM_CXXFILT || 'llvm-cxxfilt-14';
const SYSROOT = process.env.EM_SYSROOT_LIB || '/usr/share/emscripten/cache/sysroot/lib/wasm32-emscripten';

// ---- wasm parsing -------------------------------------------------------------------------
const buf = readFileSync(file);
let pos = 8;
function leb(b, p) {  // returns [value, next position]
  let v = 0, shift = 0, byte;
  do { byte = b[p++]; v += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [v, p];
}
const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let importedFuncs = 0;
let bodies = [];  // [size] per defined function
const names = new Map();  // function index -> name
let dataBytes = 0, dataSegments = 0;
while (pos < buf.length) {
  const id = buf[pos];
  let [size, p] = leb(buf, pos + 1);
  const start = p, end = p + size;
  let label = SECTION[id] || `id${id}`;
  if (id === 0) {
    const [nlen, q] = leb(buf, p);
    label = `custom:${buf.toString('utf8', q, q + nlen)}`;
    if (label === 'custom:name') {
      let r = q + nlen;
      while (r < end) {
        const sub = buf[r];
        const [slen, r2] = leb(buf, r + 1);
        if (sub === 1) {
          let [count, t] = leb(buf, r2);
          for (let i = 0; i < count; i++) {
            let idx, len;
            [idx, t] = leb(buf, t);
            [len, t] = leb(buf, t);
            names.set(idx, buf.toString('utf8', t, t + len));
            t += len;
          }
        }
        r = r2 + slen;
      }
    }
  } else if (id === 2) {  // imports: count the function imports (they take indices first)
    let [count, t] = leb(buf, start);
    for (let i = 0; i < count; i++) {
      let len;
      [len, t] = leb(buf, t); t += len;  // module
      [len, t] = leb(buf, t); t += len;  // field
      const kind = buf[t++];
      if (kind === 0) { importedFuncs++; [, t] = leb(buf, t); }
      else if (kind === 1) { t++; const [flags, t2] = leb(buf, t); t = t2; [, t] = leb(buf, t); if (flags & 1) [, t] = leb(buf, t); }
      else if (kind === 2) { const [flags, t2] = leb(buf, t); t = t2; [, t] = leb(buf, t); if (flags & 1) [, t] = leb(buf, t); }
      else if (kind === 3) { t += 2; }
    }
  } else if (id === 10) {
    let [count, t] = leb(buf, start);
    for (let i = 0; i < count; i++) {
      const [bsize, t2] = leb(buf, t);
      bodies.push(bsize + (t2 - t));  // body plus its size prefix
      t = t2 + bsize;
    }
  } else if (id === 11) {
    let [count, t] = leb(buf, start);
    dataSegments = count;
    for (let i = 0; i < count; i++) {
      const [flags, t1] = leb(buf, t); t = t1;
      if (flags === 2) [, t] = leb(buf, t);
      if (flags !== 1) { while (buf[t] !== 0x0b) t++; t++; }  // init expression
      const [len, t3] = leb(buf, t);
      dataBytes += len;
      t = t3 + len;
    }
  }
  sections.push({ label, bytes: end - pos });
  pos = end;
}

// ---- symbol -> archive(object) ------------------------------------------------------------
const owner = new Map();
function scan(archive) {
  let out;
  try {
    out = execFileSync(NM, ['-A', '-C', '--defined-only', archive], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch (e) { out = e.stdout ? e.stdout.toString() : ''; }
  for (const line of out.split('\n')) {
    // "lib.a:obj.o: 000001 T name"
    const m = line.match(/^(.*?):([^:]*?): *[0-9a-f]* ([A-Za-z]) (.*)$/);
    if (!m || !'TtWw'.includes(m[3])) continue;
    if (!owner.has(m[4])) owner.set(m[4], { lib: basename(m[1]), obj: m[2] });
  }
}
libs.forEach(scan);
if (existsSync(SYSROOT)) {
  // The plain variants first (a symbol is credited to the first archive defining it).
  const all = readdirSync(SYSROOT).filter((f) => f.endsWith('.a'));
  const plain = (f) => !/-(asan|debug|mt|ww|tracing|legacy|verify|noerrno|except|noexcept|lsan|ubsan|ccall|optz)/.test(f) || /^libc\+\+(abi)?-noexcept\.a$/.test(f);
  for (const f of [...all.filter(plain), ...all.filter((f) => !plain(f))]) scan(`${SYSROOT}/${f}`);
}

// ---- names -> readable, component ---------------------------------------------------------
const raw = bodies.map((_, i) => names.get(i + importedFuncs) || `func${i + importedFuncs}`);
let demangled = raw;
try {
  demangled = execFileSync(CXXFILT, [], { input: raw.join('\n'), maxBuffer: 1 << 28 }).toString().split('\n');
} catch { /* keep mangled names */ }

const OPUS_DEC = /^(celt_decoder|opus_decoder|dec_API|decode_|decoder_set_fs|init_decoder|PLC|CNG|NLSF_decode|stereo_decode_pred|stereo_MS_to_LR|entdec|opus_multistream_decoder|opus_projection_decoder)/;
const OPUS_ENC = /^(celt_encoder|opus_encoder|enc_API|encode_|init_encoder|control_|VAD|NSQ|NLSF_(encode|VQ|del_dec)|stereo_(encode_pred|find_predictor|quant_pred|LR_to_MS)|entenc|analysis|mlp|process_|quant_LTP|VQ_WMat|HP_variable|LP_variable|gain_quant|.*_FLP|opus_multistream_encoder|opus_projection_encoder|LPC_fit|interpolate|A2NLSF|ana_filt_bank|check_control|biquad_alt|sigm_Q15|pitch_est_tables|sort\.c|sum_sqr_shift|inner_prod_aligned|LTP_|scale_copy)/;
function component(rawName, name) {
  const o = owner.get(rawName);
  if (/nlohmann::/.test(name)) return 'nlohmann/json (templates in our code)';
  if (o && o.lib === 'libopus.a') {
    const kind = OPUS_DEC.test(o.obj) ? 'decoder' : OPUS_ENC.test(o.obj) ? 'encoder' : 'shared';
    const mode = /^(celt|bands|quant_bands|vq|cwrs|rate|laplace|kiss_fft|mdct|modes|pitch\.c|celt_lpc|mathops)/.test(o.obj) ? 'CELT'
      : /^(opus|analysis|mlp|repacketizer|mapping_matrix)/.test(o.obj) ? 'Opus layer' : /^ent/.test(o.obj) ? 'range coder' : 'SILK';
    return `libopus ${kind} (${mode})`;
  }
  if (o && o.lib === 'libimgui.a') return o.obj.startsWith('imgui_impl') ? 'ImGui backend (OpenGL3)' : `ImGui (${o.obj.replace(/\.cpp\.o$/, '')})`;
  if (o && (/^libposemeet_/.test(o.lib) || o.lib === 'main.cpp.o')) {
    if (/^std::|^void std::|^(.* )?std::__2::/.test(name)) return 'libc++ templates (in our code)';
    return `our code (${o.lib.replace(/^libposemeet_|\.a$|\.cpp\.o$/g, '')})`;
  }
  if (o && /^libc\+\+abi/.test(o.lib)) return 'libc++abi';
  if (o && /^libc\+\+/.test(o.lib)) return 'libc++ (compiled library)';
  if (o && /^lib(c|dlmalloc|emmalloc|compiler_rt|stubs|noexit|html5|GL|sockets|al)/.test(o.lib)) return `libc/runtime (${o.lib.replace(/\.a$/, '')})`;
  if (/std::__2::/.test(name)) return 'libc++ templates (in our code)';
  // Names llvm-nm could not place (LTO bitcode archives): by their look.
  if (/^(ImGui|Im[A-Z]|stbtt|stb_|stbrp|STB)|(^| )(ImGui|Im[A-Z]\w*)::/.test(name)) return 'ImGui (+ stb_truetype)';
  if (/^(main|__original_main|pm_)/.test(name)) return 'our code';
  if (/posemeet::/.test(name)) return 'our code';
  return 'other/unknown';
}

const byComp = new Map();
const funcs = [];
bodies.forEach((size, i) => {
  const c = component(raw[i], demangled[i] || raw[i]);
  const e = byComp.get(c) || { bytes: 0, funcs: 0 };
  e.bytes += size; e.funcs++;
  byComp.set(c, e);
  funcs.push({ name: demangled[i] || raw[i], component: c, bytes: size });
});

const total = buf.length;
const pct = (n) => `${(100 * n / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${total} bytes, ${bodies.length} functions (+${importedFuncs} imported), ${dataSegments} data segments`);
console.log('\nsection                         bytes  of file');
for (const s of sections) console.log(`${s.label.padEnd(28)} ${String(s.bytes).padStart(8)}  ${pct(s.bytes)}`);
console.log(`(data segments hold ${dataBytes} bytes: opus tables, ImGui's font, strings, ...)`);
console.log('\ncode by component                          bytes  funcs  of file');
const comps = [...byComp.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
for (const [c, e] of comps) console.log(`${c.padEnd(40)} ${String(e.bytes).padStart(8)} ${String(e.funcs).padStart(6)}  ${pct(e.bytes)}`);
console.log(`\nlargest ${top} functions`);
funcs.sort((a, b) => b.bytes - a.bytes);
for (const f of funcs.slice(0, top)) console.log(`${String(f.bytes).padStart(8)}  ${f.component.padEnd(34)} ${f.name.slice(0, 110)}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ file, total, sections, dataBytes, components: Object.fromEntries(comps), functions: funcs }, null, 1));
