// argmax / argmin along one axis: the index of the first extreme element, NaN counting as
// more extreme than anything (so the first NaN wins). The strided walk visits x's lines
// (x's shape with the axis at size 1); out is dense in that order.
//   [0] lines  [1] line length  [2] out's offset  [3] x's stride along the axis
// Header: SX, C, IS_MAX, fn ld(v: SX) -> C, fn c_is_nan(v: C) -> bool.

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;

const NONE = 0xffffffffu;

var<workgroup> best_v: array<C, WG>;
var<workgroup> best_i: array<u32, WG>;

// Whether value v at index i beats the best so far (bv at bi).
fn better(v: C, i: u32, bv: C, bi: u32) -> bool {
  if (bi == NONE) { return i != NONE; }
  if (i == NONE) { return false; }
  let vn = c_is_nan(v);
  let bn = c_is_nan(bv);
  if (vn || bn) { return vn && (!bn || i < bi); }
  if (v == bv) { return i < bi; }
  return select((v < bv), (v > bv), IS_MAX);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let line = group_index(wid, nwg);
  if (line >= pu(0u)) { return; }
  let base = strided_offsets(line)[0];
  let len = pu(1u);
  let step = pu(3u);
  var bv = ld(x[base]);
  var bi = NONE;
  for (var j = lid; j < len; j += WG) {
    let v = ld(x[base + j * step]);
    if (better(v, j, bv, bi)) { bv = v; bi = j; }
  }
  best_v[lid] = bv;
  best_i[lid] = bi;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s && better(best_v[lid + s], best_i[lid + s], best_v[lid], best_i[lid])) {
      best_v[lid] = best_v[lid + s];
      best_i[lid] = best_i[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) { out[pu(2u) + line] = select(i32(best_i[0]), 0, best_i[0] == NONE); }
}

@compute @workgroup_size(WG)
fn main_serial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let line = global_index(wid, nwg, lid);
  if (line >= pu(0u)) { return; }
  let base = strided_offsets(line)[0];
  let len = pu(1u);
  let step = pu(3u);
  var bv = ld(x[base]);
  var bi = NONE;
  for (var j = 0u; j < len; j++) {
    let v = ld(x[base + j * step]);
    if (better(v, j, bv, bi)) { bv = v; bi = j; }
  }
  out[pu(2u) + line] = select(i32(bi), 0, bi == NONE);
}
