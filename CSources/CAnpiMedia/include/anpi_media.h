/*
 * anpi_media.h — the C media core of anpi-call.
 *
 * API conventions
 *  - Every exported symbol starts with anpi_ / ANPI_; everything else is static.
 *  - Stateful parts are opaque objects with create / process / reset / destroy.
 *    Memory is allocated only by *_create; process calls never allocate.
 *  - Lengths are in samples per channel (int16 or float) or in bytes for G.711
 *    and Opus packets. Streaming calls take lengths by pointer: on entry the
 *    space available, on return what was consumed / produced.
 *  - Functions that can fail return an int: ANPI_OK (0) or a negative ANPI_ERR_*
 *    code; anpi_strerror() names it. Creators report the code through *err.
 *  - One object per stream; an object may move between threads but must not be
 *    used by two threads at once. There are no globals that change.
 *  - SIMD kernels are chosen once, at create time, and stored in the object;
 *    the scalar kernel gives bit-identical output and is the reference.
 */
#ifndef ANPI_MEDIA_H
#define ANPI_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ANPI_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define ANPI_WARN_UNUSED_RESULT
#endif

/* ---------------------------------------------------------------- errors -- */

#define ANPI_OK 0
#define ANPI_ERR_ARG (-1)         /* an argument is out of range or NULL          */
#define ANPI_ERR_ALLOC (-2)       /* allocation failed (create only)              */
#define ANPI_ERR_UNSUPPORTED (-3) /* rate, ratio, kernel or mode not supported    */
#define ANPI_ERR_SPACE (-4)       /* output or internal buffer is full            */
#define ANPI_ERR_CODEC (-5)       /* libopus / libopusenc / speexdsp failed        */
#define ANPI_ERR_IO (-6)          /* a file could not be opened or written        */
#define ANPI_ERR_STATE (-7)       /* call not allowed in the object's state       */

/** A static English description of an ANPI_ERR_* code (never NULL). */
const char *anpi_strerror(int err);

/* --------------------------------------------------------------- kernels -- */

/** Which implementation of the inner loops an object uses. */
typedef enum anpi_kernel {
    ANPI_KERNEL_AUTO = 0,   /* the best one this CPU supports                */
    ANPI_KERNEL_SCALAR = 1, /* portable C, the reference                     */
    ANPI_KERNEL_AVX2 = 2    /* x86-64 AVX2 + FMA                             */
} anpi_kernel;

/** 1 when `kernel` can run on this CPU (AUTO and SCALAR always can). */
int anpi_kernel_available(anpi_kernel kernel);

/** A static name for the kernel ("scalar", "avx2"); AUTO is resolved first. */
const char *anpi_kernel_name(anpi_kernel kernel);

/* ----------------------------------------------------------------- G.711 -- */
/*
 * Bit-exact with ITU-T G.191 (STL): negative inputs in one's complement, μ-law
 * on x >> 2 with bias 33, A-law on x >> 4. Codes are the transmitted octets
 * (μ-law inverted, A-law with even bits toggled). The *_ref functions are the
 * straightforward G.191 algorithm; the array functions use tables and bit
 * tricks and give identical output for every input.
 */

uint8_t anpi_ulaw_encode_ref(int16_t sample);
int16_t anpi_ulaw_decode_ref(uint8_t code);
uint8_t anpi_alaw_encode_ref(int16_t sample);
int16_t anpi_alaw_decode_ref(uint8_t code);

/** PCM16 → μ-law, `n` samples. `in` and `out` must not overlap. */
void anpi_ulaw_encode(const int16_t *in, uint8_t *out, size_t n);
/** μ-law → PCM16, `n` samples. */
void anpi_ulaw_decode(const uint8_t *in, int16_t *out, size_t n);
/** PCM16 → A-law, `n` samples. */
void anpi_alaw_encode(const int16_t *in, uint8_t *out, size_t n);
/** A-law → PCM16, `n` samples. */
void anpi_alaw_decode(const uint8_t *in, int16_t *out, size_t n);
/** μ-law → A-law (G.191 expand then compress), `n` codes; in == out allowed. */
void anpi_ulaw_to_alaw(const uint8_t *in, uint8_t *out, size_t n);
/** A-law → μ-law (G.191 expand then compress), `n` codes; in == out allowed. */
void anpi_alaw_to_ulaw(const uint8_t *in, uint8_t *out, size_t n);

