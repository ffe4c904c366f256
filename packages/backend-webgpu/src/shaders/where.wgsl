// out = cond ? a : b, elementwise. Header: S (storage type of a, b and out).

@group(0) @binding(1) var<storage, read> cond: array<u32>;
@group(0) @binding(2) var<storage, read> a: array<S>;
@group(0) @binding(3) var<storage, read> b: array<S>;
@group(0) @binding(4) var<storage, read_write> out: array<S>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  out[o[3]] = select(b[o[2]], a[o[1]], cond[o[0]] != 0u);
}
