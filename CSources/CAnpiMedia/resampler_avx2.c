/*
 * resampler_avx2.c — AVX2 + FMA kernels of the polyphase resampler.
 *
 * Each output is the canonical computation of resampler_internal.h: one
 * 8-lane FMA accumulator over the taps, then a fixed sum tree, so the output
 * is bit-identical to the scalar kernel. What the SIMD code is free to choose
 * is how outputs are grouped: it computes several outputs at once so that a
 * loaded coefficient (or input) vector feeds several FMAs, and it reduces
 * eight accumulators together with the same tree.
 *
 * The functions carry target attributes rather than relying on compiler
 * flags, and are only called after anpi_rs_avx2_supported() said yes.
 */
#include "resampler_internal.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))

int anpi_rs_avx2_supported(void)
{
    /* libgcc / compiler-rt also check that the OS saves the YMM state */
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* Lane i of the result is the canonical sum of a[i]:
 * s[j] = l[j] + l[j+4], then (s0 + s1) + (s2 + s3). */
AVX2 static inline __m256 reduce8(const __m256 *a)
{
    const __m256 u0 = _mm256_add_ps(_mm256_permute2f128_ps(a[0], a[4], 0x20),
                                    _mm256_permute2f128_ps(a[0], a[4], 0x31));
    const __m256 u1 = _mm256_add_ps(_mm256_permute2f128_ps(a[1], a[5], 0x20),
                                    _mm256_permute2f128_ps(a[1], a[5], 0x31));
    const __m256 u2 = _mm256_add_ps(_mm256_permute2f128_ps(a[2], a[6], 0x20),
                                    _mm256_permute2f128_ps(a[2], a[6], 0x31));
    const __m256 u3 = _mm256_add_ps(_mm256_permute2f128_ps(a[3], a[7], 0x20),
                                    _mm256_permute2f128_ps(a[3], a[7], 0x31));
    /* u_k = [s(a_k) | s(a_k+4)]; two rounds of pairwise adds finish the tree */
    return _mm256_hadd_ps(_mm256_hadd_ps(u0, u1), _mm256_hadd_ps(u2, u3));
}

/* Store the sums of a[0..n-1], n <= 8 (the rest of `a` must be initialised). */
AVX2 static inline void store_sums(const __m256 *a, float *out, size_t n)
{
    const __m256 s = reduce8(a);
    if (n == 8) {
        _mm256_storeu_ps(out, s);
    } else {
        float t[8];
        _mm256_storeu_ps(t, s);
        memcpy(out, t, n * sizeof(float));
    }
}

/* Any up / down (16k <-> 24k, and the tails of the others): four outputs
 * per pass, each with its own phase and window, for four independent FMA
 * chains. */
AVX2 static void fir_generic(const float *bank, size_t taps, unsigned up, unsigned down,
                             const float *hist, size_t pos, float *out, size_t count)
{
    size_t r = pos / up;
    unsigned p = (unsigned)(pos % up);
    __m256 acc[8];
    for (size_t i = 0; i < count; i += 8) {
        const size_t n = count - i < 8 ? count - i : 8;
        for (size_t q = 0; q < 8; q += 4) {
            const float *c[4], *x[4];
            for (size_t k = 0; k < 4; k++) {
                /* outputs past `n` repeat the last window; their sums are dropped */
                c[k] = bank + p * taps;
                x[k] = hist + r;
                if (q + k + 1 < n)
                    for (p += down; p >= up; p -= up)
                        r++;
            }
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (size_t b = 0; b < taps; b += 8) {
                a0 = _mm256_fmadd_ps(_mm256_load_ps(c[0] + b), _mm256_loadu_ps(x[0] + b), a0);
                a1 = _mm256_fmadd_ps(_mm256_load_ps(c[1] + b), _mm256_loadu_ps(x[1] + b), a1);
                a2 = _mm256_fmadd_ps(_mm256_load_ps(c[2] + b), _mm256_loadu_ps(x[2] + b), a2);
                a3 = _mm256_fmadd_ps(_mm256_load_ps(c[3] + b), _mm256_loadu_ps(x[3] + b), a3);
            }
            acc[q] = a0, acc[q + 1] = a1, acc[q + 2] = a2, acc[q + 3] = a3;
        }
        store_sums(acc, out + i, n);
        if (n == 8) /* advance past the last output */
            for (p += down; p >= up; p -= up)
                r++;
    }
}

/* Decimation (up == 1): one phase, so each coefficient load feeds 8 outputs
 * whose windows start `step` samples apart. */
AVX2 static inline void decimate8(const float *c, size_t taps, const float *x, size_t step,
                                  float *out)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
           a7 = a0;
    for (size_t b = 0; b < taps; b += 8) {
        const __m256 cb = _mm256_load_ps(c + b);
        const float *xb = x + b;
        a0 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb), a0);
        a1 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + step), a1);
        a2 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 2 * step), a2);
        a3 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 3 * step), a3);
        a4 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 4 * step), a4);
        a5 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 5 * step), a5);
        a6 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 6 * step), a6);
        a7 = _mm256_fmadd_ps(cb, _mm256_loadu_ps(xb + 7 * step), a7);
    }
    const __m256 a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    store_sums(a, out, 8);
}

/* Interpolation by 3 (down == 1): the 3 phases of 2 neighbouring windows,
 * 6 consecutive outputs; each input load feeds 3 FMAs, each coefficient 2. */