/** The μ-law code of digital silence (0xFF). */
#define ANPI_ULAW_SILENCE ((uint8_t)0xFF)
/** The A-law code of digital silence (0xD5). */
#define ANPI_ALAW_SILENCE ((uint8_t)0xD5)

/* ------------------------------------------------------------- resampler -- */
/*
 * Streaming sample-rate conversion with state kept across calls.
 *
 * `quality` selects the implementation:
 *   ANPI_RESAMPLER_POLYPHASE — our polyphase FIR for 8000/16000/24000 pairs:
 *     0–3.4 kHz flat within ±0.1 dB, ≥ 90 dB rejection of everything that would
 *     fold into 0–3.4 kHz, ≤ 3 ms delay. Output never depends on how the input
 *     was chunked, and an 8k→24k stream yields exactly 3 samples per input
 *     sample (24k→8k: one per 3, counted from the first input sample).
 *     In general n inputs give ceil(n * out / in) outputs in total, so every
 *     20 ms chunk, the first included, gives exactly 20 ms: there is no
 *     priming shortfall, the output simply lags by the filter delay.
 *     Equiripple linear-phase prototypes (resampler_filters.c, generated by
 *     CSources/tools/design_filters.py), designed ±0.05 dB and > 115 dB:
 *       8k⇄16k: 61 taps at 16 kHz, delay 1.875 ms (30 / 15 samples);
 *       8k⇄24k: 91 taps at 24 kHz, delay 1.875 ms (45 / 15 samples);
 *       16k⇄24k: 109 taps at 48 kHz, passband 0–7 kHz, delay 1.125 ms
 *       (27 samples at 24 kHz / 18 at 16 kHz).
 *     Every kernel gives bit-identical output (float and int16).
 *   0…10 — the speexdsp resampler at that quality, any rates (the comparator).
 *     Its output count per call follows its own phase; see max_output.
 */
#define ANPI_RESAMPLER_POLYPHASE (-1)

typedef struct anpi_resampler anpi_resampler;

/**
 * Create a resampler; NULL and *err set on failure (err may be NULL).
 * ANPI_ERR_ARG: a rate ≤ 0, quality outside -1…10, or `kernel` not an
 * anpi_kernel value. ANPI_ERR_UNSUPPORTED: a POLYPHASE pair other than two
 * different rates of 8000/16000/24000, or a kernel this CPU cannot run.
 * Speex objects accept any kernel that is available and ignore it.
 */
anpi_resampler *anpi_resampler_create(int in_rate, int out_rate, int quality, anpi_kernel kernel,
                                      int *err);

/**
 * Convert int16 samples. On entry *in_len is the number of input samples and
 * *out_len the space in `out`; on return they hold what was consumed and
 * produced. The polyphase kind consumes everything when `out` has room for
 * anpi_resampler_max_output(*in_len) samples.
 *
 * A too-small `out` is not an error: the call consumes only the input whose
 * output fits (possibly none) and returns ANPI_OK; pass the rest again.
 * int16 output is rounded to nearest (ties to even) and saturated.
 * ANPI_ERR_ARG for a NULL rs, in_len or out_len, or a NULL buffer with a
 * non-zero length (lengths that were given are set to 0). `in` and `out`
 * must not overlap.
 * Never allocates. ANPI_ERR_CODEC if speexdsp fails.
 */
ANPI_WARN_UNUSED_RESULT int anpi_resampler_process_int16(anpi_resampler *rs, const int16_t *in,
                                                         size_t *in_len, int16_t *out,
                                                         size_t *out_len);

/** As anpi_resampler_process_int16 for float samples (any scale; not clipped). */
ANPI_WARN_UNUSED_RESULT int anpi_resampler_process_float(anpi_resampler *rs, const float *in,
                                                         size_t *in_len, float *out,
                                                         size_t *out_len);

/**
 * An upper bound on the samples produced from `in_len` more input samples
 * (exact for the polyphase kind; for speex the ratio rounded up, plus one).
 * 0 for NULL.
 */
size_t anpi_resampler_max_output(const anpi_resampler *rs, size_t in_len);

/**
 * The algorithmic delay in output samples (group delay of the filter; for
 * speex, speex_resampler_get_output_latency). A polyphase impulse at input 0
 * peaks at exactly this output index.
 */
double anpi_resampler_delay_samples(const anpi_resampler *rs);

