/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: string}}`, then the
 * raw little-endian tensor bytes, offsets relative to the end of the header.
 *
 * Everything here is browser-safe (bytes in, bytes out); file access lives in ./files.ts.
 * Headers are validated before any tensor memory is allocated, so a corrupt file gives a
 * ValueError naming the file and the problem, never a crash or a huge allocation.
 */
import type { Backend, DType, TypedArray } from '../backend.js';
import { formatShape, ValueError } from '../errors.js';
import { fromArray } from '../ops/creation.js';
import { Tensor } from '../tensor.js';
import { decodeBF16, decodeF16, encodeBF16, encodeF16 } from './half.js';

/** Every dtype the format defines, with its element size in bytes. */
const ITEM_SIZE = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
} as const;

export type SafetensorsDType = keyof typeof ITEM_SIZE;

/** Headers larger than this are rejected as corrupt (real ones are kilobytes to a few megabytes). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range [begin, end) relative to the start of the data area. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Tensor entries in the order the header lists them. */
  tensors: Record<string, SafetensorsEntry>;
  /** The `__metadata__` strings ({} when absent). */
  metadata: Record<string, string>;
  /** File offset of the data area: 8 + the header length. */
  dataStart: number;
  /** Bytes in the data area. */
  dataSize: number;
}

/** How to write float32 tensors. */
export type FloatFormat = 'F32' | 'F16' | 'BF16';

export interface SerializeOptions {
  /** Stored float format (default F32). F16/BF16 round to nearest even. */
  float?: FloatFormat;
}

export interface LoadOptions {
  /** Backend to create the tensors on (default: the active one). */
  backend?: Backend;
  /** Load only these tensors (all when omitted); a missing name is an error. */
  names?: readonly string[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fail(source: string, what: string): never {
  throw new ValueError(`safetensors ${source}: ${what}`);
}

/**
 * A value read from a file, for an error message: JSON, cut short. Forged headers can hold
 * huge strings or arrays nested too deep for JSON.stringify (which then throws RangeError).
 */
export function brief(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? '[...] (nested too deeply to print)' : '{...} (nested too deeply to print)';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A tensor name read from a file, quoted for an error message and cut short. */
export const named = (name: string): string => `'${name.length > 80 ? `${name.slice(0, 77)}...` : name}'`;

/**
 * `record[key] = value` as an own property even for keys like `__proto__`, which plain
 * assignment would turn into a prototype change (dropping the entry) rather than an entry.
 */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Read the 8-byte header length and check it against the file size and the cap. Returns N.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < 8 || prefix.length < 8) fail(source, `file is ${fileSize} bytes, too short for the 8-byte header length (truncated?).`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n === 0) fail(source, 'header length is 0; expected a JSON header.');
  if (n > MAX_HEADER_BYTES) fail(source, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt or not a safetensors file).`);
  if (n > fileSize - 8) fail(source, `header length ${n} runs past the end of the ${fileSize}-byte file (truncated or corrupt).`);
  return n;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Parse and validate the JSON header (`json` holds exactly its N bytes). Checks every entry's
 * dtype, shape and offsets, that each byte range matches shape x dtype, lies inside the data
 * area, and that no two ranges overlap.
 */
export function parseHeader(json: Uint8Array, fileSize: number, source: string): SafetensorsHeader {
  const dataStart = 8 + json.length;
  const dataSize = fileSize - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    fail(source, 'header is not valid UTF-8 (corrupt or not a safetensors file).');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid JSON (${(e as Error).message}).`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(source, 'header JSON must be an object of tensor entries.');
  const tensors: Record<string, SafetensorsEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!value || typeof value !== 'object' || Array.isArray(value)) fail(source, '__metadata__ must be an object of strings.');
      for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') fail(source, `__metadata__ value ${named(k)} must be a string, got ${typeof v}.`);
      metadata = value as Record<string, string>;
      continue;
    }
    if (!name) fail(source, 'a tensor has an empty name.');
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail(source, `entry ${named(name)} must be an object with dtype, shape and data_offsets.`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) {
      fail(source, `tensor ${named(name)} has unknown dtype ${brief(dtype)}; expected one of ${Object.keys(ITEM_SIZE).join(', ')}.`);
    }
    if (!Array.isArray(shape) || !shape.every(isIndex)) fail(source, `tensor ${named(name)} has invalid shape ${brief(shape)}; expected an array of non-negative integers.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
      fail(source, `tensor ${named(name)} has invalid data_offsets ${brief(offsets)}; expected [begin, end] with 0 <= begin <= end.`);
    }
    let numel = 1;
    for (const d of shape) {
      numel *= d;
      if (numel > Number.MAX_SAFE_INTEGER) fail(source, `tensor ${named(name)} shape ${brief(shape)} has too many elements.`);
    }
    const [begin, end] = offsets as [number, number];
    const bytes = numel * ITEM_SIZE[dtype as SafetensorsDType];
    if (end - begin !== bytes) {
      fail(source, `tensor ${named(name)} ${dtype} ${brief(shape)} needs ${bytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}.`);
    }
    if (end > dataSize) {
      fail(source, `tensor ${named(name)} data_offsets [${begin}, ${end}] run past the ${dataSize}-byte data area (file truncated or offsets out of range).`);
    }
    setEntry(tensors, name, { dtype: dtype as SafetensorsDType, shape: shape as number[], dataOffsets: [begin, end] });
  }
  const ranges = Object.entries(tensors)
    .filter(([, e]) => e.dataOffsets[1] > e.dataOffsets[0])
    .sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0]);
  for (let i = 1; i < ranges.length; i++) {
    const [prevName, prev] = ranges[i - 1];
    const [name, cur] = ranges[i];
    if (cur.dataOffsets[0] < prev.dataOffsets[1]) {
      fail(source, `tensors ${named(prevName)} [${prev.dataOffsets}] and ${named(name)} [${cur.dataOffsets}] overlap.`);
    }
  }
  return { tensors, metadata, dataStart, dataSize };
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Turn one tensor's raw bytes (owned by the caller, at byte offset 0 of their buffer, which
 * this may reuse) into Tessera data: floats become float32, integers int32 (range-checked), BOOL bool.
 */
