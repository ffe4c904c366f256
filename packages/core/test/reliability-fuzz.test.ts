/**
 * Fuzzing the safetensors reader and the checkpoint loader: valid files made here are mutated
 * with a seeded generator (bit flips, byte overwrites, truncation, forged header lengths, JSON
 * edits of the header and of the checkpoint metadata, deep nesting, invalid UTF-8). Every
 * mutant must either load with self-consistent tensors or throw a TesseraError with a short,
 * clear message: never another exception type, a hang, a leaked tensor, or an allocation sized
 * by a forged field. TESSERA_FUZZ_ITERATIONS (default 1000) scales the run; a failure prints
 * the seed and the mutation, so it replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@tessera/backend-cpu';
import { dispose, io, manualSeed, memory, mseLoss, nn, optim, randn, type Tensor, TesseraError, tensor, tidy, use } from '@tessera/core';

const ITERATIONS = Number(process.env.TESSERA_FUZZ_ITERATIONS ?? 1000);
const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261204);
const MB = 1024 * 1024;

use(createCpuBackend());
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** mulberry32: small, seeded, good enough to pick mutations. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Gen = ReturnType<typeof generator>;

// ---- Valid inputs ----

async function safetensorsSamples(): Promise<Uint8Array[]> {
  manualSeed(3);
  const record = {
    'layer.0.weight': randn([3, 4]),
    'layer.0.bias': tensor([0.5, -1, 2]),
    ids: tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }),
    mask: tensor([true, false, true]),
    scalar: tensor(3.25),
    empty: randn([0, 2]),
  };
  const half = { h: randn([2, 3]), i: tensor([7, -8], { dtype: 'int32' }) };
  const brain = { b: randn([5]) };
  const samples = [
    await io.serializeSafetensors(record, { origin: 'fuzz', note: 'valid' }),
    await io.serializeSafetensors(half, undefined, { float: 'F16' }),
    await io.serializeSafetensors(brain, undefined, { float: 'BF16' }),
  ];
  dispose(record, half, brain);
  return samples;
}

class Tiny extends nn.Module {
  fc1 = new nn.Linear(3, 4);
  fc2 = new nn.Linear(4, 1);
  override forward(x: Tensor): Tensor {
    return this.fc2.call(this.fc1.call(x).relu());
  }
}

function freshRun() {
  manualSeed(5);
  const model = new Tiny();
  const optimizer = new optim.AdamW(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 3 });
  return { model, optimizer, scheduler };
}

async function checkpointSample(): Promise<Uint8Array> {
  const run = tidy(freshRun);
  const x = randn([8, 3]);
  const y = randn([8, 1]);
  tidy(() => mseLoss(run.model.call(x), y).backward());
  run.optimizer.step();
  run.scheduler.step();
  const path = join(dir, 'valid.ckpt');
  await io.saveCheckpoint(path, { ...run, step: 1, extra: { note: 'fuzz', best: Infinity } });
  run.model.zeroGrad();
  dispose(x, y, run.model.parameters());
  run.optimizer.dispose();
  return new Uint8Array(await readFile(path));
}

// ---- Mutations ----

function headerOf(bytes: Uint8Array): { json: string; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { json: new TextDecoder().decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

function assemble(json: string | Uint8Array, data: Uint8Array): Uint8Array {
  const head = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const deep = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
const WEIRD_NUMBERS = [-1, -0.5, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e308, Number.MAX_SAFE_INTEGER, -(2 ** 53)];
const WEIRD_VALUES: unknown[] = [null, true, 'x', '', [], {}, [[1]], { a: 1 }, ...WEIRD_NUMBERS];
const DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'U64', 'I32', 'U32', 'I16', 'U16', 'I8', 'U8', 'BOOL', 'F8_E5M2', 'F8_E4M3', 'f32', 'float32', 'F128', '', 'toString', '__proto__', 'constructor', 'hasOwnProperty'];
const NAMES = ['__proto__', 'constructor', 'toString', '', '__metadata__', 'model.__proto__', 'optimizer.state.0.__proto__', 'optimizer.state.x.y', 'optimizer.state.0', 'a'.repeat(10_000)];

type Entry = { dtype?: unknown; shape?: unknown; data_offsets?: unknown; [k: string]: unknown };

/** Structural edits of the parsed header JSON; each returns a description. */
function editHeader(g: Gen, header: Record<string, unknown>, keys: string[]): string {
  const name = g.pick(keys);
  const current = header[name];
  const e = (current && typeof current === 'object' && !Array.isArray(current) ? current : (header[name] = {})) as Entry;
  const other = header[g.pick(keys)] as Entry | undefined;
  switch (g.int(13)) {
    case 0: e.dtype = g.pick(DTYPES); return `${name}.dtype = ${String(e.dtype)}`;
    case 1: e.shape = g.pick([[-1], [1.5], [2 ** 53], [2 ** 31, 2 ** 31], [0, 2 ** 53 - 1], [1e308], 'abc', [], [0], [3, 4, 0, 2 ** 40], Array(g.int(64)).fill(1), [g.int(20), g.int(20)]]); return `${name}.shape = ${JSON.stringify(e.shape).slice(0, 60)}`;
    case 2: {
      const [b, end] = Array.isArray(e.data_offsets) ? (e.data_offsets as number[]) : [0, 0];
      e.data_offsets = g.pick([[-1, end], [b, 2 ** 60], [end, b], [b, b], [b + 1, end + 1], [b, end, 0], [b], [String(b), end], [b + 0.5, end], [2 ** 53, 2 ** 53 + end - b], [0, end - b], g.pick(WEIRD_VALUES)]);
      return `${name}.data_offsets = ${JSON.stringify(e.data_offsets)}`;
    }
    case 3: if (other) e.data_offsets = other.data_offsets; return `${name}.data_offsets = those of another tensor (overlap)`;
    case 4: { const f = g.pick(['dtype', 'shape', 'data_offsets']); delete e[f]; return `${name}: delete ${f}`; }
    case 5: { const f = g.pick(['dtype', 'shape', 'data_offsets']); e[f] = g.pick(WEIRD_VALUES); return `${name}.${f} = ${JSON.stringify(e[f])}`; }
    case 6: header[name] = g.pick(WEIRD_VALUES); return `${name} = ${JSON.stringify(header[name])}`;
    case 7: { const n = g.pick(NAMES); delete header[name]; Object.defineProperty(header, n, { value: e, enumerable: true, configurable: true, writable: true }); return `rename ${name} -> ${n.slice(0, 30)}`; }
    case 8: header.__metadata__ = g.pick([{ a: 1 }, [], 'x', null, { k: { nested: 'x' } }, { format: 'tessera.checkpoint', version: '1', checkpoint: '{' }]); return `__metadata__ = ${JSON.stringify(header.__metadata__)}`;
    case 9: e.extra = g.pick(WEIRD_VALUES); return `${name}.extra field`;
    case 10: { const sz = g.int(8); e.shape = [sz]; e.dtype = 'U8'; const b = Array.isArray(e.data_offsets) ? Number(e.data_offsets[0]) || 0 : 0; e.data_offsets = [b, b + sz]; return `${name} reshaped to U8 [${sz}]`; }
    case 11: delete header[name]; return `delete ${name}`;
    default: {
      const meta = header.__metadata__ as Record<string, unknown> | undefined;
      if (meta && typeof meta.checkpoint === 'string') return editCheckpointMeta(g, meta);
      e.dtype = g.pick(DTYPES);
      return `${name}.dtype = ${String(e.dtype)}`;
    }
  }
}

