// Float32 FMA throughput of a WebGPU adapter: every invocation runs 8 independent chains of
// vec4 FMAs (32 FMAs, 64 FLOPs per iteration), enough independent work to hide FMA latency on
// GPUs and to fill SIMD lanes on CPU emulations. The iteration count is a uniform, so the
// compiler cannot fold the loop; the chains contract (|m| < 1) so nothing overflows; the sum
// is stored so nothing is dead code.
struct Params {
  iters: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x & 1023u) * 1.0e-4;
  var a0 = vec4<f32>(s, s + 0.1, s + 0.2, s + 0.3);
  var a1 = a0 + vec4<f32>(0.01);
  var a2 = a0 + vec4<f32>(0.02);
  var a3 = a0 + vec4<f32>(0.03);
  var a4 = a0 + vec4<f32>(0.04);
  var a5 = a0 + vec4<f32>(0.05);
  var a6 = a0 + vec4<f32>(0.06);
  var a7 = a0 + vec4<f32>(0.07);
  let m = vec4<f32>(0.999);
  let c = vec4<f32>(0.001);
  for (var i = 0u; i < params.iters; i = i + 1u) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
  }
  out[gid.x] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}