export function decodeTensor(name: string, entry: SafetensorsEntry, bytes: Uint8Array, source: string): { data: TypedArray; dtype: DType } {
  const size = ITEM_SIZE[entry.dtype];
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice(); // typed-array views need aligned offsets
  if (!LITTLE_ENDIAN && size > 1) swapBytes(bytes, size);
  const n = bytes.length / size;
  const buf = bytes.buffer as ArrayBuffer;
  const at = bytes.byteOffset;
  const ints = (values: ArrayLike<number>, lo: number, hi: number): Int32Array => {
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo || v > hi) fail(source, `tensor ${named(name)} (${entry.dtype}) holds ${v} at element ${i}, outside the int32 range it is loaded as.`);
      out[i] = v;
    }
    return out;
  };
  switch (entry.dtype) {
    case 'F32': return { data: new Float32Array(buf, at, n), dtype: 'float32' };
    case 'F64': return { data: new Float32Array(new Float64Array(buf, at, n)), dtype: 'float32' };
    case 'F16': return { data: decodeF16(new Uint16Array(buf, at, n)), dtype: 'float32' };
    case 'BF16': return { data: decodeBF16(new Uint16Array(buf, at, n)), dtype: 'float32' };
    case 'I32': return { data: new Int32Array(buf, at, n), dtype: 'int32' };
    case 'U32': return { data: ints(new Uint32Array(buf, at, n), 0, 2 ** 31 - 1), dtype: 'int32' };
    case 'I16': return { data: new Int32Array(new Int16Array(buf, at, n)), dtype: 'int32' };
    case 'U16': return { data: new Int32Array(new Uint16Array(buf, at, n)), dtype: 'int32' };
    case 'I8': return { data: new Int32Array(new Int8Array(buf, at, n)), dtype: 'int32' };
    case 'U8': return { data: new Int32Array(new Uint8Array(buf, at, n)), dtype: 'int32' };
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[i] !== 0 ? 1 : 0;
      return { data: out, dtype: 'bool' };
    }
    case 'I64':
    case 'U64': {
      // Each element is (lo, hi) 32-bit words; it fits int32 when hi is lo's sign extension.
      const words = new Int32Array(buf, at, n * 2);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = words[2 * i], hi = words[2 * i + 1];
        if (hi !== lo >> 31 || (entry.dtype === 'U64' && lo < 0)) {
          const big = entry.dtype === 'U64' ? new BigUint64Array(buf, at + 8 * i, 1)[0] : new BigInt64Array(buf, at + 8 * i, 1)[0];
          fail(source, `tensor ${named(name)} (${entry.dtype}) holds ${big} at element ${i}, outside the int32 range it is loaded as.`);
        }
        out[i] = lo;
      }
      return { data: out, dtype: 'int32' };
    }
    default:
      fail(source, `tensor ${named(name)} has dtype ${entry.dtype}, which Tessera cannot load (supported: F64, F32, F16, BF16, I64, U64, I32, U32, I16, U16, I8, U8, BOOL).`);
  }
}

/** Names to load, checked against the header. */
export function selectNames(header: SafetensorsHeader, names: readonly string[] | undefined, source: string): string[] {
  if (!names) return Object.keys(header.tensors);
  for (const n of names) if (!Object.hasOwn(header.tensors, n)) fail(source, `no tensor named '${n}'; the file has ${Object.keys(header.tensors).length} tensors.`);
  return [...names];
}

