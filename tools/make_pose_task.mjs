#!/usr/bin/env node
// Builds pose_landmarker_lite.task, the model bundle @mediapipe/tasks-vision's PoseLandmarker
// loads, from the BlazePose tflite files inside npm's @mediapipe/pose. Called by tools/setup.sh.
//   node tools/make_pose_task.mjs [--assets web/pose-assets] [--out FILE.task]
//
// Why this exists: the .task files are not published to any registry we can reach; the
// legacy package ships the same two networks (person detector + landmark model), but
// without TFLite metadata. tasks-vision refuses a float32 image input that has no
// NormalizationOptions ("it requires specifying NormalizationOptions metadata"), so we add
// that metadata ourselves. A .task is then just a zip of the two models.
//
// No flatc, no schema files: the few tables involved are written by the small flatbuffer
// builder below. Field ids (checked against the published schemas):
//   tflite Model:  0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers,
//                  5 metadata_buffer, 6 metadata, 7 signature_defs; file identifier "TFL3"
//   tflite Metadata: 0 name, 1 buffer (index into Model.buffers);  Buffer: 0 data
//   metadata schema (identifier "M001"): ModelMetadata 0 name, 1 description, 2 version,
//     3 subgraph_metadata, 4 author, 5 license, 6 associated_files, 7 min_parser_version;
//     SubGraphMetadata 0 name, 1 description, 2 input_tensor_metadata, ...;
//     TensorMetadata 0 name, 1 description, 2 dimension_names, 3 content, 4 process_units;
//     Content 0/1 content_properties (union: type, value; ImageProperties = 2);
//     ImageProperties 0 color_space (RGB = 1); ProcessUnit 0/1 options (union:
//     NormalizationOptions = 1); NormalizationOptions 0 mean, 1 std.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// [SECTION] Flatbuffer builder
// Writes back to front, like the reference builders: an object's children are written
// first and end up at higher addresses, so every uoffset points forward. Positions are
// counted from the END of the buffer until finish(). The builder can start from existing
// bytes: they stay at the end, and objects inside them are addressed as (length - pos).
// That is how a tflite Model gets a new root table without touching its (aligned) weights.
class FlatBuilder {
  constructor(initial = new Uint8Array(0)) {
    this.buf = new Uint8Array(Math.max(1024, initial.length * 2));
    this.space = this.buf.length - initial.length;
    this.buf.set(initial, this.space);
    this.view = new DataView(this.buf.buffer);
    this.minAlign = 1;
    this.vtable = null;
  }
  offset() { return this.buf.length - this.space; }
  grow(needed) {
    while (this.space < needed) {
      const old = this.buf, bigger = new Uint8Array(old.length * 2);
      bigger.set(old, old.length);
      this.space += old.length;
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
  }
  // Pads so that after writing `additional` bytes, a value of `size` bytes is aligned.
  prep(size, additional) {
    if (size > this.minAlign) this.minAlign = size;
    const pad = (-(this.offset() + additional)) & (size - 1);
    this.grow(pad + size + additional);
    for (let i = 0; i < pad; i++) this.buf[--this.space] = 0;
  }
  u8(v) { this.buf[--this.space] = v; }
  u16(v) { this.space -= 2; this.view.setUint16(this.space, v, true); }
  u32(v) { this.space -= 4; this.view.setUint32(this.space, v, true); }
  i32(v) { this.space -= 4; this.view.setInt32(this.space, v, true); }
  f32(v) { this.space -= 4; this.view.setFloat32(this.space, v, true); }
  // A uoffset to an object written earlier (`target` counted from the end).
  ref(target) { this.prep(4, 0); this.u32(this.offset() + 4 - target); }

  bytes(data, align = 4) {
    this.prep(4, data.length);
    this.prep(align, data.length);
    this.space -= data.length;
    this.buf.set(data, this.space);
    this.u32(data.length);
    return this.offset();
  }
  string(s) {
    const data = new TextEncoder().encode(s);
    this.prep(4, data.length + 1);
    this.u8(0);
    this.space -= data.length;
    this.buf.set(data, this.space);
    this.u32(data.length);
    return this.offset();
  }
  floats(values) {
    this.prep(4, 4 * values.length);
    for (let i = values.length - 1; i >= 0; i--) this.f32(values[i]);
    this.u32(values.length);
    return this.offset();
  }
  refs(targets) {
    this.prep(4, 4 * targets.length);
    for (let i = targets.length - 1; i >= 0; i--) this.ref(targets[i]);
    this.u32(targets.length);
    return this.offset();
  }

  startTable(fieldCount) { this.vtable = new Array(fieldCount).fill(0); this.tableStart = this.offset(); }
  fieldU8(slot, v) { this.prep(1, 0); this.u8(v); this.vtable[slot] = this.offset(); }
  fieldU32(slot, v) { this.prep(4, 0); this.u32(v); this.vtable[slot] = this.offset(); }
  fieldRef(slot, target) { if (target) { this.ref(target); this.vtable[slot] = this.offset(); } }
  endTable() {
    this.prep(4, 0);
    this.i32(0);  // soffset to the vtable, patched below
    const table = this.offset();
    let n = this.vtable.length;
    while (n > 0 && this.vtable[n - 1] === 0) n--;
    this.prep(2, 2 * (n + 2));
    for (let i = n - 1; i >= 0; i--) this.u16(this.vtable[i] ? table - this.vtable[i] : 0);
    this.u16(table - this.tableStart);
    this.u16(2 * (n + 2));
    // The vtable sits just below the table: table address - soffset = vtable address.
    this.view.setInt32(this.buf.length - table, this.offset() - table, true);
    this.vtable = null;
    return table;
  }
  finish(root, identifier) {
    this.prep(Math.max(this.minAlign, 16), 4 + identifier.length);
    for (let i = identifier.length - 1; i >= 0; i--) this.u8(identifier.charCodeAt(i));
    this.ref(root);
    return this.buf.slice(this.space);
  }
}

// [SECTION] Flatbuffer reading (just what is needed to find the old Model's fields)
function reader(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = {
    u32: (p) => v.getUint32(p, true),
    deref: (p) => p + v.getUint32(p, true),
    root: () => r.deref(0),
    // Absolute position of a table's reference field's target, or 0 when absent.
    field: (table, slot) => {
      const vt = table - v.getInt32(table, true);
      const vtSize = v.getUint16(vt, true);
      if (4 + 2 * slot >= vtSize) return 0;
      const off = v.getUint16(vt + 4 + 2 * slot, true);
      return off ? table + off : 0;
    },
    ref: (table, slot) => { const f = r.field(table, slot); return f ? r.deref(f) : 0; },
    vectorOfTables: (vec) => Array.from({ length: vec ? r.u32(vec) : 0 }, (_, i) => r.deref(vec + 4 + 4 * i)),
    string: (p) => new TextDecoder().decode(bytes.subarray(p + 4, p + 4 + r.u32(p))),
  };
  return r;
}

// [SECTION] TFLite metadata
// ModelMetadata with one input tensor: an RGB image normalised as (x - mean) / std.
function imageModelMetadata({ name, description, mean, std }) {
  const b = new FlatBuilder();
  const normMean = b.floats([mean]), normStd = b.floats([std]);
  b.startTable(2);
  b.fieldRef(0, normMean); b.fieldRef(1, normStd);
  const normalization = b.endTable();
  b.startTable(2);
  b.fieldU8(0, 1);  // ProcessUnitOptions.NormalizationOptions
  b.fieldRef(1, normalization);
  const processUnit = b.endTable();
  const processUnits = b.refs([processUnit]);
  b.startTable(1);
  b.fieldU8(0, 1);  // ColorSpaceType.RGB
  const imageProperties = b.endTable();
  b.startTable(3);
  b.fieldU8(0, 2);  // ContentProperties.ImageProperties
  b.fieldRef(1, imageProperties);
  const content = b.endTable();
  const tensorName = b.string('image');
  b.startTable(5);
  b.fieldRef(0, tensorName); b.fieldRef(3, content); b.fieldRef(4, processUnits);
  const tensor = b.endTable();
  const inputs = b.refs([tensor]);
  b.startTable(3);
  b.fieldRef(2, inputs);
  const subgraph = b.endTable();
  const subgraphs = b.refs([subgraph]);
  const modelName = b.string(name), modelDescription = b.string(description);
  const license = b.string('Apache-2.0 (MediaPipe BlazePose, from the npm package @mediapipe/pose)');
  const minParser = b.string('1.0.0');
  b.startTable(8);
  b.fieldRef(0, modelName); b.fieldRef(1, modelDescription); b.fieldRef(3, subgraphs);
  b.fieldRef(5, license); b.fieldRef(7, minParser);
  return b.finish(b.endTable(), 'M001');
}

// Returns a copy of the tflite model whose Model.metadata has a "TFLITE_METADATA" entry
// pointing at a new buffer holding `metadata`. The old bytes are kept verbatim after a new
// root table; padding them to 16 bytes keeps every old alignment (weights are 16-aligned).
function withMetadata(model, metadata) {
  const r = reader(model);
  if (String.fromCharCode(...model.subarray(4, 8)) !== 'TFL3') throw new Error('not a tflite model');
  const oldRoot = r.root();
  const padded = new Uint8Array(Math.ceil(model.length / 16) * 16);
  padded.set(model);
  const b = new FlatBuilder(padded);
  const old = (pos) => (pos ? padded.length - pos : 0);  // old absolute position -> builder offset

  const oldBuffers = r.vectorOfTables(r.ref(oldRoot, 4));
  const oldMetadata = r.vectorOfTables(r.ref(oldRoot, 6))
    .filter((t) => r.string(r.ref(t, 0)) !== 'TFLITE_METADATA');

  const data = b.bytes(metadata, 16);
  b.startTable(1);
  b.fieldRef(0, data);
  const buffer = b.endTable();
  const buffers = b.refs([...oldBuffers.map(old), buffer]);
  const name = b.string('TFLITE_METADATA');
  b.startTable(2);
  b.fieldRef(0, name);
  b.fieldU32(1, oldBuffers.length);
  const entry = b.endTable();
  const metadataVec = b.refs([...oldMetadata.map(old), entry]);

  b.startTable(8);
  const versionField = r.field(oldRoot, 0);
  b.fieldU32(0, versionField ? r.u32(versionField) : 3);
  for (const slot of [1, 2, 3, 5, 7]) b.fieldRef(slot, old(r.ref(oldRoot, slot)));
  b.fieldRef(4, buffers);
  b.fieldRef(6, metadataVec);
  const out = b.finish(b.endTable(), 'TFL3');
  checkRewritten(model, out, metadata);
  return out;
}

// Reads the rewritten model back as the runtime will: the old fields still lead to the same
// bytes, and "TFLITE_METADATA" names a buffer holding exactly our metadata.
function checkRewritten(before, after, metadata) {
  const a = reader(before), b = reader(after);
  const ra = a.root(), rb = b.root();
  const shift = after.length - Math.ceil(before.length / 16) * 16;  // old bytes sit at the end
  for (const slot of [1, 2, 3, 5, 7]) {
    const pa = a.ref(ra, slot), pb = b.ref(rb, slot);
    if (pa ? pb !== pa + shift : pb !== 0) throw new Error(`rewritten model: field ${slot} does not lead to the old bytes`);
  }
  const oldBuffers = a.vectorOfTables(a.ref(ra, 4)), newBuffers = b.vectorOfTables(b.ref(rb, 4));
  if (oldBuffers.some((p, i) => newBuffers[i] !== p + shift)) throw new Error('rewritten model: buffers moved');
  const entry = b.vectorOfTables(b.ref(rb, 6)).find((t) => b.string(b.ref(t, 0)) === 'TFLITE_METADATA');
  const index = entry && b.u32(b.field(entry, 1));
  const buffer = b.vectorOfTables(b.ref(rb, 4))[index];
  const data = buffer && b.ref(buffer, 0);
  if (!data || b.u32(data) !== metadata.length || (data + 4) % 16 !== 0 ||
      Buffer.compare(after.subarray(data + 4, data + 4 + metadata.length), metadata) !== 0) {
    throw new Error('rewritten model: TFLITE_METADATA does not hold the metadata (16-byte aligned)');
  }
}

// [SECTION] Zip (stored, no compression)
// Stored entries whose data start on a 64-byte boundary, so the runtime can map each model
// in place with its flatbuffer alignment intact. Fixed timestamps keep the output
// byte-identical from run to run.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data) {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function storedZip(entries) {
  const parts = [], central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const extraLen = (64 - ((offset + 30 + nameBytes.length) % 64)) % 64;
    const local = Buffer.alloc(30 + nameBytes.length + extraLen);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);          // version needed
    local.writeUInt16LE(0, 6);           // flags
    local.writeUInt16LE(0, 8);           // method: stored
    local.writeUInt16LE(0, 10);          // time
    local.writeUInt16LE((1 << 5) | 1, 12);  // date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extraLen, 28);
    nameBytes.copy(local, 30);           // extra field: zeros (padding only)
    const head = Buffer.alloc(46 + nameBytes.length);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(10, 6);
    head.writeUInt16LE((1 << 5) | 1, 14);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(data.length, 20);
    head.writeUInt32LE(data.length, 24);
    head.writeUInt16LE(nameBytes.length, 28);
    head.writeUInt32LE(offset, 42);
    nameBytes.copy(head, 46);
    parts.push(local, Buffer.from(data.buffer, data.byteOffset, data.length));
    central.push(head);
    offset += local.length + data.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}

