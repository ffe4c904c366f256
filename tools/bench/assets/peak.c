/*
 * The machine's physical limits, for tools/bench: float32 FMA throughput and memory copy
 * bandwidth, on one thread and on every core at once. Prints one JSON object.
 *
 * Build: gcc -O3 -mavx2 -mfma -pthread peak.c -o peak   (AVX-512 is used where the CPU has it)
 * Usage: peak [threads]
 *
 * FMA: CHAINS independent accumulators, so the FMA latency (4-5 cycles) is hidden behind
 * the two FMA pipes; each iteration is CHAINS vector FMAs = CHAINS * lanes * 2 flops.
 * Copy: memcpy of a buffer far larger than the caches; bytes read plus bytes written,
 * the STREAM convention. Each figure is the best of several repetitions.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHAINS 12
#define REPS 7

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Returns a value that depends on every chain, so nothing is optimised away. */
static float fma_avx2(long iters) {
  __m256 acc[CHAINS];
  for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_ps(1.0f + c * 1e-3f);
  const __m256 m = _mm256_set1_ps(0.9999999f), a = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; i++) {
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], m, a);
  }
  __m256 s = acc[0];
  for (int c = 1; c < CHAINS; c++) s = _mm256_add_ps(s, acc[c]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[7];
}

__attribute__((target("avx512f"))) static float fma_avx512(long iters) {
  __m512 acc[CHAINS];
  for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps(1.0f + c * 1e-3f);
  const __m512 m = _mm512_set1_ps(0.9999999f), a = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iters; i++) {
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], m, a);
  }
  __m512 s = acc[0];
  for (int c = 1; c < CHAINS; c++) s = _mm512_add_ps(s, acc[c]);
  return _mm512_reduce_add_ps(s);
}

typedef struct {
  int wide; /* 16 lanes (AVX-512) or 8 (AVX2) */
  long iters;
  float sink;
  char *dst, *src;
  size_t bytes;
} job_t;

static void *fma_job(void *p) {
  job_t *j = p;
  j->sink = j->wide ? fma_avx512(j->iters) : fma_avx2(j->iters);
  return NULL;
}

static void *copy_job(void *p) {
  job_t *j = p;
  memcpy(j->dst, j->src, j->bytes);
  return NULL;
}

/* Best wall time over REPS of `fn` run on `threads` threads at once. */
static double best_time(void *(*fn)(void *), job_t *jobs, int threads) {
  pthread_t tid[256];
  double best = 1e30;
  for (int r = 0; r < REPS; r++) {
    double t0 = now();
    for (int t = 1; t < threads; t++) pthread_create(&tid[t], NULL, fn, &jobs[t]);
    fn(&jobs[0]);
    for (int t = 1; t < threads; t++) pthread_join(tid[t], NULL);
    double dt = now() - t0;
    if (dt < best) best = dt;
  }
  return best;
}

static double fma_gflops(int wide, int threads) {
  const long iters = 20 * 1000 * 1000;
  job_t jobs[256];
  for (int t = 0; t < threads; t++) jobs[t] = (job_t){.wide = wide, .iters = iters};
  double dt = best_time(fma_job, jobs, threads);
  float sink = 0;
  for (int t = 0; t < threads; t++) sink += jobs[t].sink;
  if (sink == 12345.678f) fprintf(stderr, "sink\n");
  return (double)threads * iters * CHAINS * (wide ? 16 : 8) * 2 / dt / 1e9;
}

static double copy_gbs(int threads) {
  const size_t total = (size_t)256 << 20;
  char *src = aligned_alloc(64, total), *dst = aligned_alloc(64, total);
  if (!src || !dst) return 0;
  memset(src, 1, total);
  memset(dst, 2, total);
  job_t jobs[256];
  size_t part = total / threads;
  for (int t = 0; t < threads; t++) jobs[t] = (job_t){.dst = dst + t * part, .src = src + t * part, .bytes = part};
  double dt = best_time(copy_job, jobs, threads);
  free(src);
  free(dst);
  return 2.0 * part * threads / dt / 1e9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1) threads = 1;
  if (threads > 256) threads = 256;
  __builtin_cpu_init();
  int has512 = __builtin_cpu_supports("avx512f");
  double avx2_1 = fma_gflops(0, 1), avx2_n = threads > 1 ? fma_gflops(0, threads) : avx2_1;
  double w_1 = has512 ? fma_gflops(1, 1) : 0, w_n = has512 ? (threads > 1 ? fma_gflops(1, threads) : w_1) : 0;
  double c_1 = copy_gbs(1), c_n = threads > 1 ? copy_gbs(threads) : c_1;
  printf("{\"threads\": %d, \"avx2_fma_gflops_1t\": %.2f, \"avx2_fma_gflops_all\": %.2f, "
         "\"avx512\": %s, \"avx512_fma_gflops_1t\": %.2f, \"avx512_fma_gflops_all\": %.2f, "
         "\"copy_gbs_1t\": %.2f, \"copy_gbs_all\": %.2f}\n",
         threads, avx2_1, avx2_n, has512 ? "true" : "false", w_1, w_n, c_1, c_n);
  return 0;
}
