/**
 * File access for safetensors and checkpoints (Node only). `node:*` modules are imported
 * inside the functions, so importing @tessera/core in a browser never touches them.
 */
import type { FileHandle } from 'node:fs/promises';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import {
  buildHeader, checkRecord, encodeTensor, parseHeader, readHeaderLength, selectNames, setEntry, toTensor,
  type LoadOptions, type SafetensorsHeader, type SerializeOptions,
} from './safetensors.js';

type Fs = typeof import('node:fs/promises');

async function nodeFs(op: string): Promise<Fs> {
  try {
    return await import('node:fs/promises');
  } catch {
    throw new ValueError(`${op}: file access needs Node.js; in a browser use parseSafetensors(bytes) / serializeSafetensors(tensors).`);
  }
}

/** Read exactly `length` bytes at `position` into a fresh buffer (a short read means the file shrank). */
async function readExactly(fh: FileHandle, length: number, position: number, source: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const CHUNK = 1 << 30;
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(out, done, Math.min(CHUNK, length - done), position + done);
    if (bytesRead === 0) throw new ValueError(`safetensors ${source}: unexpected end of file at byte ${position + done} (the file is truncated or changed while reading).`);
    done += bytesRead;
  }
  return out;
}

async function readHeaderFrom(fh: FileHandle, source: string): Promise<SafetensorsHeader> {
  const { size } = await fh.stat();
  const prefix = await readExactly(fh, Math.min(8, size), 0, source);
  const n = readHeaderLength(prefix, size, source);
  return parseHeader(await readExactly(fh, n, 8, source), size, source);
}

async function withFile<T>(op: string, path: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
  const fs = await nodeFs(op);
  let fh: FileHandle;
  try {
    fh = await fs.open(path, 'r');
  } catch (e) {
    throw new ValueError(`${op}: cannot open '${path}': ${(e as Error).message}`);
  }
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}

/** The validated header of a safetensors file: entries, metadata, data area. Reads only the header. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  return withFile('readSafetensorsHeader', path, (fh) => readHeaderFrom(fh, `'${path}'`));
}

/**
 * Load tensors from a safetensors file. The header is read and validated first; then each
 * tensor's bytes are read with a positional read into its own buffer and uploaded, so memory
 * peaks at one tensor, not the whole file.
 */
export async function loadSafetensors(path: string, options: LoadOptions = {}): Promise<Record<string, Tensor>> {
  return (await loadSafetensorsWithMetadata(path, options)).tensors;
}

/** {@link loadSafetensors}, also returning the header's `__metadata__`. */
export async function loadSafetensorsWithMetadata(
  path: string,
  options: LoadOptions = {},
): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  const source = `'${path}'`;
  return withFile('loadSafetensors', path, async (fh) => {
    const header = await readHeaderFrom(fh, source);
    const out: Record<string, Tensor> = {};
    try {
      for (const name of selectNames(header, options.names, source)) {
        const entry = header.tensors[name];
        const [begin, end] = entry.dataOffsets;
        const bytes = await readExactly(fh, end - begin, header.dataStart + begin, source);
        setEntry(out, name, toTensor(name, entry, bytes, source, options.backend));
      }
    } catch (e) {
      for (const t of Object.values(out)) t.dispose();
      throw e;
    }
    return { tensors: out, metadata: header.metadata };
  });
}

/**
 * Write `fn`'s output to `path` atomically: a temporary file in the same directory is written,
 * fsync-ed, renamed over `path`, and the directory fsync-ed, so a crash leaves either the old
 * file or the new one, never a torn one.
 */
export async function writeFileAtomic(path: string, fn: (write: (bytes: Uint8Array, position: number) => Promise<void>) => Promise<void>): Promise<void> {
  const fs = await nodeFs('writeFileAtomic');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${globalThis.crypto.randomUUID()}.tmp`);
  const fh = await fs.open(tmp, 'wx');
  try {
    await fn((bytes, position) => writeAll(fh, bytes, position));
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Directories cannot be opened or fsync-ed on some platforms (Windows); the rename stands.
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Save tensors (and string metadata) as a safetensors file, atomically. Tensors are read and
 * written one at a time, so memory peaks at one tensor.
 */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: SerializeOptions = {},
): Promise<void> {
  const entries = checkRecord(tensors, metadata, `'${path}'`);
  const float = options.float ?? 'F32';
  const bytesPer = { F32: 4, F16: 2, BF16: 2 }[float];
  const stored = entries.map(([name, t]) => {
    const dtype = t.dtype === 'float32' ? float : t.dtype === 'int32' ? 'I32' : 'BOOL';
    const item = t.dtype === 'float32' ? bytesPer : t.dtype === 'int32' ? 4 : 1;
    return { name, dtype, shape: t.shape, byteLength: t.size * item } as const;
  });
  const head = buildHeader([...stored], metadata);
  await writeFileAtomic(path, async (write) => {
    await write(head, 0);
    let at = head.length;
    for (const [name, t] of entries) {
      const { bytes } = encodeTensor(name, t, await t.data(), float);
      await write(bytes, at);
      at += bytes.length;
    }
  });
}