/** Edits of the checkpoint's own JSON (step, RNG, optimizer groups and state, scheduler). */
function editCheckpointMeta(g: Gen, meta: Record<string, unknown>): string {
  let inner: Record<string, unknown>;
  try {
    inner = JSON.parse(meta.checkpoint as string);
  } catch {
    return 'checkpoint JSON already broken';
  }
  const opt = inner.optimizer as { paramGroups?: unknown[]; state?: Record<string, unknown> } | null;
  const field = g.pick(['step', 'rng', 'rng.seed', 'rng.counter', 'optimizer', 'paramGroups', 'group', 'group.params', 'group.lr', 'state', 'state.0', 'scheduler', 'format', 'version', 'text', 'deep']);
  const v = g.pick(WEIRD_VALUES);
  switch (field) {
    case 'step': inner.step = g.pick([...WEIRD_VALUES, { $number: 'NaN' }, { $number: 'Infinity' }]); break;
    case 'rng': inner.rng = v; break;
    case 'rng.seed': (inner.rng as Record<string, unknown>).seed = v; break;
    case 'rng.counter': (inner.rng as Record<string, unknown>).counter = g.pick([...WEIRD_VALUES, { $number: 'NaN' }]); break;
    case 'optimizer': inner.optimizer = v; break;
    case 'paramGroups': if (opt) opt.paramGroups = g.pick([v, [], [null], [1, 2], [{}]]) as unknown[]; break;
    case 'group': if (opt?.paramGroups) opt.paramGroups[0] = v; break;
    case 'group.params': if (opt?.paramGroups) (opt.paramGroups[0] as Record<string, unknown>).params = g.pick([v, [0, 1, 2, 3, 4], [0, 0, 0, 0], [-1, 1, 2, 3], [9, 1, 2, 3], ['0', 1, 2, 3]]); break;
    case 'group.lr': if (opt?.paramGroups) (opt.paramGroups[0] as Record<string, unknown>).lr = v; break;
    case 'state': if (opt) opt.state = v as Record<string, unknown>; break;
    case 'state.0': if (opt?.state) opt.state[g.pick(['0', '7', '-1', 'x', '__proto__'])] = g.pick([v, { step: 'x' }, { step: { $number: 'NaN' } }]); break;
    case 'scheduler': inner.scheduler = g.pick([v, { lastEpoch: 'x' }, { baseLrs: null }]); break;
    case 'format': meta.format = g.pick(['tessera.checkpoint ', 'x', '']); return 'format';
    case 'version': meta.version = g.pick(['2', '', '1.0']); return 'version';
    case 'text': meta.checkpoint = (meta.checkpoint as string).slice(0, g.int((meta.checkpoint as string).length)); return 'checkpoint JSON truncated';
    case 'deep': meta.checkpoint = `{"step":1,"extra":${deep(g.pick([1000, 10_000, 100_000]) + g.int(1000), '[', ']')}}`; return 'checkpoint JSON deeply nested';
  }
  meta.checkpoint = JSON.stringify(inner);
  return `checkpoint.${field} = ${JSON.stringify(v)}`;
}

