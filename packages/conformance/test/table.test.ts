import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFixtures, opTable, optimizerTable, samplesFor, type Sample, type SampleInput } from '../src/index.js';

const coreOps = new URL('../../core/src/', import.meta.url);

/** Public ops of core: every function exported from the ops/*.ts files core's index re-exports, and every loss. */
function coreOpExports(): string[] {
  const index = readFileSync(new URL('index.ts', coreOps), 'utf8');
  const files = [...index.matchAll(/export \* from '\.\/ops\/(\w+)\.js'/g)].map((m) => m[1]);
  const names: string[] = [];
  for (const f of files) {
    const src = readFileSync(new URL(`ops/${f}.ts`, coreOps), 'utf8');
    for (const m of src.matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)) names.push(m[1]);
  }
  // Losses: the value exports of losses/index.ts.
  const losses = readFileSync(new URL('losses/index.ts', coreOps), 'utf8');
  for (const m of losses.matchAll(/export \{([^}]*)\}/g)) {
    for (const part of m[1].split(',').map((p) => p.trim()).filter(Boolean)) if (!part.startsWith('type ')) names.push(part);
  }
  return names;
}

/** Exports of core's op files that are not ops, each with the reason it has no entry. */
const NOT_OPS: Record<string, string> = {
  tensor: 'how every sample input is made; exercised by every case',
  scalar: 'tensor() of a number; exercised by every 0-d case',
  fromArray: 'how every sample input is uploaded; exercised by every case',
  alias: "autograd's identity view; no user-visible computation",
  broadcastView: 'returns a kernel View for backends, not a Tensor',
  asStrided: 'raw strided view without gradient, for conv/pool internals; covered through them',
  checkIndexRange: 'argument validation helper',
  pair: 'argument normalisation helper for conv/pool',
  outputSize: 'shape arithmetic helper for conv/pool',
};
/** Export names whose table entry has the user-facing (Tensor method) name. */
const ENTRY_NAME: Record<string, string> = { variance: 'var' };

/** Value exports of core's nn (classes and functions), from nn/index.ts. */
function coreNnExports(): string[] {
  const index = readFileSync(new URL('nn/index.ts', coreOps), 'utf8');
  const names = [...index.matchAll(/export \* as (\w+)/g)].map((m) => m[1]);
  for (const m of index.matchAll(/export \{([^}]*)\}/g)) {
    for (const part of m[1].split(',').map((p) => p.trim()).filter(Boolean)) if (!part.startsWith('type ')) names.push(part);
  }
  return names;
}

/** Exports of core's nn that are not layers, each with the reason it has no module entry. */
const NOT_LAYERS: Record<string, string> = {
  Module: 'the base class; every module entry runs it',
  Parameter: 'what every module entry differentiates',
  copyInto: 'how loadStateDict writes; every module entry runs it',
  init: 'initialisers; the entries load their parameters instead',
  functional: 'the functional forms, covered by the op and loss entries',
  ModuleList: 'a container without forward(); the TransformerEncoder/Decoder entries load through it (layers.0...)',
  ModuleDict: 'a container without forward(); nothing to compare',
  MultiheadAttention: "PyTorch's spelling of MultiHeadAttention, the same class",
  generateSquareSubsequentMask: 'a mask helper, not a layer',
};

/** Strides of an input after its views, to tell whether the op sees a non-contiguous tensor. */
function layout(inp: SampleInput): { shape: number[]; strides: number[] } {
  let shape = [...inp.shape];
  let strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  for (const v of inp.view ?? []) {
    if (v.op === 'transpose') {
      const [a, b] = v.axes.map((x) => (x < 0 ? x + shape.length : x));
      [shape[a], shape[b]] = [shape[b], shape[a]];
      [strides[a], strides[b]] = [strides[b], strides[a]];
    } else if (v.op === 'permute') {
      shape = v.axes.map((a) => shape[a]);
      strides = v.axes.map((a) => strides[a]);
    } else if (v.op === 'slice') {
      v.ranges.forEach((r, i) => {
        if (!r) return;
        shape[i] = Math.max(0, Math.ceil((Math.min(r[1], shape[i]) - r[0]) / r[2]));
        strides[i] *= r[2];
      });
    } else {
      const lead = v.shape.length - shape.length;
      strides = v.shape.map((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? 0 : strides[i - lead]));
      shape = [...v.shape];
    }
  }
  return { shape, strides };
}

function nonContiguous(inp: SampleInput): boolean {
  const { shape, strides } = layout(inp);
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return true;
    expected *= shape[i];
  }
  return false;
}

