// sum / prod / max / min over any set of axes. The kept axes are the strided walk of
// common.wgsl (one step per output; out is dense in that order), the reduced axes a second
// walk: shape at params[40..47], strides at [48..55], RED_RANK of them.
//   [0] outputs  [1] reduced elements per output  [2] out's offset
// Header: SX, SO, C (compute type), fn init() -> C, fn combine(a: C, b: C) -> C,
// fn ld(v: SX) -> C, fn st(v: C) -> SO, and fn reduced_offset(r: u32) -> u32 (the second walk,
// generated like strided_offsets).

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> out: array<SO>;

var<workgroup> partial: array<C, WG>;

// One workgroup per output: invocations stride over the reduced elements, then a tree.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = group_index(wid, nwg);
  if (o >= pu(0u)) { return; }
  let base = strided_offsets(o)[0];
  let count = pu(1u);
  var acc = init();
  for (var r = lid; r < count; r += WG) { acc = combine(acc, ld(x[base + reduced_offset(r)])); }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = combine(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { out[pu(2u) + o] = st(partial[0]); }
}

// One invocation per output, for short reductions.
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
