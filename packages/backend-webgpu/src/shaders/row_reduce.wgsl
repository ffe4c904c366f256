// Workgroup-wide reduction of one value per invocation, for the one-workgroup-per-row fused
// kernels (softmax.wgsl, layernorm.wgsl). Every invocation gets the result.

var<workgroup> red: array<f32, WG>;

fn row_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
