// out = value (its bits in params[1], already in out's storage type). Header: S.

@group(0) @binding(1) var<storage, read_write> out: array<S>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  out[o[0]] = bitcast<S>(pu(1u));
}