describe('the conformance table', () => {
  it('has one entry per public op and loss of @tessera/core', () => {
    const names = new Set(opTable.map((e) => e.name));
    const missing = coreOpExports().filter((n) => !NOT_OPS[n] && !names.has(ENTRY_NAME[n] ?? n));
    expect(missing, `core ops without a conformance entry: ${missing.join(', ')}`).toEqual([]);
  });

  it("has a module entry for every layer of core's nn", () => {
    const names = new Set(opTable.map((e) => e.name));
    const exported = coreNnExports();
    expect(exported).toEqual(expect.arrayContaining(['Linear', 'LSTMCell', 'TransformerDecoder', 'BCEWithLogitsLoss', 'init']));
    const missing = exported.filter((n) => !NOT_LAYERS[n] && !names.has(`nn.${n}`));
    expect(missing, `nn layers without a module entry: ${missing.join(', ')}`).toEqual([]);
    for (const e of opTable.filter((x) => x.name.startsWith('nn.'))) expect(e.kind, e.name).toBe('module');
  });

  it('has unique entry names and unique case names per entry', () => {
    const names = opTable.map((e) => e.name);
    expect(names.length).toBe(new Set(names).size);
    for (const e of opTable) {
      const cases = samplesFor(e, 'full').map((s) => s.name);
      expect(cases.length, `${e.name} has duplicate case names`).toBe(new Set(cases).size);
      expect(cases.length, `${e.name} has no cases`).toBeGreaterThan(0);
    }
  });

  it('gives every skip and exemption a reason', () => {
    for (const e of opTable) {
      for (const s of e.skips ?? []) expect(s.reason.trim().length, `${e.name} skip without reason`).toBeGreaterThan(10);
      if (e.fixtureExempt !== undefined) expect(e.fixtureExempt.trim().length).toBeGreaterThan(10);
      if (e.contiguityExempt !== undefined) expect(e.contiguityExempt.trim().length).toBeGreaterThan(10);
    }
  });

  it('gives every op a case with a non-contiguous input', () => {
    const lacking = opTable
      .filter((e) => !e.contiguityExempt)
      .filter((e) => !samplesFor(e, 'small').some((s: Sample) => s.inputs.some(nonContiguous)))
      .map((e) => e.name);
    expect(lacking, `entries without a non-contiguous case: ${lacking.join(', ')}`).toEqual([]);
  });

  it('gives every broadcasting op a broadcasting case', () => {
    const lacking = opTable.filter((e) => e.broadcasts && !samplesFor(e, 'small').some((s) => s.broadcast)).map((e) => e.name);
    expect(lacking, `broadcasting entries without a broadcasting case: ${lacking.join(', ')}`).toEqual([]);
  });

  it('keeps float sample inputs float32-representable, so every backend sees the same numbers', () => {
    for (const e of opTable) {
      for (const s of samplesFor(e, 'small')) {
        for (const inp of s.inputs) {
          if (inp.dtype !== 'float32') continue;
          for (let i = 0; i < inp.data.length; i++) {
            const v = inp.data[i];
            if (!Number.isNaN(v) && Math.fround(v) !== v) throw new Error(`${e.name}/${s.name}: ${v} is not a float32`);
          }
        }
      }
    }
  });

  it('has a PyTorch fixture for every entry (or a reasoned exemption), and no orphan fixtures', async () => {
    const fixtures = await loadFixtures();
    const withFixture = new Set(fixtures.index.cases.map((c) => c.op));
    const missing = opTable.filter((e) => !e.fixtureExempt && !withFixture.has(e.name)).map((e) => e.name);
    expect(missing, `entries without fixtures: ${missing.join(', ')}`).toEqual([]);
    const names = new Set(opTable.map((e) => e.name));
    const orphans = [...withFixture].filter((op) => !names.has(op));
    expect(orphans, `fixtures for unknown entries: ${orphans.join(', ')}`).toEqual([]);
    for (const c of fixtures.index.cases) expect(c.kind).toBe(opTable.find((e) => e.name === c.op)!.kind ?? 'op');
  });

  it('has trajectories for every optimizer entry, and entries for every trajectory', async () => {
    const fixtures = await loadFixtures();
    const names = new Set(optimizerTable.map((o) => o.name));
    const withFixture = new Set(fixtures.index.optimizers.map((o) => o.optimizer));
    expect([...names].filter((n) => !withFixture.has(n))).toEqual([]);
    expect([...withFixture].filter((n) => !names.has(n))).toEqual([]);
  });

  it('keeps the committed fixture set small', async () => {
    const fixtures = await loadFixtures();
    const bytes = fixtures.blob.byteLength + JSON.stringify(fixtures.index).length;
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });
});
