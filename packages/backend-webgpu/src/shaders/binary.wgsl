// out = apply(a, b), elementwise; broadcasting arrives as stride-0 axes.
// Header: SA, SO (storage types; b shares a's) and fn apply(a: SA, b: SA) -> SO.

@group(0) @binding(1) var<storage, read> a: array<SA>;
@group(0) @binding(2) var<storage, read> b: array<SA>;
@group(0) @binding(3) var<storage, read_write> out: array<SO>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  out[o[2]] = apply(a[o[0]], b[o[1]]);
}