/** The algorithmic delay in milliseconds. */
double anpi_resampler_delay_ms(const anpi_resampler *rs);

/** The kernel in use (resolved, never AUTO). Speex objects report SCALAR. */
anpi_kernel anpi_resampler_kernel(const anpi_resampler *rs);

/** Forget all history, as if newly created. */
void anpi_resampler_reset(anpi_resampler *rs);

/** Free the object (NULL is ignored). */
void anpi_resampler_destroy(anpi_resampler *rs);

/** Frequency-domain figures of a resampler, measured with tones. */
typedef struct anpi_resampler_quality {
    double passband_ripple_db; /* max |gain in dB| over 0–3.4 kHz (narrow side)      */
    double rejection_db;       /* min rejection of aliases / images landing in 0–3.4 kHz */
    double worst_rejection_hz; /* input tone frequency at which rejection_db occurs  */
    double delay_ms;           /* as anpi_resampler_delay_ms                         */
} anpi_resampler_quality;

/**
 * Measure passband ripple and alias/image rejection of a (in_rate, out_rate,
 * quality) resampler with float tones. Allocates; not for the hot path.
 *
 * Each tone (amplitude 0.5, on a 100 Hz grid) goes through a fresh object
 * (float path, AUTO kernel); the start-up transient (twice the delay plus 64
 * samples) is dropped and the steady-state output, which is periodic, is
 * read with a DFT at the exact frequencies of every component fold(f + k *
 * gcd(in, out)), so leakage does not limit the figures.
 *  - Ripple: tones 0.1–3.4 kHz (below both Nyquists), gain at the tone.
 *  - Rejection, upsampling: tones 0.1–3.4 kHz, every image (8k→24k: 8k ± f)
 *    against the tone amplitude. Downsampling: every tone below the input
 *    Nyquist (24k→8k: 0.1–11.9 kHz) whose aliases or images land in
 *    0–3.4 kHz (24k→8k: 4.6–11.4 kHz), measured there. INFINITY when no
 *    tone has such a component (equal rates).
 * Returns create's error for bad arguments, ANPI_ERR_ARG for a NULL `out`.
 */
int anpi_resampler_measure(int in_rate, int out_rate, int quality, anpi_resampler_quality *out);

/* --------------------------------------------------------- jitter buffer -- */
/*
 * Inbound frames from Twilio, keyed by media.timestamp (ms since the stream
 * started) with media.chunk as a tie-breaker. The buffer reorders, removes
 * duplicates and fills genuine gaps (timestamps Twilio skipped, or frames that
 * did not arrive within max_wait_ms after a later one did) with μ-law silence
 * or concealment so that the output timeline stays aligned with the call.
 * The transport is TCP, so a frame that is merely late is never dropped: when
 * nothing later has arrived the buffer waits (a stall), and adds no fill.
 * Audio goes out as soon as it is contiguous; only a gap holds frames back,
 * for at most max_wait_ms (default 20 ms) after the first of them arrived.
 *
 * The timeline. Output frames carry consecutive timestamps from the first
 * frame's on. Input may be any multiple of 8 bytes (1 ms); it is split or
 * merged into output frames, and audio short of a whole output frame stays
 * until the rest arrives. `chunk` (1, 2, 3… per message, as Twilio numbers
 * them) tells the cases apart:
 *  - gap with the next chunk in sequence: Twilio skipped silent audio; filled
 *    at once (up to max_fill_ms);
 *  - gap with chunks missing: filled once the frames behind it have waited
 *    max_wait_ms; the missing chunks count as lost;
 *  - a jump beyond max_fill_ms, or a newer chunk stamped before audio already
 *    emitted (a backward step): resync — the current output frame is padded
 *    with fill and the timeline restarts at that frame's timestamp;
 *  - a frame arriving after a newer chunk went out, or after the wait for it
 *    ended (its slot is being or was filled, or was skipped by a resync), is
 *    LATE: it comes out at once, ahead of the timeline, as frames of its own
 *    padded with silence, and does not move the timeline (it is extra audio:
 *    the caller forwards it or drops it).
 * Exact duplicates (same chunk and timestamp) are recognised over the last
 * 512 chunks; an older repeat counts as late. Audio before the first frame
 * that goes out is never filled.
 */

typedef struct anpi_jitter_buffer anpi_jitter_buffer;

