// Batched matmul out[b, m, n] = act(sum_k a[b, m, k] * b[b, k, n] + bias[b, m, n]).
// The strided walk of common.wgsl runs over the batch axes with three operands: the batch
// offsets of a, b and bias (stride 0 on broadcast batch axes). Rows and columns of every
// operand are plain strides, so transposed operands need no copy.
//   [1] M  [2] N  [3] K  [40] a row stride  [41] a column stride  [42..43] b's
//   [44..45] bias's  [46] out's offset  [47] first batch of this dispatch
//   [48] invocations of the small kernel
// Header: HAS_BIAS, ACTIVATION (see f_activation), A_K_CONTIGUOUS, B_N_CONTIGUOUS.

@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read> BIAS: array<f32>;
@group(0) @binding(4) var<storage, read_write> OUT: array<f32>;

fn epilogue(v: f32, bias_base: u32, m: u32, n: u32) -> f32 {
  if (!HAS_BIAS && ACTIVATION == 0u) { return v; }
  var r = v;
  if (HAS_BIAS) { r += BIAS[bias_base + m * pu(44u) + n * pu(45u)]; }
  return f_activation(ACTIVATION, r);
}

// Tiled kernel: a 64 x 64 block of out per workgroup of 16 x 16 invocations, each holding a
// 4 x 4 block of accumulators in registers (rows lid.y + 16 i, columns lid.x + 16 j, so
// neighbouring invocations write neighbouring columns). K advances in slices of BK staged in
// workgroup memory, k-major so the inner loop reads rows of both tiles. Everything per
// invocation is unrolled with constant indices: indexing a local array with a loop variable
// spills it to memory on some compilers (SwiftShader's among them).
const BM = 64u;
const BN = 64u;
const BK = 32u;
var<workgroup> As: array<f32, 2048>; // [BK][BM]: with Bs, the 16 KiB every device offers
var<workgroup> Bs: array<f32, 2048>; // [BK][BN]

// Stages element e (0..2047) of both tiles: consecutive invocations load consecutive
// addresses of whichever axis is contiguous.
fn stage(e: u32, base_a: u32, base_b: u32, row0: u32, col0: u32, k0: u32) {
  let M = pu(1u);
  let N = pu(2u);
  let K = pu(3u);
  var m = e % BM;
  var ka = e / BM;
  if (A_K_CONTIGUOUS) { m = e / BK; ka = e % BK; }
  var av = 0.0;
  if (row0 + m < M && k0 + ka < K) { av = A[base_a + (row0 + m) * pu(40u) + (k0 + ka) * pu(41u)]; }
  As[ka * BM + m] = av;
  var n = e / BK;
  var kb = e % BK;
  if (B_N_CONTIGUOUS) { n = e % BN; kb = e / BN; }
  var bv = 0.0;
  if (col0 + n < N && k0 + kb < K) { bv = B[base_b + (k0 + kb) * pu(42u) + (col0 + n) * pu(43u)]; }
  Bs[kb * BN + n] = bv;
}

fn store_row(m: u32, n0: u32, acc: vec4<f32>, out_base: u32, bias_base: u32) {
  let M = pu(1u);
  let N = pu(2u);
  if (m >= M) { return; }
  let row = out_base + m * N;
  if (n0 < N) { OUT[row + n0] = epilogue(acc.x, bias_base, m, n0); }
  if (n0 + 16u < N) { OUT[row + n0 + 16u] = epilogue(acc.y, bias_base, m, n0 + 16u); }
  if (n0 + 32u < N) { OUT[row + n0 + 32u] = epilogue(acc.z, bias_base, m, n0 + 32u); }
  if (n0 + 48u < N) { OUT[row + n0 + 48u] = epilogue(acc.w, bias_base, m, n0 + 48u); }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let K = pu(3u);
  let batch = wid.z + pu(47u);
  let base = strided_offsets(batch);
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let tid = lid.y * 16u + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < K; k0 += BK) {
    stage(tid, base[0], base[1], row0, col0, k0);
    stage(tid + 256u, base[0], base[1], row0, col0, k0);
    stage(tid + 512u, base[0], base[1], row0, col0, k0);
    stage(tid + 768u, base[0], base[1], row0, col0, k0);
    stage(tid + 1024u, base[0], base[1], row0, col0, k0);
    stage(tid + 1280u, base[0], base[1], row0, col0, k0);
    stage(tid + 1536u, base[0], base[1], row0, col0, k0);
    stage(tid + 1792u, base[0], base[1], row0, col0, k0);
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let ra = k * BM + lid.y;
      let rb = k * BN + lid.x;
      let a = vec4<f32>(As[ra], As[ra + 16u], As[ra + 32u], As[ra + 48u]);
      let b = vec4<f32>(Bs[rb], Bs[rb + 16u], Bs[rb + 32u], Bs[rb + 48u]);
      acc0 = fma(vec4<f32>(a.x), b, acc0);
      acc1 = fma(vec4<f32>(a.y), b, acc1);
      acc2 = fma(vec4<f32>(a.z), b, acc2);
      acc3 = fma(vec4<f32>(a.w), b, acc3);
    }
    workgroupBarrier();
  }
  let out_base = pu(46u) + batch * pu(1u) * pu(2u);
  let n0 = col0 + lid.x;
  store_row(row0 + lid.y, n0, acc0, out_base, base[2]);
  store_row(row0 + lid.y + 16u, n0, acc1, out_base, base[2]);
  store_row(row0 + lid.y + 32u, n0, acc2, out_base, base[2]);
  store_row(row0 + lid.y + 48u, n0, acc3, out_base, base[2]);
}

// Small kernel: one invocation per output element, for thin products (matrix-vector,
// a few rows or columns) where 64 x 64 tiles would idle most invocations.
@compute @workgroup_size(WG)
fn main_small(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let i = global_index(wid, nwg, lid);
  if (i >= pu(48u)) { return; }
  let M = pu(1u);
  let N = pu(2u);
  let K = pu(3u);
  let per = M * N;
  let batch = i / per;
  let r = i % per;
  let m = r / N;
  let n = r % N;
  let base = strided_offsets(batch);
  var pa = base[0] + m * pu(40u);
  var pb = base[1] + n * pu(43u);
  let acs = pu(41u);
  let brs = pu(42u);
  var acc = 0.0;
  for (var k = 0u; k < K; k++) {
    acc = fma(A[pa], B[pb], acc);
    pa += acs;
    pb += brs;
  }
  OUT[pu(46u) + i] = epilogue(acc, base[2], m, n);
}
