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
  var r = v;
  if (HAS_BIAS) { r += BIAS[bias_base + m * pu(44u) + n * pu(45u)]; }
  return f_activation(ACTIVATION, r);
}

// Tiled kernel: a 64 x 64 block of out per workgroup of 16 x 16 invocations, each holding a
// 4 x 4 block of accumulators in registers (rows lid.y + 16 i, columns lid.x + 16 j, so
// neighbouring invocations write neighbouring columns). K advances in slices of 16 staged in
// workgroup memory, k-major so the inner loop reads rows of both tiles.
const BM = 64u;
const BN = 64u;
const BK = 16u;
var<workgroup> As: array<f32, 1024>; // [BK][BM]
var<workgroup> Bs: array<f32, 1024>; // [BK][BN]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(1u);
  let N = pu(2u);
  let K = pu(3u);
  let batch = wid.z + pu(47u);
  let base = strided_offsets(batch);
  let ars = pu(40u);
  let acs = pu(41u);
  let brs = pu(42u);
  let bcs = pu(43u);
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    for (var i = 0u; i < 4u; i++) {
      let e = tid + i * 256u;
      // Consecutive invocations load consecutive addresses of whichever axis is contiguous.
      var m = e % BM;
      var ka = e / BM;
      if (A_K_CONTIGUOUS) { m = e / BK; ka = e % BK; }
      var av = 0.0;
      if (row0 + m < M && k0 + ka < K) { av = A[base[0] + (row0 + m) * ars + (k0 + ka) * acs]; }
      As[ka * BM + m] = av;
      var n = e / BK;
      var kb = e % BK;
      if (B_N_CONTIGUOUS) { n = e % BN; kb = e / BN; }
      var bv = 0.0;
      if (col0 + n < N && k0 + kb < K) { bv = B[base[1] + (k0 + kb) * brs + (col0 + n) * bcs]; }
      Bs[kb * BN + n] = bv;
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[k * BM + lid.y + 16u * i];
        b[i] = Bs[k * BN + lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]); }
      }
    }
    workgroupBarrier();
  }
  let out_base = pu(46u) + batch * M * N;
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let m = row0 + lid.y + 16u * i;
      let n = col0 + lid.x + 16u * j;
      if (m < M && n < N) { OUT[out_base + m * N + n] = epilogue(acc[i * 4u + j], base[2], m, n); }
    }
  }
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
