/** Anomaly mode: find the first op whose output holds NaN or Infinity. */
import { formatShape, ValueError } from '../errors.js';
import { isAnomalyDetectionEnabled } from '../runtime.js';
import type { Tensor } from '../tensor.js';

/** With anomaly detection on, throw naming `op` and its input shapes if `out` is not finite. */
export function checkFinite(op: string, out: Tensor, inputs: readonly Tensor[]): void {
  if (!isAnomalyDetectionEnabled() || out.dtype !== 'float32' || out.size === 0) return;
  const backend = out.backend;
  if (!backend.readSync) return;
  const data = backend.readSync(out.kernelView());
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const shapes = inputs.map((t) => formatShape(t.shape)).join(', ');
      throw new ValueError(`detectAnomaly: '${op}' produced ${data[i]} at flat index ${i} of its output ${formatShape(out.shape)}; inputs: ${shapes || 'none'}.`);
    }
  }
}
