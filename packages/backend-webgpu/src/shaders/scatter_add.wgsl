// out[..., index[..., i, ...], ...] += src[..., i, ...] along one axis. Several elements may
// land on one output, so additions are atomic (a compare-exchange loop for f32, whose order
// and hence rounding may vary from run to run). The strided walk runs over src with three
// operands: index, src, and out (dense) with stride 0 on the scattered axis.
//   [1] size of out's scattered axis  [2] out's stride along it
// Header: SS (storage type of src), AT (atomic type of out), fn accumulate(p: u32, v: SS).

@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read> src: array<SS>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<AT>>;

fn add_f32(p: u32, v: f32) {
  var old = atomicLoad(&out[p]);
  loop {
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<AT>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  let idx = index[o[0]];
  let size = pu(1u);
  if (idx < 0 || u32(idx) >= size) {
    report_index_error(2u, idx, size);
    return;
  }
  accumulate(o[2] + u32(idx) * pu(2u), src[o[1]]);
}