AVX2 static inline void interp3x2(const float *c, size_t taps, const float *x, __m256 *a)
{
    const float *c0 = c, *c1 = c + taps, *c2 = c + 2 * taps;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    for (size_t b = 0; b < taps; b += 8) {
        const __m256 k0 = _mm256_load_ps(c0 + b), k1 = _mm256_load_ps(c1 + b),
                     k2 = _mm256_load_ps(c2 + b);
        const __m256 x0 = _mm256_loadu_ps(x + b), x1 = _mm256_loadu_ps(x + 1 + b);
        a0 = _mm256_fmadd_ps(k0, x0, a0);
        a1 = _mm256_fmadd_ps(k1, x0, a1);
        a2 = _mm256_fmadd_ps(k2, x0, a2);
        a3 = _mm256_fmadd_ps(k0, x1, a3);
        a4 = _mm256_fmadd_ps(k1, x1, a4);
        a5 = _mm256_fmadd_ps(k2, x1, a5);
    }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3, a[4] = a4, a[5] = a5;
}

/* Interpolation by 2: the 2 phases of 4 neighbouring windows, 8 outputs. */
AVX2 static inline void interp2x4(const float *c, size_t taps, const float *x, __m256 *a)
{
    const float *c0 = c, *c1 = c + taps;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
           a7 = a0;
    for (size_t b = 0; b < taps; b += 8) {
        const __m256 k0 = _mm256_load_ps(c0 + b), k1 = _mm256_load_ps(c1 + b);
        const __m256 x0 = _mm256_loadu_ps(x + b), x1 = _mm256_loadu_ps(x + 1 + b),
                     x2 = _mm256_loadu_ps(x + 2 + b), x3 = _mm256_loadu_ps(x + 3 + b);
        a0 = _mm256_fmadd_ps(k0, x0, a0);
        a1 = _mm256_fmadd_ps(k1, x0, a1);
        a2 = _mm256_fmadd_ps(k0, x1, a2);
        a3 = _mm256_fmadd_ps(k1, x1, a3);
        a4 = _mm256_fmadd_ps(k0, x2, a4);
        a5 = _mm256_fmadd_ps(k1, x2, a5);
        a6 = _mm256_fmadd_ps(k0, x3, a6);
        a7 = _mm256_fmadd_ps(k1, x3, a7);
    }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3, a[4] = a4, a[5] = a5, a[6] = a6, a[7] = a7;
}

AVX2 void anpi_rs_fir_avx2(const float *bank, size_t taps, unsigned up, unsigned down,
                           const float *hist, size_t pos, float *out, size_t count)
{
    size_t i = 0;
    if (up == 1 && down == 3) { /* constant steps let the compiler fold the offsets */
        for (; i + 8 <= count; i += 8)
            decimate8(bank, taps, hist + pos + 3 * i, 3, out + i);
    } else if (up == 1 && down == 2) {
        for (; i + 8 <= count; i += 8)
            decimate8(bank, taps, hist + pos + 2 * i, 2, out + i);
    } else if (up == 3 && down == 1 && pos % 3 == 0) {
        __m256 a[24]; /* 8 windows x 3 phases */
        for (; i + 24 <= count; i += 24) {
            const float *x = hist + pos / 3 + i / 3;
            for (size_t k = 0; k < 4; k++)
                interp3x2(bank, taps, x + 2 * k, a + 6 * k);
            for (size_t k = 0; k < 3; k++)
                store_sums(a + 8 * k, out + i + 8 * k, 8);
        }
    } else if (up == 2 && down == 1 && pos % 2 == 0) {
        __m256 a[8];
        for (; i + 8 <= count; i += 8) {
            interp2x4(bank, taps, hist + pos / 2 + i / 2, a);
            store_sums(a, out + i, 8);
        }
    }
    fir_generic(bank, taps, up, down, hist, pos + i * down, out + i, count - i);
}

AVX2 void anpi_rs_to_int16_avx2(const float *in, int16_t *out, size_t n)
{
    const __m256 hi = _mm256_set1_ps(32767.0f), lo = _mm256_set1_ps(-32768.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_max_ps(_mm256_min_ps(_mm256_loadu_ps(in + i), hi), lo);
        const __m256i q = _mm256_cvtps_epi32(v); /* round to nearest even */
        _mm_storeu_si128((__m128i *)(out + i), _mm_packs_epi32(_mm256_castsi256_si128(q),
                                                              _mm256_extracti128_si256(q, 1)));
    }
    for (; i < n; i++) {
        const __m128 v = _mm_max_ss(_mm_min_ss(_mm_set_ss(in[i]), _mm256_castps256_ps128(hi)),
                                    _mm256_castps256_ps128(lo));
        out[i] = (int16_t)_mm_cvtss_si32(v);
    }
}

AVX2 void anpi_rs_from_int16_avx2(const int16_t *in, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(in + i));
        _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(v)));
    }
    for (; i < n; i++)
        out[i] = (float)in[i];
}

#else /* not x86: there is no AVX2 kernel, and nobody calls these */

int anpi_rs_avx2_supported(void)
{
    return 0;
}

void anpi_rs_fir_avx2(const float *bank, size_t taps, unsigned up, unsigned down,
                      const float *hist, size_t pos, float *out, size_t count)
{
    (void)bank, (void)taps, (void)up, (void)down, (void)hist, (void)pos, (void)out, (void)count;
}

void anpi_rs_to_int16_avx2(const float *in, int16_t *out, size_t n)
{
    (void)in, (void)out, (void)n;
}

void anpi_rs_from_int16_avx2(const int16_t *in, float *out, size_t n)
{
    (void)in, (void)out, (void)n;
}

#endif
