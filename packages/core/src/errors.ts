/** Base class of every error Tessera throws on purpose. */
export class TesseraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: wrong rank, mismatched or unbroadcastable dims, bad axes. */
export class ShapeError extends TesseraError {}

/** A dtype the op does not accept. */
export class DTypeError extends TesseraError {}

/** Backend problems: none registered, tensors from two backends mixed, device lost, disposed buffers. */
export class BackendError extends TesseraError {}

/** A value outside what the op accepts: out-of-range index, NaN where forbidden, bad option. */
export class ValueError extends TesseraError {}

/** Prints a shape the way errors show them: `[2, 3, 4]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
