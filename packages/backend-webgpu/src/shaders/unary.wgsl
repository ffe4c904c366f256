// out = apply(x), elementwise over strided views (also copy and cast).
// Header: SX, SO (storage types) and fn apply(v: SX) -> SO.

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> out: array<SO>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i);
  out[o[1]] = apply(x[o[0]]);
}
