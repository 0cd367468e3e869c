/*
 * resampler_measure.c — passband ripple and alias / image rejection of a
 * resampler, measured with float tones through the public API.
 *
 * Every tone runs through a fresh object. A tone of f Hz (a multiple of
 * STEP_HZ) can only come out at the frequencies fold(f + k*gcd(in, out)):
 * the tone itself and the images and aliases of the polyphase structure. All
 * of them are multiples of gcd(STEP_HZ, in, out), so once the start-up
 * transient has passed the output is periodic with out_rate / that gcd
 * samples, and a DFT over whole periods reads every component from its own
 * bin without leakage: no window, and rejection far below 100 dB is visible.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anpi_media.h"

enum {
    STEP_HZ = 100,  /* tone grid */
    PASS_HZ = 3400, /* the band that must be flat and clean */
    CHUNK = 1024    /* input samples per process call */
};
static const double AMPLITUDE = 0.5;
static const double PI = 3.14159265358979323846;

typedef struct meter {
    int in_rate, out_rate, quality;
    long gcd;            /* of the two rates: spacing of a tone's components */
    size_t period;       /* W: steady-state output period in samples */
    size_t skip, need;   /* transient to drop; outputs to collect */
    float in[CHUNK];
    float *out;          /* need + slack */
    size_t out_cap;
    double *avg;         /* one period, averaged over the collected ones */
    double *avg_sine;    /* the same for a sine tone */
    unsigned char *seen; /* bins already read, period / 2 + 1 */
    double *cosw, *sinw; /* exp(-2 pi i m / W), m < W */
} meter;

