// sum / prod / max / min over any set of axes. The kept axes are the strided walk of
// common.wgsl (one step per output; out is dense in that order), the reduced axes a second
// walk: shape at params[40..47], strides at [48..55], RED_RANK of them.
//   [0] outputs  [1] reduced elements per output  [2] out's offset
// Header: SX, SO, C (compute type), fn init() -> C, fn combine(a: C, b: C) -> C,
// fn ld(v: SX) -> C, fn st(v: C) -> SO, and fn reduced_offset(r: u32) -> u32 (the second walk,
// generated like strided_offsets).

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> out: array<SO>;

// One invocation per output, for short reductions (and the pass over a split's partials).
@compute @workgroup_size(WG)
fn main_serial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let o = global_index(wid, nwg, lid);
  if (o >= pu(0u)) { return; }
  let base = strided_offsets(o)[0];
  let count = pu(1u);
  var acc = init();
  for (var r = 0u; r < count; r++) { acc = combine(acc, ld(x[base + reduced_offset(r)])); }
  out[pu(2u) + o] = st(acc);
}

// First pass of a split reduction, with no workgroup memory or barriers: invocation
// i = s * outputs + o (adjacent invocations take adjacent outputs, so a reduction over leading
// axes reads contiguous columns) reduces chunk s, r in [s * [4], min((s + 1) * [4], count)), of
// output o into out[s * outputs + o]; a second reduction over s finishes it.
//   [3] chunks per output (S)  [4] reduced elements per chunk
@compute @workgroup_size(WG)
fn main_split(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  let outputs = pu(0u);
  let o = i % outputs;
  let s = i / outputs;
  if (s >= pu(3u)) { return; }
  let base = strided_offsets(o)[0];
  let chunk = pu(4u);
  let start = s * chunk;
  let end = min(start + chunk, pu(1u));
  var acc = init();
  for (var r = start; r < end; r++) { acc = combine(acc, ld(x[base + reduced_offset(r)])); }
  out[i] = st(acc);
}