// [SECTION] Inputs from @mediapipe/pose
// The person detector is packed in pose_solution_packed_assets.data; its byte range is
// listed in the package's loader script.
function detectorFromPackedAssets(poseDir) {
  const loader = fs.readFileSync(path.join(poseDir, 'pose_solution_packed_assets_loader.js'), 'utf8');
  const m = loader.match(/"filename":\s*"[^"]*pose_detection\.tflite",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/);
  if (!m) throw new Error('pose_detection.tflite not listed in pose_solution_packed_assets_loader.js');
  const packed = fs.readFileSync(path.join(poseDir, 'pose_solution_packed_assets.data'));
  return new Uint8Array(packed.subarray(Number(m[1]), Number(m[2])));
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
  const assets = path.resolve(opt('--assets', path.join(ROOT, 'web/pose-assets')));
  const out = path.resolve(opt('--out', path.join(assets, 'generated/pose_landmarker_lite.task')));
  const poseDir = path.join(assets, 'node_modules/@mediapipe/pose');

  const detector = withMetadata(detectorFromPackedAssets(poseDir), imageModelMetadata({
    name: 'pose_detector', description: 'BlazePose person detector, 224x224 RGB in [-1, 1]',
    mean: 127.5, std: 127.5 }));
  const landmarks = withMetadata(new Uint8Array(fs.readFileSync(path.join(poseDir, 'pose_landmark_lite.tflite'))),
    imageModelMetadata({ name: 'pose_landmarks_detector', description: 'BlazePose lite, 256x256 RGB in [0, 1]',
      mean: 0, std: 255 }));
  const zip = storedZip([
    { name: 'pose_detector.tflite', data: detector },
    { name: 'pose_landmarks_detector.tflite', data: landmarks },
  ]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + '.tmp', zip);
  fs.renameSync(out + '.tmp', out);
  console.log(`[make_pose_task] wrote ${path.relative(process.cwd(), out)} (${zip.length} bytes)`);
}

main();
