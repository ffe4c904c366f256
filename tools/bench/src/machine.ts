/** What machine the numbers came from: CPU model and flags, cores, memory, Node. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { MachineInfo } from './types.js';

const INTERESTING = ['avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512_bf16', 'avx512_vnni', 'amx_tile', 'neon', 'asimd', 'sve'];

export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  let flags: string[] = [];
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? cpu;
    const family = /^cpu family\s*:\s*(\d+)$/m.exec(text)?.[1];
    const model = /^model\s*:\s*(\d+)$/m.exec(text)?.[1];
    if (family && model) cpu += ` (family ${family}, model ${model})`;
    const all = new Set((/^(?:flags|Features)\s*:\s*(.+)$/m.exec(text)?.[1] ?? '').split(/\s+/));
    flags = INTERESTING.filter((f) => all.has(f));
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return {
    cpu,
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    flags,
    load_start: Math.round(loadavg()[0] * 100) / 100,
  };
}
