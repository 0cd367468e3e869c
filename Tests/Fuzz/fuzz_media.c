/*
 * libFuzzer target over the C media core, built with AddressSanitizer and
 * UndefinedBehaviorSanitizer by run-fuzzer.sh. The first input byte picks a
 * part; the rest drives it. Besides memory errors and UB, it checks the
 * promises that must hold for every input:
 *  - G.711: the fast paths equal the G.191 reference functions;
 *  - resampler: output is the same whatever the chunking, the AVX2 kernel
 *    equals the scalar one, 8k→24k gives exactly 3 samples per input sample;
 *  - jitter buffer: every output is one whole frame and counters add up;
 *  - playout framer: frames are whole and sent ms never exceed what was pushed.
 */
#include "anpi_media.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                \
        }                                                                           \
    } while (0)

typedef struct {
    const uint8_t *p;
    size_t n;
} reader;

static unsigned take(reader *r, unsigned bytes) {
    unsigned v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v = (v << 8) | (r->n ? *r->p : 0);
        if (r->n) r->p++, r->n--;
    }
    return v;
}

static void fuzz_g711(reader *r) {
    size_t n = r->n / 2;
    if (n > 4096) n = 4096;
    int16_t pcm[4096];
    uint8_t mu[4096], al[4096], tmp[4096];
    int16_t back[4096];
    for (size_t i = 0; i < n; i++) pcm[i] = (int16_t)take(r, 2);
    anpi_ulaw_encode(pcm, mu, n);
    anpi_alaw_encode(pcm, al, n);
    for (size_t i = 0; i < n; i++) {
        CHECK(mu[i] == anpi_ulaw_encode_ref(pcm[i]));
        CHECK(al[i] == anpi_alaw_encode_ref(pcm[i]));
    }
    anpi_ulaw_decode(mu, back, n);
    for (size_t i = 0; i < n; i++) CHECK(back[i] == anpi_ulaw_decode_ref(mu[i]));
    anpi_alaw_decode(al, back, n);
    for (size_t i = 0; i < n; i++) CHECK(back[i] == anpi_alaw_decode_ref(al[i]));
    anpi_ulaw_to_alaw(mu, tmp, n);
    for (size_t i = 0; i < n; i++) CHECK(tmp[i] == anpi_alaw_encode_ref(anpi_ulaw_decode_ref(mu[i])));
    anpi_alaw_to_ulaw(al, tmp, n);
    for (size_t i = 0; i < n; i++) CHECK(tmp[i] == anpi_ulaw_encode_ref(anpi_alaw_decode_ref(al[i])));
}

static const int rates[3] = {8000, 16000, 24000};

/* Runs `in` through `rs` in chunks whose sizes come from `r`; returns samples out. */
static size_t run_chunked(anpi_resampler *rs, const int16_t *in, size_t n, int16_t *out, size_t cap,
                          reader *sizes) {
    size_t done = 0, made = 0;
    while (done < n) {
        size_t chunk = 1 + take(sizes, 1) % 600;
        if (chunk > n - done) chunk = n - done;
        size_t in_len = chunk, out_len = cap - made;
        CHECK(anpi_resampler_process_int16(rs, in + done, &in_len, out + made, &out_len) == ANPI_OK);
        CHECK(in_len <= chunk);
        done += in_len;
        made += out_len;
        if (in_len == 0) break;
    }
    return made;
}

static void fuzz_resampler(reader *r) {
    int in_rate = rates[take(r, 1) % 3], out_rate = rates[take(r, 1) % 3];
    if (in_rate == out_rate) out_rate = in_rate == 8000 ? 24000 : 8000;
    int quality = (int)(take(r, 1) % 14) - 1;  /* -1 polyphase, 0..10 speex, 11..12 invalid */
    int err = 0;
    anpi_resampler *a = anpi_resampler_create(in_rate, out_rate, quality, ANPI_KERNEL_AUTO, &err);
    if (quality > 10) {
        CHECK(a == NULL && err != ANPI_OK);
        return;
    }
    CHECK(a != NULL);
    static int16_t in[6000], out1[20000], out2[20000], out3[20000];
    size_t n = r->n / 2 > 3000 ? 3000 : r->n / 2;
    reader sizes = {r->p, r->n};  /* chunk sizes come from the same bytes as the signal */
    for (size_t i = 0; i < n; i++) in[i] = (int16_t)take(r, 2);
    size_t whole_in = n, whole_out = 20000;
    CHECK(anpi_resampler_process_int16(a, in, &whole_in, out1, &whole_out) == ANPI_OK);
    if (quality == ANPI_RESAMPLER_POLYPHASE) {
        CHECK(whole_in == n);
        if (in_rate == 8000 && out_rate == 24000) CHECK(whole_out == 3 * n);
        anpi_resampler_reset(a);
        size_t chunked = run_chunked(a, in, n, out2, 20000, &sizes);
        CHECK(chunked == whole_out);
        CHECK(memcmp(out1, out2, whole_out * sizeof(int16_t)) == 0);
        if (anpi_kernel_available(ANPI_KERNEL_AVX2)) {
            anpi_resampler *s = anpi_resampler_create(in_rate, out_rate, quality, ANPI_KERNEL_SCALAR, &err);
            CHECK(s != NULL);
            size_t s_in = n, s_out = 20000;
            CHECK(anpi_resampler_process_int16(s, in, &s_in, out3, &s_out) == ANPI_OK);
            CHECK(s_out == whole_out && memcmp(out1, out3, s_out * sizeof(int16_t)) == 0);
            anpi_resampler_destroy(s);
        }
    } else {
        anpi_resampler_reset(a);
        (void)run_chunked(a, in, n, out2, 20000, &sizes);
    }
    anpi_resampler_destroy(a);
}

