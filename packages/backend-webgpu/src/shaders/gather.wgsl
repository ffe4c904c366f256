// out[..., i, ...] = x[..., index[..., i, ...], ...] along one axis. The strided walk runs
// over out with three operands: index, out, and x with stride 0 on the gathered axis.
//   [1] size of x's gathered axis  [2] x's stride along it
// Header: S (storage type of x and out).

@group(0) @binding(1) var<storage, read> x: array<S>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<S>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  let idx = index[o[0]];
  let size = pu(1u);
  if (idx < 0 || u32(idx) >= size) {
    report_index_error(1u, idx, size);
    out[o[1]] = S(0);
    return;
  }
  out[o[1]] = x[o[2] + u32(idx) * pu(2u)];
}
