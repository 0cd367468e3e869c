/*
 * resampler.c — the resampler object: our polyphase FIR for the 8k/16k/24k
 * pairs (scalar reference kernel here, AVX2 in resampler_avx2.c) and the
 * speexdsp resampler behind the same interface.
 *
 * Polyphase model: the input x[n] is upsampled by `up` (zeros between
 * samples), filtered at the common rate by the prototype h and decimated by
 * `down`. Output j therefore only needs phase p = (j*down) % up of h and the
 * inputs up to n0 = (j*down) / up, so it exists as soon as x[n0] has arrived:
 * n inputs always give exactly ceil(n*up/down) outputs, whatever the chunking.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <speex/speex_resampler.h>

#include "resampler_internal.h"

/* The scalar kernel must not let a*b+c become an FMA behind our back. GCC
 * ignores the pragma; the kernel writes no a*b+c for it to contract anyway. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Input samples per internal block: bounds the history buffer and the int16
 * scratch, so that process never allocates. 512 holds a 20 ms chunk at 24 kHz. */
enum { BLOCK = 512 };

struct anpi_resampler {
    int in_rate, out_rate;
    anpi_kernel kernel;
    SpeexResamplerState *speex; /* non-NULL: the speex kind */
    double delay;               /* output samples */

    /* polyphase kind */
    unsigned up, down;
    size_t taps;       /* per phase, a multiple of 8 */
    size_t pos;        /* next output, in 1/up input samples from the next block's start */
    float *bank;       /* up * taps coefficients */
    float *hist;       /* taps - 1 samples of history, then up to BLOCK new ones */
    float *scratch;    /* float outputs of one block on the int16 path */
    anpi_rs_fir_fn fir;
    anpi_rs_to_int16_fn to_int16;
    anpi_rs_from_int16_fn from_int16;
};

/* ------------------------------------------------------------- kernels -- */

int anpi_kernel_available(anpi_kernel kernel)
{
    switch (kernel) {
    case ANPI_KERNEL_AUTO:
    case ANPI_KERNEL_SCALAR:
        return 1;
    case ANPI_KERNEL_AVX2:
        return anpi_rs_avx2_supported();
    }
    return 0;
}

static anpi_kernel resolve_kernel(anpi_kernel kernel)
{
    if (kernel == ANPI_KERNEL_AUTO)
        return anpi_rs_avx2_supported() ? ANPI_KERNEL_AVX2 : ANPI_KERNEL_SCALAR;
    return kernel;
}

const char *anpi_kernel_name(anpi_kernel kernel)
{
    switch (resolve_kernel(kernel)) {
    case ANPI_KERNEL_SCALAR:
        return "scalar";
    case ANPI_KERNEL_AVX2:
        return "avx2";
    default:
        return "unknown";
    }
}

/* The canonical dot product (see resampler_internal.h), one output. */
static float dot_scalar(const float *c, const float *x, size_t taps)
{
    float lane[8] = {0};
    for (size_t b = 0; b < taps; b += 8)
        for (size_t j = 0; j < 8; j++)
            lane[j] = fmaf(c[b + j], x[b + j], lane[j]);
    const float s0 = lane[0] + lane[4], s1 = lane[1] + lane[5];
    const float s2 = lane[2] + lane[6], s3 = lane[3] + lane[7];
    return (s0 + s1) + (s2 + s3);
}

static void fir_scalar(const float *bank, size_t taps, unsigned up, unsigned down,
                       const float *hist, size_t pos, float *out, size_t count)
{
    size_t r = pos / up;
    unsigned p = (unsigned)(pos % up);
    for (size_t i = 0; i < count; i++) {
        out[i] = dot_scalar(bank + p * taps, hist + r, taps);
        /* pos += down, kept as (r, p) to avoid a division per output */
        p += down;
        while (p >= up) {
            p -= up;
            r++;
        }
    }
}

static void to_int16_scalar(const float *in, int16_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = in[i];
        v = v < 32767.0f ? v : 32767.0f; /* the operand order of minps / maxps */
        v = v > -32768.0f ? v : -32768.0f;
        out[i] = (int16_t)lrintf(v);
    }
}

static void from_int16_scalar(const int16_t *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)in[i];
}

/* ------------------------------------------------------------ creation -- */