static void fuzz_jitter(reader *r) {
    anpi_jitter_config cfg;
    anpi_jitter_config_default(&cfg);
    cfg.conceal = (int)(take(r, 1) & 1);
    cfg.capacity_ms = 200 + 20 * (take(r, 1) % 50);
    int err = 0;
    anpi_jitter_buffer *jb = anpi_jitter_create(&cfg, &err);
    CHECK(jb != NULL);
    uint8_t payload[480], out[480];
    uint64_t now = 0;
    uint32_t ts = 0, chunk = 1;
    int ops = 0;
    while (r->n > 0 && ops++ < 2000) {
        unsigned op = take(r, 1);
        now += op >> 4;
        if ((op & 3) != 3) {
            /* Mostly in order with small perturbations, sometimes a jump. */
            int delta = (int)(take(r, 1) % 9) - 2;
            if (op & 4) delta += (int)take(r, 1) * 8;
            int64_t t = (int64_t)ts + 20 * delta;
            uint32_t stamp = t < 0 ? 0 : (uint32_t)t;
            size_t len = (op & 8) ? 8 * (1 + take(r, 1) % 60) : 160;
            memset(payload, (int)(op & 0xFF), len);
            int rc = anpi_jitter_push(jb, stamp, chunk, payload, len, now);
            CHECK(rc <= ANPI_OK && rc >= ANPI_ERR_STATE); /* a documented code, never a crash */
            if (stamp > ts) ts = stamp;
            ts += 20;
            chunk++;
        }
        int res;
        int guard = 0;
        while ((res = anpi_jitter_pop(jb, now, out, sizeof out)) != ANPI_JITTER_EMPTY) {
            CHECK(res == ANPI_JITTER_FRAME || res == ANPI_JITTER_FILL || res == ANPI_JITTER_LATE);
            CHECK(++guard < 100000);
        }
        if ((op & 0xF0) == 0xF0) anpi_jitter_reset(jb);
    }
    anpi_jitter_stats st;
    anpi_jitter_get_stats(jb, &st);
    CHECK(st.duplicates <= st.received);
    (void)anpi_jitter_next_deadline_ms(jb);
    (void)anpi_jitter_next_timestamp_ms(jb);
    anpi_jitter_destroy(jb);
}

static void fuzz_framer(reader *r) {
    anpi_framer_config cfg;
    anpi_framer_config_default(&cfg);
    cfg.lead_ms = 20 * (1 + take(r, 1) % 20);
    cfg.capacity_ms = 1000;
    int err = 0;
    anpi_playout_framer *fr = anpi_framer_create(&cfg, &err);
    CHECK(fr != NULL);
    uint8_t delta[4000], out[160];
    uint64_t now = 0;
    uint64_t pushed_ms8 = 0; /* bytes pushed (8 per ms) */
    uint64_t sent_frames = 0;
    uint32_t item = 1;
    int ops = 0;
    while (r->n > 0 && ops++ < 3000) {
        unsigned op = take(r, 1);
        now += (op >> 3) & 0x1F;
        switch (op & 7) {
        case 0: case 1: case 2: {
            size_t len = take(r, 2) % sizeof delta;
            memset(delta, 0x55, len);
            int rc = anpi_framer_push(fr, item, delta, len);
            CHECK(rc <= ANPI_OK && rc >= ANPI_ERR_STATE); /* a documented code, never a crash */
            if (rc == ANPI_OK) pushed_ms8 += len;
            break;
        }
        case 3: (void)anpi_framer_end_item(fr, item); item++; break;
        case 4: (void)anpi_framer_flush(fr, now); break;
        case 5: {
            uint32_t g = anpi_framer_generation(fr) - (take(r, 1) & 1);
            (void)anpi_framer_mark_played(fr, item, take(r, 2), g, now);
            break;
        }
        default: {
            anpi_framer_frame info;
            int guard = 0;
            while (anpi_framer_pop(fr, now, out, sizeof out, &info) == 1) {
                sent_frames++;
                CHECK(info.item_sent_ms <= anpi_framer_sent_ms(fr, info.item) || info.item != item);
                CHECK(++guard < 100000);
            }
            break;
        }
        }
        (void)anpi_framer_next_due_ms(fr, now);
        (void)anpi_framer_queued_ms(fr);
        (void)anpi_framer_played_ms(fr, item);
    }
    /* Frames sent cannot exceed what was pushed plus one padded frame per item. */
    CHECK(sent_frames * 160 <= pushed_ms8 + 160ULL * item);
    anpi_framer_reset(fr);
    anpi_framer_destroy(fr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    reader r = {data + 1, size - 1};
    switch (data[0] & 3) {
    case 0: fuzz_g711(&r); break;
    case 1: fuzz_resampler(&r); break;
    case 2: fuzz_jitter(&r); break;
    default: fuzz_framer(&r); break;
    }
    return 0;
}