static long gcd_long(long a, long b)
{
    while (b) {
        const long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Run a tone of f Hz (a cosine, or a sine) and average one output period into avg. */
static int run_tone(meter *m, long f, int sine, double *avg)
{
    int err = ANPI_OK;
    anpi_resampler *rs = anpi_resampler_create(m->in_rate, m->out_rate, m->quality,
                                               ANPI_KERNEL_AUTO, &err);
    if (!rs)
        return err;
    size_t have = 0;
    long ph = 0; /* f * n mod in_rate, exact */
    while (have < m->need && err == ANPI_OK) {
        for (size_t i = 0; i < CHUNK; i++) {
            const double a = 2.0 * PI * (double)ph / m->in_rate;
            m->in[i] = (float)(AMPLITUDE * (sine ? sin(a) : cos(a)));
            ph = (ph + f) % m->in_rate;
        }
        for (size_t done = 0; done < CHUNK && err == ANPI_OK;) {
            size_t il = CHUNK - done, ol = m->out_cap - have;
            err = anpi_resampler_process_float(rs, m->in + done, &il, m->out + have, &ol);
            if (err == ANPI_OK && il == 0 && ol == 0)
                err = ANPI_ERR_SPACE; /* cannot happen with out_cap's slack */
            done += il;
            have += ol;
        }
    }
    anpi_resampler_destroy(rs);
    if (err != ANPI_OK)
        return err;
    const size_t w = m->period, reps = (m->need - m->skip) / w;
    memset(avg, 0, w * sizeof(double));
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < w; i++)
            avg[i] += m->out[m->skip + r * w + i];
    for (size_t i = 0; i < w; i++)
        avg[i] /= (double)reps;
    return ANPI_OK;
}

/* The DFT bin of v Hz in one period. */
static size_t bin_of(const meter *m, long v)
{
    return (size_t)(v * (long)m->period / m->out_rate);
}

/* Amplitude of the component in bin k of an averaged period. */
static double amplitude(const meter *m, const double *avg, size_t k)
{
    const size_t w = m->period;
    double re = 0.0, im = 0.0;
    for (size_t i = 0, t = 0; i < w; i++, t = (t + k) % w) {
        re += avg[i] * m->cosw[t];
        im += avg[i] * m->sinw[t];
    }
    return (k == 0 || 2 * k == w ? 1.0 : 2.0) * hypot(re, im) / (double)w;
}

/* v folded into 0 .. out_rate / 2. */
static long fold(long v, long rate)
{
    v %= rate;
    return v > rate / 2 ? rate - v : v;
}

/* Whether the component at v Hz of a tone at f Hz counts as alias / image. */
static int counted(const meter *m, long f, long v)
{
    if (v == f && 2 * f < m->out_rate)
        return 0; /* the tone itself */
    /* Upsampling: every image, since it folds into 0-3.4 kHz once taken back
     * down. Downsampling: what lands in the band. */
    return m->out_rate > m->in_rate || v <= PASS_HZ;
}

static int measure_tone(meter *m, long f, int passband, anpi_resampler_quality *q)
{
    int err = run_tone(m, f, 0, m->avg);
    int sine_done = 0;
    const long g = m->gcd, out = m->out_rate;
    memset(m->seen, 0, m->period / 2 + 1);
    /* the components fold(f + k*g), k = 0 .. out/g - 1, each bin once */
    for (long k = 0; err == ANPI_OK && k < out / g; k++) {
        const long v = fold(f + k * g, out);
        const size_t bin = bin_of(m, v);
        const int is_tone = v == f && 2 * f < out;
        if (m->seen[bin] || (is_tone ? !passband : !counted(m, f, v)))
            continue;
        m->seen[bin] = 1;
        double a = amplitude(m, m->avg, bin);
        if (bin == 0 || 2 * bin == m->period) {
            /* at 0 Hz and Nyquist a cosine run sees only the in-phase part */
            if (!sine_done && (err = run_tone(m, f, 1, m->avg_sine)) != ANPI_OK)
                break;
            sine_done = 1;
            a = hypot(a, amplitude(m, m->avg_sine, bin));
        }
        const double db = 20.0 * log10(fmax(a, 1e-15) / AMPLITUDE);
        if (is_tone) {
            q->passband_ripple_db = fmax(q->passband_ripple_db, fabs(db));
        } else if (-db < q->rejection_db) {
            q->rejection_db = -db;
            q->worst_rejection_hz = (double)f;
        }
    }
    return err;
}

int anpi_resampler_measure(int in_rate, int out_rate, int quality, anpi_resampler_quality *out)
{
    if (!out)
        return ANPI_ERR_ARG;
    int err = ANPI_OK;
    anpi_resampler *probe = anpi_resampler_create(in_rate, out_rate, quality, ANPI_KERNEL_AUTO,
                                                  &err);
    if (!probe)
        return err;
    anpi_resampler_quality q = {0.0, INFINITY, 0.0, anpi_resampler_delay_ms(probe)};

    meter *m = calloc(1, sizeof *m);
    if (!m) {
        anpi_resampler_destroy(probe);
        return ANPI_ERR_ALLOC;
    }
    m->in_rate = in_rate;
    m->out_rate = out_rate;
    m->quality = quality;
    m->gcd = gcd_long(in_rate, out_rate);
    m->period = (size_t)(out_rate / gcd_long(STEP_HZ, m->gcd));
    /* the filter's whole span (twice its delay) plus margin, then >= 250 ms */
    m->skip = 2 * (size_t)ceil(anpi_resampler_delay_samples(probe)) + 64;
    const size_t reps = ((size_t)out_rate / 4 + m->period - 1) / m->period;
    m->need = m->skip + reps * m->period;
    m->out_cap = m->need + anpi_resampler_max_output(probe, CHUNK);
    anpi_resampler_destroy(probe);
    m->out = malloc(m->out_cap * sizeof(float));
    m->avg = malloc(m->period * sizeof(double));
    m->avg_sine = malloc(m->period * sizeof(double));
    m->seen = malloc(m->period / 2 + 1);
    m->cosw = malloc(m->period * sizeof(double));
    m->sinw = malloc(m->period * sizeof(double));
    if (!m->out || !m->avg || !m->avg_sine || !m->seen || !m->cosw || !m->sinw)
        err = ANPI_ERR_ALLOC;
    for (size_t t = 0; err == ANPI_OK && t < m->period; t++) {
        m->cosw[t] = cos(2.0 * PI * (double)t / (double)m->period);
        m->sinw[t] = -sin(2.0 * PI * (double)t / (double)m->period);
    }

    /* Passband tones STEP..3.4 kHz; on the downsampling side also every tone
     * up to the input Nyquist with a component in the band. */
    const long narrow = in_rate < out_rate ? in_rate : out_rate;
    const long top = out_rate > in_rate ? PASS_HZ : (in_rate - 1) / 2;
    for (long f = STEP_HZ; err == ANPI_OK && f <= top && 2 * f < in_rate; f += STEP_HZ) {
        const int passband = f <= PASS_HZ && 2 * f < narrow;
        int any = passband;
        for (long k = 0; k < out_rate / m->gcd && !any; k++)
            any = counted(m, f, fold(f + k * m->gcd, out_rate));
        if (any)
            err = measure_tone(m, f, passband, &q);
    }

    free(m->out);
    free(m->avg);
    free(m->avg_sine);
    free(m->seen);
    free(m->cosw);
    free(m->sinw);
    free(m);
    if (err == ANPI_OK)
        *out = q;
    return err;
}
