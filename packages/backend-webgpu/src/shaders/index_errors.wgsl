// Out-of-range indices are never read or written through; instead the first one is
// recorded here ([0] op code, [1] the index, [2] the axis size) and the backend throws a
// ValueError naming the op at its next read().

@group(0) @binding(4) var<storage, read_write> errors: array<atomic<u32>, 4>;

fn report_index_error(op: u32, index: i32, size: u32) {
  loop {
    let r = atomicCompareExchangeWeak(&errors[0], 0u, op);
    if (r.exchanged) {
      atomicStore(&errors[1], bitcast<u32>(index));
      atomicStore(&errors[2], size);
      break;
    }
    if (r.old_value != 0u) { break; }
  }
}