/** Upload decoded bytes as a tensor. */
export function toTensor(name: string, entry: SafetensorsEntry, bytes: Uint8Array, source: string, backend?: Backend): Tensor {
  const { data, dtype } = decodeTensor(name, entry, bytes, source);
  return fromArray(data, entry.shape, { dtype, backend });
}

/** Parse and validate the header of an in-memory safetensors file. */
export function parseSafetensorsHeader(bytes: Uint8Array, source = '<bytes>'): SafetensorsHeader {
  const n = readHeaderLength(bytes, bytes.length, source);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.length, source);
}

/**
 * Load every tensor (or `options.names`) of an in-memory safetensors file — for browsers,
 * `fetch(...).arrayBuffer()`. Each tensor's bytes are copied once, into its own tensor.
 */
export function parseSafetensors(bytes: Uint8Array, options: LoadOptions & { source?: string } = {}): Record<string, Tensor> {
  const source = options.source ?? '<bytes>';
  const header = parseSafetensorsHeader(bytes, source);
  const out: Record<string, Tensor> = {};
  try {
    for (const name of selectNames(header, options.names, source)) {
      const entry = header.tensors[name];
      const [begin, end] = entry.dataOffsets;
      const own = bytes.slice(header.dataStart + begin, header.dataStart + end);
      setEntry(out, name, toTensor(name, entry, own, source, options.backend));
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  return out;
}

/** The stored dtype and bytes of one tensor's data. */
export function encodeTensor(name: string, t: Tensor, data: TypedArray, float: FloatFormat): { dtype: SafetensorsDType; bytes: Uint8Array } {
  const asBytes = (a: ArrayBufferView): Uint8Array => {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (!LITTLE_ENDIAN && 'BYTES_PER_ELEMENT' in a && (a as Uint16Array).BYTES_PER_ELEMENT > 1) {
      const copy = b.slice();
      swapBytes(copy, (a as Uint16Array).BYTES_PER_ELEMENT);
      return copy;
    }
    return b;
  };
  switch (t.dtype) {
    case 'float32': {
      const f32 = data instanceof Float32Array ? data : new Float32Array(data);
      if (float === 'F16') return { dtype: 'F16', bytes: asBytes(encodeF16(f32)) };
      if (float === 'BF16') return { dtype: 'BF16', bytes: asBytes(encodeBF16(f32)) };
      return { dtype: 'F32', bytes: asBytes(f32) };
    }
    case 'int32':
      return { dtype: 'I32', bytes: asBytes(data instanceof Int32Array ? data : new Int32Array(data)) };
    case 'bool':
      return { dtype: 'BOOL', bytes: data instanceof Uint8Array ? data : new Uint8Array(data) };
    default:
      throw new ValueError(`safetensors: tensor '${name}' has dtype ${String(t.dtype)}, which cannot be written.`);
  }
}

/** Check the record to write: tensor values, valid names, not disposed. */
export function checkRecord(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, source: string): [string, Tensor][] {
  if (!tensors || typeof tensors !== 'object') fail(source, 'expected a record of name -> Tensor.');
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!name || name === '__metadata__') fail(source, `invalid tensor name '${name}'.`);
    if (!(t instanceof Tensor)) fail(source, `value '${name}' is not a Tensor.`);
    if (t.isDisposed) fail(source, `tensor '${name}' ${formatShape(t.shape)} was disposed.`);
  }
  for (const [k, v] of Object.entries(metadata ?? {})) if (typeof v !== 'string') fail(source, `metadata value '${k}' must be a string, got ${typeof v}.`);
  return entries;
}

/**
 * The header bytes (length prefix + JSON padded with spaces to a multiple of 8, as the
 * reference writer does) for tensors of the given stored dtypes and byte sizes.
 */
export function buildHeader(items: { name: string; dtype: SafetensorsDType; shape: readonly number[]; byteLength: number }[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const it of items) {
    header[it.name] = { dtype: it.dtype, shape: [...it.shape], data_offsets: [offset, offset + it.byteLength] };
    offset += it.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(json.length / 2 ** 32), true);
  out.set(json, 8);
  return out;
}

/**
 * Serialise tensors (and string metadata) to safetensors bytes in memory. Async because reading
 * tensor data is (WebGPU); float32 is stored as F32 unless `options.float` says otherwise.
 */
export async function serializeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: SerializeOptions = {},
): Promise<Uint8Array> {
  const entries = checkRecord(tensors, metadata, '<bytes>');
  const encoded = [];
  for (const [name, t] of entries) encoded.push({ name, shape: t.shape, ...encodeTensor(name, t, await t.data(), options.float ?? 'F32') });
  const head = buildHeader(encoded.map((e) => ({ ...e, byteLength: e.bytes.length })), metadata);
  const out = new Uint8Array(head.length + encoded.reduce((s, e) => s + e.bytes.length, 0));
  out.set(head);
  let at = head.length;
  for (const e of encoded) {
    out.set(e.bytes, at);
    at += e.bytes.length;
  }
  return out;
}
