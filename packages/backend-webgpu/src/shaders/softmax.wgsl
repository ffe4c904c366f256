// softmax / logSoftmax over the last axis of a dense x, one workgroup per row: the row max
// (NaN propagates), the sum of exp(x - max), then the outputs. Matches the cpu backend's
// composition: a row of -inf gives NaN, as in PyTorch.
//   [0] rows  [1] width  [2] x's offset  [3] out's offset
// Header: LOG (logSoftmax).

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn row_max(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = f_maximum(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = group_index(wid, nwg);
  if (row >= pu(0u)) { return; }
  let width = pu(1u);
  let xb = pu(2u) + row * width;
  let ob = pu(3u) + row * width;
  var m = -f_inf();
  for (var j = lid; j < width; j += WG) { m = f_maximum(m, x[xb + j]); }
  m = row_max(lid, m);
  var s = 0.0;
  for (var j = lid; j < width; j += WG) { s += f_exp(x[xb + j] - m); }
  s = row_sum(lid, s);
  let lse = f_log(s);
  for (var j = lid; j < width; j += WG) {
    let d = x[xb + j] - m;
    if (LOG) { out[ob + j] = d - lse; } else { out[ob + j] = f_exp(d) / s; }
  }
}
