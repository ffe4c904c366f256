// One Adam/AdamW step in place, elementwise, in the order of torch.optim.Adam's single-tensor
// path (see fusedKernels.adamStep in packages/backend-cpu/src/fused.ts):
//   weight decay (coupled: g += wd * p; decoupled: p *= 1 - lr * wd), m = lerp(m, g, 1 - beta1),
//   v = beta2 * v + (1 - beta2) * g^2, p -= step_size * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
//   [0] n  [1..4] offsets of param, grad, m, v  [8] weight decay  [9] 1 - beta1  [10] beta2
//   [11] 1 - beta2  [12] eps  [13] step size lr / (1 - beta1^t)  [14] sqrt(1 - beta2^t)
//   [15] decay factor 1 - lr * wd
// Header: DECOUPLED, HAS_DECAY, LERP_FROM_START (1 - beta1 < 0.5, as torch's lerp chooses).

@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let pi_ = pu(1u) + i;
  let mi_ = pu(3u) + i;
  let vi_ = pu(4u) + i;
  var p = param[pi_];
  var g = grad[pu(2u) + i];
  if (HAS_DECAY) {
    if (DECOUPLED) { p *= pf(15u); } else { g += pf(8u) * p; }
  }
  let w1 = pf(9u);
  let m_prev = m[mi_];
  var m_new: f32;
  if (LERP_FROM_START) { m_new = m_prev + w1 * (g - m_prev); } else { m_new = g - (g - m_prev) * (1.0 - w1); }
  let v_new = pf(10u) * v[vi_] + pf(11u) * g * g;
  m[mi_] = m_new;
  v[vi_] = v_new;
  param[pi_] = p - pf(13u) * (m_new / (sqrt(v_new) / pf(14u) + pf(12u)));
}
