// Shared by every kernel. The generated header in front of it defines
//   WG: u32     invocations per workgroup (1-D kernels)
//   RANK: i32   rank of the strided walk (after merging axes), at most 8
//   NOPS: u32   strided operands walked together
//
// Parameter block (64 u32 words, one uniform slot per dispatch). The strided layout, used by
// every kernel that walks views:
//   [0]        number of invocations that do work (n)
//   [1..3]     kernel scalars
//   [4..11]    shape of the walk, outermost first
//   [12 + 9k]  operand k: element offset, then its 8 strides
//   [48..63]   kernel-specific extras

struct Params { v: array<vec4<u32>, 16> }
@group(0) @binding(0) var<uniform> params: Params;

// Kernels write pu(12u); assembly rewrites constant indices to params.v[3].x.
fn pu(i: u32) -> u32 { return params.v[i >> 2u][i & 3u]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }

const SHAPE_AT = 4u;
fn operand_at(k: u32) -> u32 { return 12u + 9u * k; }

// Index of this invocation in a 1-D launch spread over a 2-D grid of workgroups
// (grids wider than 65535 workgroups continue in y).
fn global_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid;
}

// Index of this workgroup in a 2-D grid, for kernels that give each workgroup one row.
fn group_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y * nwg.x + wid.x;
}

// fn strided_offsets(i: u32) -> array<u32, NOPS>, the element offsets of every operand at
// row-major position i of the walk, is generated for each RANK and NOPS (pipelines.ts,
// walkSource) with every parameter read at a constant index: dynamically indexed uniforms
// made elementwise kernels 5-10x slower on SwiftShader.
