import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, memory, setBackend, tensor, zeros, ValueError, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import reference from './fixtures/reference.json';

const here = dirname(fileURLToPath(import.meta.url));
let dir = '';

beforeAll(async () => {
  await setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tessera-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

/** A safetensors file from a header object and a data area, bypassing the writer. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, lengthOverride ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors: reading the reference writer', () => {
  it('loads every dtype the reference package wrote, with its shape and values', async () => {
    const path = join(here, 'fixtures', 'reference.safetensors');
    const loaded = await io.loadSafetensors(path);
    const ref = reference as Record<string, { shape: number[]; values: (number | boolean | string)[] }>;
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(ref).sort());
    const dtypes: Record<string, string> = { f32: 'float32', f16: 'float32', bf16: 'float32', i64: 'int32', i32: 'int32', b: 'bool', u8: 'int32', scalar: 'float32', empty: 'float32' };
    for (const [name, want] of Object.entries(ref)) {
      const t = loaded[name];
      expect(t.shape, name).toEqual(want.shape);
      expect(t.dtype, name).toBe(dtypes[name]);
      expect(values(t), name).toEqual(want.values.map((v) => (typeof v === 'string' ? Number(v) : Number(v))));
    }
    const header = await io.readSafetensorsHeader(path);
    expect(header.metadata).toEqual({ origin: 'safetensors-0.8', note: 'golden' });
    expect(header.tensors.i64).toEqual({ dtype: 'I64', shape: [5], dataOffsets: [0, 40] });
    const bytes = new Uint8Array(readFileSync(path));
    const inMemory = io.parseSafetensors(bytes, { names: ['f16', 'i64'] });
    expect(Object.keys(inMemory)).toEqual(['f16', 'i64']);
    expect(values(inMemory.f16)).toEqual(values(loaded.f16));
  });
});

describe('safetensors: writing', () => {
  it('round-trips float32, int32, bool, 0-d and empty tensors with metadata, file and memory alike', async () => {
    const record = {
      'layer.0.weight': tensor([[1.5, -2], [3.25, 1e-20]]),
      ids: tensor(new Int32Array([-5, 0, 2147483647])),
      mask: tensor([true, false, true, true]),
      scale: tensor(0.75),
      none: zeros([2, 0]),
    };
    const path = join(dir, 'round.safetensors');
    await io.saveSafetensors(path, record, { epoch: '3' });
    const fromFile = await io.loadSafetensors(path);
    const fromBytes = io.parseSafetensors(await io.serializeSafetensors(record, { epoch: '3' }));
    expect(new Uint8Array(await readFile(path))).toEqual(await io.serializeSafetensors(record, { epoch: '3' }));
    for (const loaded of [fromFile, fromBytes]) {
      for (const [name, t] of Object.entries(record)) {
        expect(loaded[name].shape, name).toEqual(t.shape);
        expect(loaded[name].dtype, name).toBe(t.dtype);
        expect(values(loaded[name]), name).toEqual(values(t));
      }
    }
    const header = await io.readSafetensorsHeader(path);
    expect(header.metadata).toEqual({ epoch: '3' });
    expect(header.dataStart % 8).toBe(0);
  });

  it('writes F16 and BF16 on request, rounding to nearest even', async () => {
    const x = tensor([1, -2, 0.1, 65519, 65520, 1e-8, 3.0e-8, 1 + 2 ** -11, 1 + 3 * 2 ** -11]);
    const half = io.parseSafetensors(await io.serializeSafetensors({ x }, undefined, { float: 'F16' })).x;
    expect(values(half)).toEqual([1, -2, 0.0999755859375, 65504, Infinity, 0, 2 ** -24, 1, 1 + 2 * 2 ** -10]);
    const bf = io.parseSafetensors(await io.serializeSafetensors({ x }, undefined, { float: 'BF16' })).x;
    expect(values(bf).slice(0, 3)).toEqual([1, -2, 0.10009765625]);
    expect(io.parseSafetensorsHeader(await io.serializeSafetensors({ x }, undefined, { float: 'BF16' })).tensors.x.dtype).toBe('BF16');
  });

  it('replaces a file atomically and leaves it intact when a write fails midway', async () => {
    const path = join(dir, 'atomic.safetensors');
    await io.saveSafetensors(path, { a: tensor([1, 2, 3]) });
    const before = await readFile(path);
    const bad = tensor([4, 5, 6]);
    bad.data = () => Promise.reject(new Error('device lost'));
    await expect(io.saveSafetensors(path, { ok: tensor([1]), bad })).rejects.toThrow('device lost');
    expect(await readFile(path)).toEqual(before);
    await io.saveSafetensors(path, { b: tensor([7]) });
    expect(Object.keys(await io.loadSafetensors(path))).toEqual(['b']);
    expect((await readdir(dir)).filter((f) => f.includes('atomic'))).toEqual(['atomic.safetensors']);
  });

  it('rejects disposed tensors and reserved names before writing anything', async () => {
    const t = tensor([1]);
    t.dispose();
    await expect(io.saveSafetensors(join(dir, 'x.safetensors'), { t })).rejects.toThrow(/'t' \[1\] was disposed/);
    await expect(io.serializeSafetensors({ __metadata__: tensor([1]) })).rejects.toThrow(/invalid tensor name/);
    expect((await readdir(dir)).some((f) => f.startsWith('x.safetensors') || f.startsWith('.x.'))).toBe(false);
  });
});

describe('safetensors: corrupted files give a ValueError naming the file and the problem', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /too short for the 8-byte header length/],
    ['a truncated length prefix', () => new Uint8Array(5), /too short/],
    ['a header length beyond the file', () => craft(good, new Uint8Array(8), 4000), /runs past the end/],
    ['an enormous header length (no allocation)', () => { const b = craft(good, new Uint8Array(8)); new DataView(b.buffer).setUint32(4, 0x100, true); return b; }, /exceeds the 104857600-byte limit/],
    ['a zero header length', () => craft(good, new Uint8Array(8), 0), /header length is 0/],
    ['bad JSON', () => craft('{"a": {"dtype": "F32",', new Uint8Array(8)), /not valid JSON/],
    ['a JSON array header', () => craft('[1, 2]'), /must be an object/],
    ['invalid UTF-8', () => craft('{"\u00e9": 1}').map((v, i) => (i === 10 ? 0xff : v)), /not valid UTF-8/],
    ['a truncated data area', () => craft(good, new Uint8Array(4)), /run past the 4-byte data area/],
    ['offsets out of range', () => craft({ a: { dtype: 'F32', shape: [2], data_offsets: [100, 108] } }, new Uint8Array(8)), /run past/],
    ['a shape/dtype size mismatch', () => craft({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(12)), /needs 12 bytes but data_offsets \[0, 8\] span 8/],
    ['overlapping tensors', () => craft({ a: good.a, b: { dtype: 'I32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /'a' \[0,8\] and 'b' \[4,12\] overlap/],
    ['an unknown dtype', () => craft({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)), /unknown dtype "F128"/],
    ['a negative dimension', () => craft({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, new Uint8Array(8)), /invalid shape \[-2\]/],
    ['reversed offsets', () => craft({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8)), /invalid data_offsets/],
    ['non-string metadata', () => craft({ __metadata__: { n: 1 }, ...good }, new Uint8Array(8)), /__metadata__ value 'n' must be a string/],
    ['a shape with absurdly many elements', () => craft({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, new Uint8Array(8)), /too many elements/],
  ];
  for (const [what, make, message] of cases) {
    it(`${what}`, async () => {
      const bytes = make();
      const path = join(dir, `corrupt-${what.replace(/\W+/g, '-')}.safetensors`);
      await writeFile(path, bytes);
      const before = memory().tensors;
      const err = await io.loadSafetensors(path).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValueError);
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toMatch(message);
      expect(() => io.parseSafetensors(bytes)).toThrow(message);
      expect(memory().tensors).toBe(before);
    });
  }

  it('an I64 value outside int32 is an error naming the tensor and element, not a silent wrap', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(8, 2n ** 33n, true);
    expect(() => io.parseSafetensors(craft({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data)))
      .toThrow(/'ids' \(I64\) holds 8589934592 at element 1, outside the int32 range/);
  });

  it('a missing file or a missing tensor name is a clear error', async () => {
    await expect(io.loadSafetensors(join(dir, 'nope.safetensors'))).rejects.toThrow(/cannot open/);
    const path = join(dir, 'names.safetensors');
    await io.saveSafetensors(path, { a: tensor([1]) });
    await expect(io.loadSafetensors(path, { names: ['b'] })).rejects.toThrow(/no tensor named 'b'/);
  });
});

describe('browser safety', () => {
  it('no module in core imports node:* at the top level (only dynamic import() inside functions)', () => {
    const src = join(here, '..', 'src');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          for (const line of readFileSync(p, 'utf8').split('\n')) {
            if (/^\s*(import|export)\s(?!type\b).*from\s+['"](node:|fs['"]|path['"])/.test(line)) offenders.push(`${p}: ${line.trim()}`);
          }
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
