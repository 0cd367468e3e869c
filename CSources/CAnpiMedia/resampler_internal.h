/*
 * resampler_internal.h — shared by the resampler's .c files; not part of the API.
 *
 * The canonical FIR computation. Every kernel must reproduce it bit for bit,
 * so that output never depends on the CPU:
 *
 *   A filter bank holds `up` phases of `taps` coefficients each (taps is a
 *   multiple of 8, zero-padded), in time order: c[t] multiplies x[t], the
 *   oldest input of the window first. One output is
 *
 *     lane[j] = 0                                  j = 0..7
 *     lane[j] = fmaf(c[8b + j], x[8b + j], lane[j])  b = 0..taps/8-1, in order
 *     s[j]    = lane[j] + lane[j + 4]              j = 0..3
 *     y       = (s[0] + s[1]) + (s[2] + s[3])
 *
 *   i.e. one 8-wide FMA accumulator and a fixed horizontal-sum tree, which the
 *   scalar kernel emulates with fmaf() (never a*b+c, which a compiler may or
 *   may not contract). int16 output clamps to [-32768, 32767] and then rounds
 *   to nearest even (the default rounding mode), as cvtps2dq does.
 *
 * Output walk: with the window of output i starting at hist[r_i] and using
 * phase p_i, (r_0, p_0) = (pos / up, pos % up) and every output advances
 * pos by `down`.
 *
 * Do not compile these files with -ffast-math: it would let the compiler
 * reassociate the sums and break the bit-identity.
 */
#ifndef ANPI_RESAMPLER_INTERNAL_H
#define ANPI_RESAMPLER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "anpi_media.h"

#if defined(__GNUC__) || defined(__clang__)
#define ANPI_HIDDEN __attribute__((visibility("hidden")))
#else
#define ANPI_HIDDEN
#endif

/** A linear-phase low-pass prototype (gain 1), from resampler_filters.c. */
typedef struct anpi_rs_filter {
    const float *taps;
    int len;             /* odd: the group delay is (len - 1) / 2 samples */
    int rate;            /* the rate it runs at: lcm of the two rates     */
    int pass_hz, stop_hz;
    double ripple_db;    /* designed figures, for reference               */
    double rejection_db;
} anpi_rs_filter;

ANPI_HIDDEN extern const anpi_rs_filter anpi_rs_filter_16k; /* 8000 <-> 16000  */
ANPI_HIDDEN extern const anpi_rs_filter anpi_rs_filter_24k; /* 8000 <-> 24000  */
ANPI_HIDDEN extern const anpi_rs_filter anpi_rs_filter_48k; /* 16000 <-> 24000 */

/** Compute `count` outputs from `hist` (see "Output walk") into `out`. */
typedef void (*anpi_rs_fir_fn)(const float *bank, size_t taps, unsigned up, unsigned down,
                               const float *hist, size_t pos, float *out, size_t count);

/** Clamp, round and store `n` samples as int16. */
typedef void (*anpi_rs_to_int16_fn)(const float *in, int16_t *out, size_t n);

/** Convert `n` int16 samples to float (exact in every kernel). */
typedef void (*anpi_rs_from_int16_fn)(const int16_t *in, float *out, size_t n);

/** 1 when the CPU (and OS) can run the AVX2 + FMA kernels. */
ANPI_HIDDEN int anpi_rs_avx2_supported(void);

/* The AVX2 + FMA kernels (resampler_avx2.c); only called when supported. */
ANPI_HIDDEN void anpi_rs_fir_avx2(const float *bank, size_t taps, unsigned up, unsigned down,
                                  const float *hist, size_t pos, float *out, size_t count);
ANPI_HIDDEN void anpi_rs_to_int16_avx2(const float *in, int16_t *out, size_t n);
ANPI_HIDDEN void anpi_rs_from_int16_avx2(const int16_t *in, float *out, size_t n);

#endif /* ANPI_RESAMPLER_INTERNAL_H */