typedef struct anpi_jitter_config {
    uint32_t frame_ms;     /* output frame length, default 20 (160 μ-law bytes)       */
    uint32_t max_wait_ms;  /* how long a gap may hold later frames back, default 20    */
    uint32_t max_fill_ms;  /* longest gap filled; longer jumps resynchronise, 10000    */
    uint32_t capacity_ms;  /* audio held at most, default 2000; beyond: ANPI_ERR_SPACE */
    int conceal;           /* 1: fade out the last frame into gaps; 0 (default): silence */
} anpi_jitter_config;

/** Fill `cfg` with the defaults above. */
void anpi_jitter_config_default(anpi_jitter_config *cfg);

typedef struct anpi_jitter_stats {
    uint64_t received;    /* frames accepted by push, duplicates included          */
    uint64_t duplicates;  /* same chunk and timestamp again (ignored)              */
    uint64_t reordered;   /* frames pushed after a higher chunk                    */
    uint64_t late;        /* frames pushed after their slot was given up (LATE)    */
    uint64_t lost;        /* chunks the timeline passed without them, less those
                             that came late; none counted before the first frame  */
    uint64_t filled;      /* output frames made entirely of fill                   */
    uint64_t filled_ms;   /* milliseconds of fill emitted (in FILL and FRAME frames) */
    uint64_t resyncs;     /* jumps beyond max_fill_ms and backward steps           */
    uint64_t delivered;   /* frames emitted: FRAME, FILL and LATE                  */
    uint32_t max_depth_ms;/* the most audio held at once                           */
} anpi_jitter_stats;

/** What anpi_jitter_pop returned. */
typedef enum anpi_jitter_result {
    ANPI_JITTER_EMPTY = 0,  /* nothing to emit now                                */
    ANPI_JITTER_FRAME = 1,  /* a received frame                                   */
    ANPI_JITTER_FILL = 2,   /* silence or concealment for a gap                   */
    ANPI_JITTER_LATE = 3    /* a received frame whose slot was already filled     */
} anpi_jitter_result;

/**
 * Create a buffer (`cfg` NULL: the defaults). ANPI_ERR_ARG unless
 * 1 ≤ frame_ms ≤ 1000, frame_ms ≤ capacity_ms ≤ 3600000 and conceal is 0 or 1.
 */
anpi_jitter_buffer *anpi_jitter_create(const anpi_jitter_config *cfg, int *err);

/**
 * Add one received frame (`len` μ-law bytes, normally 160) that Twilio
 * stamped `timestamp_ms` / `chunk`, received at `now_ms` on the caller's clock
 * (which must not go back). A duplicate is counted and ignored (ANPI_OK).
 * ANPI_ERR_ARG: NULL, chunk 0, len 0, not a multiple of 8 or above capacity_ms;
 * ANPI_ERR_SPACE: it would take the audio held beyond capacity_ms (not stored).
 */
ANPI_WARN_UNUSED_RESULT int anpi_jitter_push(anpi_jitter_buffer *jb, uint32_t timestamp_ms,
                                             uint32_t chunk, const uint8_t *ulaw, size_t len,
                                             uint64_t now_ms);

/**
 * Take the next frame_ms of audio if it is due at `now_ms`: writes exactly
 * frame_ms * 8 bytes into `out` (which must hold that many) and returns an
 * anpi_jitter_result; ANPI_JITTER_EMPTY writes nothing. Call until EMPTY after
 * every push, and again at anpi_jitter_next_deadline_ms. A FRAME may contain
 * fill where a gap starts or ends inside it. ANPI_ERR_ARG: NULL or out_cap short.
 */
int anpi_jitter_pop(anpi_jitter_buffer *jb, uint64_t now_ms, uint8_t *out, size_t out_cap);

/**
 * When to call pop again: 0 when a frame is due now, the time a gap's wait
 * ends, or UINT64_MAX when only more input can produce a frame.
 */
uint64_t anpi_jitter_next_deadline_ms(const anpi_jitter_buffer *jb);

/**
 * The timestamp (ms) the frame from the next pop carries, as things stand
 * (a push may change it; a pending resync or LATE frame is taken into
 * account). Before any audio: the earliest timestamp held, or 0.
 */
uint32_t anpi_jitter_next_timestamp_ms(const anpi_jitter_buffer *jb);