static int gcd_int(int a, int b)
{
    while (b) {
        const int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The prototype for a rate pair, or NULL when the pair is not ours. */
static const anpi_rs_filter *find_filter(int in_rate, int out_rate)
{
    static const anpi_rs_filter *const filters[] = {&anpi_rs_filter_16k, &anpi_rs_filter_24k,
                                                   &anpi_rs_filter_48k};
    const int ours = (in_rate == 8000 || in_rate == 16000 || in_rate == 24000) &&
                     (out_rate == 8000 || out_rate == 16000 || out_rate == 24000) &&
                     in_rate != out_rate;
    if (!ours)
        return NULL;
    const int common = in_rate / gcd_int(in_rate, out_rate) * out_rate;
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (filters[i]->rate == common)
            return filters[i];
    return NULL;
}

static int init_polyphase(anpi_resampler *rs, const anpi_rs_filter *f)
{
    const unsigned up = (unsigned)(f->rate / rs->in_rate);
    const unsigned down = (unsigned)(f->rate / rs->out_rate);
    const size_t len = (size_t)f->len;
    const size_t taps = ((len + up - 1) / up + 7) & ~(size_t)7;

    rs->up = up;
    rs->down = down;
    rs->taps = taps;
    rs->delay = (double)(len - 1) / 2.0 / down;
    /* One 32-byte aligned block, each part starting on 32 bytes (hence the
     * slack), so that kernels may use aligned loads of the bank. */
    const size_t bank_n = up * taps, hist_n = taps - 1 + BLOCK;
    const size_t scratch_n = ((size_t)BLOCK * up + down - 1) / down;
    const size_t bytes = (bank_n + hist_n + scratch_n + 16) * sizeof(float);
    float *mem = aligned_alloc(32, (bytes + 31) & ~(size_t)31);
    if (!mem)
        return ANPI_ERR_ALLOC;
    rs->bank = mem;
    rs->hist = mem + ((bank_n + 7) & ~(size_t)7);
    rs->scratch = rs->hist + ((hist_n + 7) & ~(size_t)7);

    /* Phase p, tap t multiplies x[n0 - (taps-1) + t], i.e. h[p + up*(taps-1-t)];
     * scaled by `up` because upsampling by zero-stuffing loses that gain. The
     * product is exact in double, then rounded once. */
    for (size_t p = 0; p < up; p++)
        for (size_t t = 0; t < taps; t++) {
            const size_t k = p + up * (taps - 1 - t);
            rs->bank[p * taps + t] = k < len ? (float)((double)f->taps[k] * up) : 0.0f;
        }
    if (rs->kernel == ANPI_KERNEL_AVX2) {
        rs->fir = anpi_rs_fir_avx2;
        rs->to_int16 = anpi_rs_to_int16_avx2;
        rs->from_int16 = anpi_rs_from_int16_avx2;
    } else {
        rs->fir = fir_scalar;
        rs->to_int16 = to_int16_scalar;
        rs->from_int16 = from_int16_scalar;
    }
    anpi_resampler_reset(rs);
    return ANPI_OK;
}

static int init_speex(anpi_resampler *rs, int quality)
{
    int e = 0;
    rs->speex = speex_resampler_init(1, (spx_uint32_t)rs->in_rate, (spx_uint32_t)rs->out_rate,
                                     quality, &e);
    if (!rs->speex)
        return e == RESAMPLER_ERR_ALLOC_FAILED ? ANPI_ERR_ALLOC : ANPI_ERR_CODEC;
    rs->delay = (double)speex_resampler_get_output_latency(rs->speex);
    return ANPI_OK;
}

anpi_resampler *anpi_resampler_create(int in_rate, int out_rate, int quality, anpi_kernel kernel,
                                      int *err)
{
    int e = ANPI_OK;
    const anpi_rs_filter *f = NULL;
    anpi_resampler *rs = NULL;

    if (in_rate <= 0 || out_rate <= 0 || quality < ANPI_RESAMPLER_POLYPHASE || quality > 10 ||
        (kernel != ANPI_KERNEL_AUTO && kernel != ANPI_KERNEL_SCALAR && kernel != ANPI_KERNEL_AVX2))
        e = ANPI_ERR_ARG;
    else if (!anpi_kernel_available(kernel))
        e = ANPI_ERR_UNSUPPORTED;
    else if (quality == ANPI_RESAMPLER_POLYPHASE && !(f = find_filter(in_rate, out_rate)))
        e = ANPI_ERR_UNSUPPORTED;
    else if (!(rs = calloc(1, sizeof *rs)))
        e = ANPI_ERR_ALLOC;
    if (rs) {
        rs->in_rate = in_rate;
        rs->out_rate = out_rate;
        /* speex has SIMD of its own; its objects report SCALAR */
        rs->kernel = f ? resolve_kernel(kernel) : ANPI_KERNEL_SCALAR;
        e = f ? init_polyphase(rs, f) : init_speex(rs, quality);
        if (e != ANPI_OK) {
            anpi_resampler_destroy(rs);
            rs = NULL;
        }
    }
    if (err)
        *err = e;
    return rs;
}

void anpi_resampler_destroy(anpi_resampler *rs)
{
    if (!rs)
        return;
    if (rs->speex)
        speex_resampler_destroy(rs->speex);
    free(rs->bank);
    free(rs);
}

void anpi_resampler_reset(anpi_resampler *rs)
{
    if (!rs)
        return;
    if (rs->speex) {
        speex_resampler_reset_mem(rs->speex);
        return;
    }
    rs->pos = 0;
    memset(rs->hist, 0, (rs->taps - 1) * sizeof(float));
}

/* ----------------------------------------------------------- processing -- */

/* Outputs that `n` more inputs complete when the next one is at `pos`. */
static size_t outputs_for(const anpi_resampler *rs, size_t pos, size_t n)
{
    const size_t end = n * rs->up;
    return end > pos ? (end - pos + rs->down - 1) / rs->down : 0;
}

/* `is16` selects the int16 or the float buffers; arguments are checked. */
static int process_polyphase(anpi_resampler *rs, int is16, const void *in, size_t *in_len,
                             void *out, size_t *out_len)
{
    /* Bounded so that n * up cannot overflow; the caller sees what was consumed. */
    size_t n = *in_len < SIZE_MAX / 8 ? *in_len : SIZE_MAX / 8;
    const size_t cap = *out_len;
    /* Consume only the inputs whose outputs fit: k inputs give
     * ceil((k*up - pos) / down) outputs, so k <= (cap*down + pos) / up. */
    if (outputs_for(rs, rs->pos, n) > cap)
        n = (cap * rs->down + rs->pos) / rs->up;

    const size_t keep = rs->taps - 1;
    size_t done = 0, made = 0;
    while (done < n) {
        const size_t b = n - done < BLOCK ? n - done : BLOCK;
        float *fresh = rs->hist + keep;
        if (is16)
            rs->from_int16((const int16_t *)in + done, fresh, b);
        else
            memcpy(fresh, (const float *)in + done, b * sizeof(float));

        const size_t count = outputs_for(rs, rs->pos, b);
        float *dst = is16 ? rs->scratch : (float *)out + made;
        rs->fir(rs->bank, rs->taps, rs->up, rs->down, rs->hist, rs->pos, dst, count);
        if (is16)
            rs->to_int16(rs->scratch, (int16_t *)out + made, count);

        rs->pos = rs->pos + count * rs->down - b * rs->up;
        memmove(rs->hist, rs->hist + b, keep * sizeof(float));
        done += b;
        made += count;
    }
    *in_len = n;
    *out_len = made;
    return ANPI_OK;
}

static int process_speex(anpi_resampler *rs, int is16, const void *in, size_t *in_len,
                         void *out, size_t *out_len)
{
    spx_uint32_t il = *in_len < UINT32_MAX ? (spx_uint32_t)*in_len : UINT32_MAX;
    spx_uint32_t ol = *out_len < UINT32_MAX ? (spx_uint32_t)*out_len : UINT32_MAX;
    const int e = is16 ? speex_resampler_process_int(rs->speex, 0, in, &il, out, &ol)
                       : speex_resampler_process_float(rs->speex, 0, in, &il, out, &ol);
    *in_len = il;
    *out_len = ol;
    return e == RESAMPLER_ERR_SUCCESS ? ANPI_OK : ANPI_ERR_CODEC;
}

static int process(anpi_resampler *rs, int is16, const void *in, size_t *in_len, void *out,
                   size_t *out_len)
{
    if (!rs || !in_len || !out_len || (!in && *in_len) || (!out && *out_len)) {
        if (in_len)
            *in_len = 0;
        if (out_len)
            *out_len = 0;
        return ANPI_ERR_ARG;
    }
    if (*in_len == 0) { /* also keeps a NULL `in` from speex, which reads it as zeros */
        *out_len = 0;
        return ANPI_OK;
    }
    return rs->speex ? process_speex(rs, is16, in, in_len, out, out_len)
                     : process_polyphase(rs, is16, in, in_len, out, out_len);
}

int anpi_resampler_process_int16(anpi_resampler *rs, const int16_t *in, size_t *in_len,
                                 int16_t *out, size_t *out_len)
{
    return process(rs, 1, in, in_len, out, out_len);
}

int anpi_resampler_process_float(anpi_resampler *rs, const float *in, size_t *in_len, float *out,
                                 size_t *out_len)
{
    return process(rs, 0, in, in_len, out, out_len);
}

/* ------------------------------------------------------------- queries -- */

size_t anpi_resampler_max_output(const anpi_resampler *rs, size_t in_len)
{
    if (!rs)
        return 0;
    if (!rs->speex)
        return outputs_for(rs, rs->pos, in_len < SIZE_MAX / 8 ? in_len : SIZE_MAX / 8);
    /* speex: the exact ratio rounded up, plus one for its fractional phase */
    const size_t in = (size_t)rs->in_rate, out = (size_t)rs->out_rate;
    return in_len / in * out + ((in_len % in) * out + in - 1) / in + 1;
}

double anpi_resampler_delay_samples(const anpi_resampler *rs)
{
    return rs ? rs->delay : 0.0;
}

double anpi_resampler_delay_ms(const anpi_resampler *rs)
{
    return rs ? rs->delay * 1000.0 / rs->out_rate : 0.0;
}

anpi_kernel anpi_resampler_kernel(const anpi_resampler *rs)
{
    return rs ? rs->kernel : ANPI_KERNEL_SCALAR;
}
