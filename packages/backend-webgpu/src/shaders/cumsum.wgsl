// Running sum along one axis, one invocation per line. Float sums are compensated (Kahan),
// so long lines stay close to the float64 reference; int32 sums wrap.
// The strided walk visits the lines: operand 0 is x's start, operand 1 out's.
//   [0] lines  [1] line length  [2] x's stride along the axis  [3] out's stride along it
// Header: SX, SO, C, KAHAN, fn ld(v: SX) -> C, fn st(v: C) -> SO.

@group(0) @binding(1) var<storage, read> x: array<SX>;
@group(0) @binding(2) var<storage, read_write> out: array<SO>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let line = global_index(wid, nwg, lid);
  if (line >= pu(0u)) { return; }
  let o = strided_offsets(line);
  let len = pu(1u);
  let xs = pu(2u);
  let os = pu(3u);
  var s = C(0);
  var comp = C(0);
  for (var j = 0u; j < len; j++) {
    let v = ld(x[o[0] + j * xs]);
    if (KAHAN) {
      let y = v - comp;
      let t = s + y;
      comp = (t - s) - y;
      s = t;
      if (c_not_finite(s)) { comp = C(0); }
    } else {
      s = s + v;
    }
    out[o[1] + j * os] = st(s);
  }
}