/** Copy the counters since create or reset into `out`. */
void anpi_jitter_get_stats(const anpi_jitter_buffer *jb, anpi_jitter_stats *out);
/** Forget all frames, the timeline and the counters, as if newly created. */
void anpi_jitter_reset(anpi_jitter_buffer *jb);
/** Free the object (NULL is ignored). */
void anpi_jitter_destroy(anpi_jitter_buffer *jb);

/* -------------------------------------------------------- playout framer -- */
/*
 * Outbound μ-law audio from the model: deltas of any size in, exact 20 ms
 * frames out, paced so that Twilio's buffer runs at most lead_ms ahead of real
 * time. Tracks per item the milliseconds sent and played (from mark echoes),
 * with a generation number that a flush (barge-in) increments so that echoes
 * of marks sent before the flush can be told apart and ignored.
 *
 * Items play in sequence: pushing a new item ends the previous one, and a
 * frame never mixes two items (an item's last partial frame is padded with
 * silence). Sent milliseconds count the item's own bytes (bytes / 8, rounded
 * down), never padding. Pacing keeps an estimate of when Twilio will have
 * played everything sent: a frame may go when, with it, that is at most
 * lead_ms after now; once it is in the past (Twilio's buffer drained) the
 * clock restarts at the next frame. A mark echo moves the estimate later when
 * Twilio turns out to be behind it; a flush empties it (Twilio's clear).
 */

typedef struct anpi_playout_framer anpi_playout_framer;

typedef struct anpi_framer_config {
    uint32_t frame_ms;      /* default 20 (160 bytes)                              */
    uint32_t lead_ms;       /* how far ahead of real time frames may be sent, 200  */
    uint32_t capacity_ms;   /* audio queued at most, default 120000; then SPACE    */
    uint32_t mark_every;    /* a mark after every N frames of an item, 1 (0: never;
                               marks at item end and before the queue runs dry stay) */
    uint32_t max_items;     /* items tracked at once, default 64                    */
} anpi_framer_config;

/** Fill `cfg` with the defaults above. */
void anpi_framer_config_default(anpi_framer_config *cfg);

/** Description of a frame returned by anpi_framer_pop. */
typedef struct anpi_framer_frame {
    uint32_t item;          /* caller's item handle                                 */
    uint32_t generation;    /* generation it was sent in                            */
    uint32_t item_sent_ms;  /* the item's milliseconds sent, this frame included    */
    int mark;               /* 1: send a mark (item, item_sent_ms, generation) after it:
                               every mark_every frames, on item_last, and on the last
                               frame queued (so an item's end is always marked)   */
    int item_last;          /* 1: the last frame of an ended item (0 if the item
                               ended after its last frame went: that one was marked) */
    int padded;             /* 1: the frame was completed with μ-law silence        */
} anpi_framer_frame;

/**
 * Create a framer (`cfg` NULL: the defaults). ANPI_ERR_ARG unless
 * 1 ≤ frame_ms ≤ 1000, lead_ms ≥ frame_ms, frame_ms ≤ capacity_ms ≤ 3600000
 * and 1 ≤ max_items ≤ 65536.
 */
anpi_playout_framer *anpi_framer_create(const anpi_framer_config *cfg, int *err);

/**
 * Queue `len` μ-law bytes (any number, 0 included) of item `item` (a non-zero
 * handle chosen by the caller); all or nothing. ANPI_ERR_ARG: NULL, item 0 or
 * len above capacity_ms; ANPI_ERR_STATE: the item has ended (end_item, a newer
 * item, or cut by a flush); ANPI_ERR_SPACE: the queue is full, or every item
 * tracked still has audio queued (back-pressure: pop, then push again).
 */
ANPI_WARN_UNUSED_RESULT int anpi_framer_push(anpi_playout_framer *fr, uint32_t item,
                                             const uint8_t *ulaw, size_t len);

/**
 * The item is complete: its last partial frame is padded and released. Again
 * is harmless. ANPI_ERR_ARG: NULL or item 0; ANPI_ERR_STATE: unknown item.
 */
int anpi_framer_end_item(anpi_playout_framer *fr, uint32_t item);

/**
 * Emit the next frame if one is ready and the lead allows it at `now_ms`:
 * writes frame_ms * 8 bytes to `out`, fills *info (may be NULL) and returns 1;
 * 0 when nothing may be sent now; ANPI_ERR_ARG: NULL or out_cap short.
 */
int anpi_framer_pop(anpi_playout_framer *fr, uint64_t now_ms, uint8_t *out, size_t out_cap,
                    anpi_framer_frame *info);