/** One seeded mutation of `valid`: the mutant bytes and what was done. */
function mutate(g: Gen, valid: Uint8Array): { bytes: Uint8Array; what: string } {
  const bytes = valid.slice();
  const { json, data } = headerOf(valid);
  const headerEnd = 8 + json.length;
  const inHeader = () => 8 + g.int(json.length);
  switch (g.int(10)) {
    case 0: { // bit flips, mostly in the header where they matter
      const n = 1 + g.int(8);
      for (let i = 0; i < n; i++) { const at = g.next() < 0.8 ? inHeader() : g.int(bytes.length); bytes[at] ^= 1 << g.int(8); }
      return { bytes, what: `${n} bit flips` };
    }
    case 1: { // byte overwrites with interesting bytes
      const n = 1 + g.int(4);
      for (let i = 0; i < n; i++) bytes[g.next() < 0.8 ? inHeader() : g.int(bytes.length)] = g.pick([0, 0xff, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0x5c, g.int(256)]);
      return { bytes, what: `${n} byte overwrites` };
    }
    case 2: { const at = g.int(bytes.length); return { bytes: bytes.subarray(0, at), what: `truncated at ${at} of ${bytes.length}` }; }
    case 3: { // forged header length
      const n = g.pick([0n, 1n, 7n, 2n ** 53n, 2n ** 40n, 2n ** 64n - 1n, 2n ** 32n + BigInt(json.length), BigInt(json.length) + 1n, BigInt(json.length) - 1n, 100n * 1024n * 1024n, BigInt(g.int(2 ** 30)), BigInt(Math.floor(g.next() * 2 ** 52)) * 4096n]);
      new DataView(bytes.buffer).setBigUint64(0, n, true);
      return { bytes, what: `header length = ${n}` };
    }
    case 4: { // invalid UTF-8 inside a string of the header
      const at = 8 + json.indexOf('"') + 1 + g.int(4);
      const seq = g.pick([[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]);
      const head = new Uint8Array(json.length);
      head.set(new TextEncoder().encode(json));
      head.set(seq.slice(0, Math.max(0, headerEnd - at)), at - 8);
      return { bytes: assemble(head, data), what: `invalid UTF-8 ${seq.map((b) => b.toString(16))} at ${at}` };
    }
    case 5: { // deep nesting in a field or as the whole header
      const depth = g.pick([10, 1000, 5000, 20_000, 100_000]) + g.int(1000);
      const where = g.pick(['shape', 'dtype', 'data_offsets', 'whole', 'object', 'metadata']);
      const h = JSON.parse(json) as Record<string, Entry>;
      const name = g.pick(Object.keys(h).filter((k) => k !== '__metadata__'));
      const marker = '"@@DEEP@@"';
      if (where === 'whole') return { bytes: assemble(deep(depth, '[', ']'), data), what: `whole header nested ${depth} deep` };
      if (where === 'object') return { bytes: assemble(deep(depth, '{"a":', '}'), data), what: `header object nested ${depth} deep` };
      if (where === 'metadata') h.__metadata__ = { k: '@@DEEP@@' } as unknown as Entry;
      else h[name][where] = '@@DEEP@@';
      return { bytes: assemble(JSON.stringify(h).replace(marker, deep(depth, '[', ']')), data), what: `${where} nested ${depth} deep` };
    }
    case 6: { // duplicate keys and text-level edits
      const edits: [string, (s: string) => string][] = [
        ['duplicate key', (s) => s.replace(/^\{("[^"]+":\{[^}]*\}),/, '{$1,$1,')],
        ['trailing garbage', (s) => `${s}xyz`],
        ['numbers to exponents', (s) => s.replace(/\d+/, '1e400')],
        ['numbers negative', (s) => s.replace(/\[(\d+)/, '[-$1')],
        ['nul in a name', (s) => s.replace('"', '"\u0000')],
        ['lone surrogate escape', (s) => s.replace('"', '"\\ud800')],
        ['spaces instead of JSON', (s) => ' '.repeat(s.length)],
      ];
      const [what, f] = g.pick(edits);
      return { bytes: assemble(f(json), data), what };
    }
    default: { // structural JSON edits, sometimes several
      const h = JSON.parse(json) as Record<string, unknown>;
      const keys = Object.keys(h).filter((k) => k !== '__metadata__');
      const whats: string[] = [];
      const n = 1 + (g.next() < 0.3 ? g.int(3) : 0);
      for (let i = 0; i < n; i++) whats.push(editHeader(g, h, keys));
      return { bytes: assemble(JSON.stringify(h), data), what: whats.join('; ') };
    }
  }
}

// ---- Oracles ----

const DTYPE_OF: Record<string, string> = { F32: 'float32', F16: 'float32', BF16: 'float32', F64: 'float32', BOOL: 'bool' };

/** TESSERA_FUZZ_KEEP_GOING=1: log every failure and fail once at the end (for long local runs). */
const KEEP_GOING = !!process.env.TESSERA_FUZZ_KEEP_GOING;
const failures: string[] = [];
function report(message: string): void {
  if (!KEEP_GOING) throw new Error(message);
  failures.push(message);
  console.error(message);
}

/** A load either succeeds or throws a TesseraError with a short message; anything else fails the test. */
async function outcome<T>(what: string, fn: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (!(e instanceof TesseraError)) {
      report(`${what}: threw ${(e as Error)?.constructor?.name} instead of a TesseraError: ${String((e as Error)?.message ?? e).slice(0, 300)}`);
      return { ok: false, message: '' };
    }
    if (!e.message || e.message.length > 1000) report(`${what}: TesseraError message is ${e.message.length} characters: ${e.message.slice(0, 200)}...`);
    return { ok: false, message: e.message };
  }
}

/** Loaded tensors agree with the header: names, shapes, dtypes, element counts, readable data. */
async function expectConsistent(what: string, bytes: Uint8Array, tensors: Record<string, Tensor>): Promise<void> {
  const header = io.parseSafetensorsHeader(bytes);
  expect(Object.keys(tensors).sort(), what).toEqual(Object.keys(header.tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const entry = header.tensors[name];
    expect(t.shape, `${what}: ${name}`).toEqual(entry.shape);
    expect(t.dtype, `${what}: ${name}`).toBe(DTYPE_OF[entry.dtype] ?? 'int32');
    expect(t.size, `${what}: ${name}`).toBe(entry.shape.reduce((a, b) => a * b, 1));
    expect((await t.data()).length, `${what}: ${name}`).toBe(t.size);
  }
}

const disposeAll = (ts: Record<string, Tensor>) => Object.values(ts).forEach((t) => t.dispose());

/** Runs `body` ITERATIONS * scale times; checks no tensor leaks and no forged-size allocation. */
async function fuzz(label: string, scale: number, body: (g: Gen, i: number) => Promise<string>): Promise<Record<string, number>> {
  const g = generator(SEED ^ label.length * 0x9e3779b9);
  const tensorsBefore = memory().tensors;
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const n = Math.max(1, Math.round(ITERATIONS * scale));
  for (let i = 0; i < n; i++) {
    const live = memory().tensors;
    const what = await body(g, i);
    if (memory().tensors !== live) report(`${what}: live tensors changed by ${memory().tensors - live}`);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  }
  expect(failures, `${label}: ${failures.length} failures`).toEqual([]);
  expect(memory().tensors, `${label}: tensors leaked`).toBe(tensorsBefore);
  expect(peak, `${label}: arrayBuffers grew by ${(peak / MB).toFixed(1)} MB`).toBeLessThan(32 * MB);
  return { iterations: n, peakMB: peak / MB };
}

describe('fuzzing the file readers', () => {
  it('parseSafetensors: every mutant loads consistently or throws a TesseraError', async () => {
    const samples = await safetensorsSamples();
    let loaded = 0;
    const stats = await fuzz('parse', 3, async (g, i) => {
      const { bytes, what } = mutate(g, g.pick(samples));
      const label = `seed ${SEED} iteration ${i}: ${what}`;
      const r = await outcome(label, () => io.parseSafetensors(bytes));
      if (r.ok) {
        loaded++;
        await expectConsistent(label, bytes, r.value);
        disposeAll(r.value);
      } else {
        expect(r.message, label).toMatch(/^safetensors <bytes>: /);
      }
      return label;
    });
    // Both outcomes occur: the mutations reach past the first check.
    expect(loaded).toBeGreaterThan(stats.iterations * 0.02);
    expect(loaded).toBeLessThan(stats.iterations * 0.9);
  }, 60_000);

  it('loadSafetensors (positional file reads) agrees with parseSafetensors on every mutant', async () => {
    const samples = await safetensorsSamples();
    const path = join(dir, 'mutant.safetensors');
    await fuzz('file', 0.5, async (g, i) => {
      const { bytes, what } = mutate(g, g.pick(samples));
      const label = `seed ${SEED} iteration ${i}: ${what}`;
      await writeFile(path, bytes);
      const fromFile = await outcome(label, () => io.loadSafetensors(path));
      const inMemory = await outcome(label, () => io.parseSafetensors(bytes));
      expect(fromFile.ok, label).toBe(inMemory.ok);
      if (fromFile.ok && inMemory.ok) {
        for (const [name, t] of Object.entries(inMemory.value)) expect(Array.from(await fromFile.value[name].data()), `${label}: ${name}`).toEqual(Array.from(await t.data()));
        disposeAll(fromFile.value);
        disposeAll(inMemory.value);
      } else if (!fromFile.ok && !inMemory.ok) {
        expect(fromFile.message, label).toBe(inMemory.message.replace('<bytes>', `'${path}'`));
      }
      return label;
    });
  }, 60_000);

  it('loadCheckpoint and resume: every mutant loads into fresh objects or throws a TesseraError', async () => {
    const valid = await checkpointSample();
    const path = join(dir, 'mutant.ckpt');
    let resumed = 0;
    const stats = await fuzz('checkpoint', 1, async (g, i) => {
      // Bias toward edits of the header JSON, where the checkpoint's own structure lives.
      const m = g.next() < 0.5 ? (() => {
        const h = JSON.parse(headerOf(valid).json) as Record<string, unknown>;
        const what = editCheckpointMeta(g, h.__metadata__ as Record<string, unknown>);
        return { bytes: assemble(JSON.stringify(h), headerOf(valid).data), what };
      })() : mutate(g, valid);
      const label = `seed ${SEED} iteration ${i}: ${m.what}`;
      await writeFile(path, m.bytes);
      const loaded = await outcome(label, () => io.loadCheckpoint(path));
      if (loaded.ok) {
        const c = loaded.value;
        for (const t of Object.values(c.model)) expect((await t.data()).length, label).toBe(t.size);
        expect(c.step === null || typeof c.step === 'number', label).toBe(true);
        io.disposeCheckpoint(c);
      }
      const run = tidy(freshRun);
      const r = await outcome(label, () => io.resume(path, run));
      if (r.ok) {
        resumed++;
        for (const group of run.optimizer.paramGroups) expect(group.lr >= 0, `${label}: resumed lr ${String(group.lr)}`).toBe(true);
        // A resumed run can take a step (or refuses with a TesseraError).
        const failure = tidy(() => {
          try {
            mseLoss(run.model.call(randn([2, 3])), randn([2, 1])).backward();
            run.optimizer.step();
            run.scheduler.step();
            return null;
          } catch (e) {
            return e;
          }
        });
        if (failure && !(failure instanceof TesseraError)) report(`${label}: the step after resume threw ${String(failure)}`);
      }
      run.optimizer.dispose();
      run.model.zeroGrad();
      for (const p of run.model.parameters()) p.dispose();
      return label;
    });
    expect(resumed).toBeGreaterThan(0);
    expect(resumed).toBeLessThan(stats.iterations);
  }, 60_000);
});
