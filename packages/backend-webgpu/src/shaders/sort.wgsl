// Stable sort along one axis as a bitonic network. Each line is padded to P (a power of two)
// in scratch arrays of keys and original indices; comparing (key, index) pairs makes the
// network stable, and padding (index >= len) sorts after everything. NaN is the largest key.
// The strided walk runs over the lines with three operands: x's, values' and indices' starts.
//   [0] invocations  [1] line length  [2] P  [3] x's stride along the axis
//   [40] j  [41] k (the network step)  [42] stride of values/indices along the axis
// Header: SX (storage type of x and values), DESCENDING, fn key_is_nan(v: SX) -> bool,
// fn key_lt(a: SX, b: SX) -> bool.

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> keys: array<SX>;
@group(0) @binding(3) var<storage, read_write> idx: array<i32>;
@group(0) @binding(4) var<storage, read_write> values: array<SX>;
@group(0) @binding(5) var<storage, read_write> indices: array<i32>;

// Whether element (ka, ia) goes before (kb, ib).
fn before(ka: SX, ia: i32, kb: SX, ib: i32) -> bool {
  let len = i32(pu(1u));
  if (ia >= len) { return false; }
  if (ib >= len) { return true; }
  let an = key_is_nan(ka);
  let bn = key_is_nan(kb);
  if (an != bn) { return an == DESCENDING; }
  if (!an) {
    if (key_lt(ka, kb)) { return !DESCENDING; }
    if (key_lt(kb, ka)) { return DESCENDING; }
  }
  return ia < ib;
}

@compute @workgroup_size(WG)
fn load(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let P = pu(2u);
  let line = i / P;
  let j = i % P;
  let len = pu(1u);
  if (j < len) {
    keys[i] = x[strided_offsets(line)[0] + j * pu(3u)];
    idx[i] = i32(j);
  } else {
    keys[i] = SX(0);
    idx[i] = i32(len);
  }
}

@compute @workgroup_size(WG)
fn step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = global_index(wid, nwg, lid);
  if (t >= pu(0u)) { return; }
  let half = pu(2u) / 2u;
  let j = pu(40u);
  let k = pu(41u);
  let line = t / half;
  let tt = t % half;
  let low = (tt / j) * 2u * j + tt % j;
  let a = line * pu(2u) + low;
  let b = a + j;
  let ka = keys[a];
  let kb = keys[b];
  let ia = idx[a];
  let ib = idx[b];
  let ascending = (low & k) == 0u;
  let swap = select(before(ka, ia, kb, ib), before(kb, ib, ka, ia), ascending);
  if (swap) {
    keys[a] = kb;
    keys[b] = ka;
    idx[a] = ib;
    idx[b] = ia;
  }
}

@compute @workgroup_size(WG)
fn store(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(0u)) { return; }
  let len = pu(1u);
  let line = i / len;
  let j = i % len;
  let o = strided_offsets(line);
  let src = line * pu(2u) + j;
  values[o[1] + j * pu(42u)] = keys[src];
  indices[o[2] + j * pu(42u)] = idx[src];
}
