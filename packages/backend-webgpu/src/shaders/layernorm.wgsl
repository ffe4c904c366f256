// Layer norm over the last axis of a dense x, one workgroup per row, with two-pass statistics
// (the mean, then the biased variance around it): out = (x - mean) * rstd * weight + bias,
// and mean and rstd = 1 / sqrt(var + eps) per row for the backward pass.
//   [0] rows  [1] width  [2] x's offset  [3] out's offset  [4] weight's offset, [5] stride
//   [6] bias's offset, [7] stride  [8] mean's offset  [9] rstd's offset  [10] eps (f32)
// Header: HAS_WEIGHT, HAS_BIAS.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = group_index(wid, nwg);
  if (row >= pu(0u)) { return; }
  let width = pu(1u);
  let xb = pu(2u) + row * width;
  let ob = pu(3u) + row * width;
  var s = 0.0;
  for (var j = lid; j < width; j += WG) { s += x[xb + j]; }
  let mu = row_sum(lid, s) / f32(width);
  var ss = 0.0;
  for (var j = lid; j < width; j += WG) {
    let d = x[xb + j] - mu;
    ss += d * d;
  }
  let rs = 1.0 / sqrt(row_sum(lid, ss) / f32(width) + pf(10u));
  for (var j = lid; j < width; j += WG) {
    var y = (x[xb + j] - mu) * rs;
    if (HAS_WEIGHT) { y *= weight[pu(4u) + j * pu(5u)]; }
    if (HAS_BIAS) { y += bias[pu(6u) + j * pu(7u)]; }
    out[ob + j] = y;
  }
  if (lid == 0u) {
    mean[pu(8u) + row] = mu;
    rstd[pu(9u) + row] = rs;
  }
}