/**
 * When pop may next return a frame: `now_ms` or later, UINT64_MAX while no
 * whole frame is queued (a partial one waits for more audio or end_item).
 */
uint64_t anpi_framer_next_due_ms(const anpi_playout_framer *fr, uint64_t now_ms);

/**
 * A mark (item, sent_ms, generation) came back from Twilio at `now_ms`.
 * Returns 1 when it advanced the item's played milliseconds, 0 when ignored
 * (old generation — Twilio echoes pending marks on clear —, unknown item, not
 * newer, or more than was sent). An accepted echo also corrects pacing.
 */
int anpi_framer_mark_played(anpi_playout_framer *fr, uint32_t item, uint32_t sent_ms,
                            uint32_t generation, uint64_t now_ms);

/**
 * Milliseconds of `item` sent to Twilio / confirmed played (0 if unknown).
 * Kept until reset, or until max_items newer items have pushed it out.
 */
uint32_t anpi_framer_sent_ms(const anpi_playout_framer *fr, uint32_t item);
uint32_t anpi_framer_played_ms(const anpi_playout_framer *fr, uint32_t item);

/** The generation frames are sent in now. */
uint32_t anpi_framer_generation(const anpi_playout_framer *fr);

/** Milliseconds queued but not yet sent (rounded up). */
uint32_t anpi_framer_queued_ms(const anpi_playout_framer *fr);

/**
 * Barge-in: drop everything queued, end the item being received (its late
 * deltas are refused), increment the generation and return it. Per-item
 * sent/played figures stay readable.
 */
uint32_t anpi_framer_flush(anpi_playout_framer *fr, uint64_t now_ms);

/** Forget all audio, items and pacing; the generation returns to 0. */
void anpi_framer_reset(anpi_playout_framer *fr);
/** Free the object (NULL is ignored). */
void anpi_framer_destroy(anpi_playout_framer *fr);

/* ------------------------------------------------------------------ Opus -- */

typedef struct anpi_opus_encoder anpi_opus_encoder;
typedef struct anpi_opus_decoder anpi_opus_decoder;

/** Mono Opus encoder at 8000, 16000 or 24000 Hz; bitrate in bit/s (0: libopus default). */
anpi_opus_encoder *anpi_opus_encoder_create(int sample_rate, int bitrate, int *err);

/**
 * Encode one 20 ms frame (sample_rate / 50 samples) into `packet` (cap bytes).
 * Returns the packet length (> 0) or an ANPI_ERR_* code.
 */
ANPI_WARN_UNUSED_RESULT int anpi_opus_encode(anpi_opus_encoder *enc, const int16_t *pcm,
                                             uint8_t *packet, size_t cap);
int anpi_opus_encoder_reset(anpi_opus_encoder *enc);
/** The encoder's look-ahead in samples. */
int anpi_opus_encoder_lookahead(const anpi_opus_encoder *enc);
void anpi_opus_encoder_destroy(anpi_opus_encoder *enc);

anpi_opus_decoder *anpi_opus_decoder_create(int sample_rate, int *err);
/**
 * Decode one packet (NULL / 0 for packet-loss concealment) into `pcm`, which
 * holds `cap` samples. Returns samples decoded or an ANPI_ERR_* code.
 */
ANPI_WARN_UNUSED_RESULT int anpi_opus_decode(anpi_opus_decoder *dec, const uint8_t *packet,
                                             size_t len, int16_t *pcm, size_t cap);
int anpi_opus_decoder_reset(anpi_opus_decoder *dec);
void anpi_opus_decoder_destroy(anpi_opus_decoder *dec);

/** An Ogg Opus file being written (through libopusenc). */
typedef struct anpi_ogg_opus_writer anpi_ogg_opus_writer;

/** Create `path` for mono input at `sample_rate` Hz (any rate libopusenc takes). */
anpi_ogg_opus_writer *anpi_ogg_opus_writer_create(const char *path, int sample_rate, int channels,
                                                  int bitrate, int *err);
/** Append `frames` samples per channel (interleaved). */
ANPI_WARN_UNUSED_RESULT int anpi_ogg_opus_writer_write(anpi_ogg_opus_writer *w,
                                                       const int16_t *pcm, size_t frames);
/** Flush, close the file and free the object; returns the first error seen. */
int anpi_ogg_opus_writer_close(anpi_ogg_opus_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* ANPI_MEDIA_H */
