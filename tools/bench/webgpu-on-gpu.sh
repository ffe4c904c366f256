#!/usr/bin/env bash
# The WebGPU benchmark — Tessera's webgpu backend against TensorFlow.js WebGPU on one adapter,
# in one Node process — on a machine with a real GPU. A few minutes on a GPU.
#
#   bash tools/bench/webgpu-on-gpu.sh [--out FILE.json] [--quick | --swiftshader] [-- extra pnpm bench options]
#
#   (default)      full sizes; refuses a CPU-emulated adapter (SwiftShader, lavapipe)
#   --swiftshader  the sizes BENCHMARKS.md uses on SwiftShader (< 8 minutes on 2 cores)
#   --quick        tiny sizes on any adapter, emulated too: checks the whole path end to end (~20 s)
#   --out FILE     the JSON results (default bench-results/webgpu.json); the markdown goes
#                  next to it (FILE with .md) and the charts into FILE's name + -svg/;
#                  relative paths are taken from the repository root, where the script runs
#
# Needs, and installs none of it (nothing here downloads binaries): Node >= 20, pnpm, the
# workspace's node_modules (`pnpm install --frozen-lockfile` once, which brings the npm
# `webgpu` package: Dawn for Node), and a Vulkan driver for the GPU — on NVIDIA the
# proprietary driver ships one (/usr/share/vulkan/icd.d/nvidia_icd.json) — with the Vulkan
# loader (libvulkan1). Point VK_ICD_FILENAMES at the GPU's ICD file when the loader could
# pick another (lavapipe, which Dawn cannot use). gcc is optional (the CPU FMA peak).
#
# Append the result to BENCHMARKS.md as its WebGPU section, after the CPU run:
#   pnpm bench --from-json tools/bench/results/latest.json --section FILE.json --md BENCHMARKS.md --svg-dir tools/bench/results
set -euo pipefail

self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/../.."
export TESSERA_BENCH_VIA="bash tools/bench/webgpu-on-gpu.sh${*:+ $*}"
mode=gpu
out=bench-results/webgpu.json
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --swiftshader) mode=swiftshader ;;
    --out) out="$2"; shift ;;
    --out=*) out="${1#--out=}" ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,22p' "$self" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "webgpu-on-gpu.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "webgpu-on-gpu.sh: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not installed (Node >= 20)"
command -v pnpm >/dev/null || fail "pnpm is not installed (npm i -g pnpm@10.34.9)"
[ -d node_modules/.pnpm ] || fail "no node_modules: run pnpm install --frozen-lockfile first"
[ -e tools/bench/node_modules/webgpu ] || fail "the npm package webgpu (Dawn for Node) is missing: run pnpm install --frozen-lockfile"

case "$mode" in
  gpu)
    emulated=()
    if [ -n "${VK_ICD_FILENAMES:-}" ] && grep -qi swiftshader <<<"$VK_ICD_FILENAMES"; then
      fail "VK_ICD_FILENAMES points at SwiftShader ($VK_ICD_FILENAMES); unset it or point it at the GPU's driver, or pass --swiftshader/--quick"
    fi
    if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/share/vulkan/icd.d/nvidia_icd.json ]; then
      export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/nvidia_icd.json
    fi
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
    sizes=(
      --param matmul.N=256,512,1024,2048,4096
      --param mlp.B=32,128,256,1024
      --param cnn.B=64,256
    )
    timing=(--warmup 3 --min-runs 5 --max-runs 50 --case-budget-s 3)
    ;;
  swiftshader|quick)
    emulated=(--allow-emulated-gpu)
    if [ "$mode" = swiftshader ]; then
      gpt=(layers=2 heads=2 width=64 ctx=64 vocab=256)
      sizes=(--param matmul.N=256,512,1024 --param mlp.B=32,128 --param cnn.B=64 --param attention.T=128
        --param gpt-train.batch=4 --param gpt-generate.prompt=16 --param gpt-generate.new=32)
      timing=(--warmup 1 --min-runs 3 --max-runs 5 --case-budget-s 10 --max-run-s 20)
    else
      gpt=(layers=1 heads=2 width=32 ctx=32 vocab=64)
      sizes=(--param matmul.N=64,128 --param mlp.B=8 --param cnn.B=4 --param attention.T=32
        --param gpt-train.batch=2 --param gpt-generate.prompt=8 --param gpt-generate.new=8)
      timing=(--warmup 1 --min-runs 2 --max-runs 2 --case-budget-s 2)
    fi
    for kv in "${gpt[@]}"; do sizes+=(--param "gpt-train.$kv" --param "gpt-generate.$kv"); done
    ;;
esac

export TURBO_TELEMETRY_DISABLED=1
pnpm exec turbo run build --filter=@tessera/bench... --filter=@tessera/backend-webgpu... --output-logs=errors-only

md="${out%.json}.md"
svg="${out%.json}-svg"
node tools/bench/dist/cli.js \
  --suite matmul,mlp,cnn,attention,gpt-train,gpt-generate \
  --backends webgpu --peers tfjs-webgpu \
  ${emulated[@]+"${emulated[@]}"} "${sizes[@]}" "${timing[@]}" \
  --json "$out" --md "$md" --svg-dir "$svg" ${extra[@]+"${extra[@]}"}

# Both sides must have run, or the file compares nothing.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const has = (k, v) => r.records.some((x) => x[k] === v);
  const missing = [["backend", "webgpu"], ["peer", "tfjs-webgpu"]].filter(([k, v]) => !has(k, v)).map(([, v]) => v);
  if (missing.length) {
    for (const a of r.absent) console.error(`  ${a.id}: ${a.reason}`);
    console.error(`webgpu-on-gpu.sh: no results from ${missing.join(" and ")} (see above)`);
    process.exit(1);
  }
  const g = r.gpu_peak && r.gpu_peak.fma_gflops ? `, adapter peak ${r.gpu_peak.fma_gflops} GFLOP/s on ${r.gpu_peak.adapter}` : "";
  console.error(`webgpu-on-gpu.sh: ${r.records.length} results${g}`);
' "$out"
echo "$out"
echo "$md"
