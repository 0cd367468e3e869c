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
 *   0…10 — the speexdsp resampler at that quality, any rates (the comparator).
 */
#define ANPI_RESAMPLER_POLYPHASE (-1)

typedef struct anpi_resampler anpi_resampler;

/** Create a resampler; NULL and *err set on failure (err may be NULL). */
anpi_resampler *anpi_resampler_create(int in_rate, int out_rate, int quality, anpi_kernel kernel,
                                      int *err);

/**
 * Convert int16 samples. On entry *in_len is the number of input samples and
 * *out_len the space in `out`; on return they hold what was consumed and
 * produced. The polyphase kind consumes everything when `out` has room for
 * anpi_resampler_max_output(*in_len) samples.
 */
ANPI_WARN_UNUSED_RESULT int anpi_resampler_process_int16(anpi_resampler *rs, const int16_t *in,
                                                         size_t *in_len, int16_t *out,
                                                         size_t *out_len);

/** As anpi_resampler_process_int16 for float samples (any scale; not clipped). */
ANPI_WARN_UNUSED_RESULT int anpi_resampler_process_float(anpi_resampler *rs, const float *in,
                                                         size_t *in_len, float *out,
                                                         size_t *out_len);

/** An upper bound on the samples produced from `in_len` more input samples. */
size_t anpi_resampler_max_output(const anpi_resampler *rs, size_t in_len);

/** The algorithmic delay in output samples (group delay of the filter). */
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
 * Added delay is at most max_wait_ms (default 20 ms).
 */

typedef struct anpi_jitter_buffer anpi_jitter_buffer;

typedef struct anpi_jitter_config {
    uint32_t frame_ms;     /* output frame length, default 20 (160 μ-law bytes)       */
    uint32_t max_wait_ms;  /* how long a gap may hold later frames back, default 20    */
    uint32_t max_fill_ms;  /* longest gap filled; longer jumps resynchronise, 10000    */
    uint32_t capacity_ms;  /* frames held at most, default 2000; beyond: ANPI_ERR_SPACE */
    int conceal;           /* 1: fade out the last frame into gaps; 0: plain silence   */
} anpi_jitter_config;

/** Fill `cfg` with the defaults above. */
void anpi_jitter_config_default(anpi_jitter_config *cfg);

typedef struct anpi_jitter_stats {
    uint64_t received;    /* frames pushed                                        */
    uint64_t duplicates;  /* frames pushed twice (ignored)                        */
    uint64_t reordered;   /* frames that arrived after a later frame              */
    uint64_t late;        /* frames that arrived after their slot was played/filled */
    uint64_t lost;        /* frames never received whose slot was filled          */
    uint64_t filled;      /* 20 ms frames of fill emitted (gaps and losses)        */
    uint64_t resyncs;     /* timestamp jumps beyond max_fill_ms                   */
    uint64_t delivered;   /* frames emitted, fill included                        */
    uint32_t max_depth_ms;/* the most audio held at once                          */
} anpi_jitter_stats;

/** What anpi_jitter_pop returned. */
typedef enum anpi_jitter_result {
    ANPI_JITTER_EMPTY = 0,  /* nothing to emit now                                */
    ANPI_JITTER_FRAME = 1,  /* a received frame                                   */
    ANPI_JITTER_FILL = 2,   /* silence or concealment for a gap                   */
    ANPI_JITTER_LATE = 3    /* a received frame whose slot was already filled     */
} anpi_jitter_result;

anpi_jitter_buffer *anpi_jitter_create(const anpi_jitter_config *cfg, int *err);

/**
 * Add one received frame (`len` μ-law bytes, normally 160) that Twilio
 * stamped `timestamp_ms` / `chunk`, received at `now_ms` on the caller's clock.
 */
ANPI_WARN_UNUSED_RESULT int anpi_jitter_push(anpi_jitter_buffer *jb, uint32_t timestamp_ms,
                                             uint32_t chunk, const uint8_t *ulaw, size_t len,
                                             uint64_t now_ms);

/**
 * Take the next frame_ms of audio if it is due at `now_ms`: writes exactly
 * frame_ms * 8 bytes into `out` (which must hold that many) and returns an
 * anpi_jitter_result; ANPI_JITTER_EMPTY writes nothing. Call until EMPTY after
 * every push, and again at anpi_jitter_next_deadline_ms.
 */
int anpi_jitter_pop(anpi_jitter_buffer *jb, uint64_t now_ms, uint8_t *out, size_t out_cap);

/** When to call pop again if it returned EMPTY with frames held (UINT64_MAX: none). */
uint64_t anpi_jitter_next_deadline_ms(const anpi_jitter_buffer *jb);

/** The timestamp (ms) of the next frame to be emitted. */
uint32_t anpi_jitter_next_timestamp_ms(const anpi_jitter_buffer *jb);

void anpi_jitter_get_stats(const anpi_jitter_buffer *jb, anpi_jitter_stats *out);
void anpi_jitter_reset(anpi_jitter_buffer *jb);
void anpi_jitter_destroy(anpi_jitter_buffer *jb);

/* -------------------------------------------------------- playout framer -- */
/*
 * Outbound μ-law audio from the model: deltas of any size in, exact 20 ms
 * frames out, paced so that Twilio's buffer runs at most lead_ms ahead of real
 * time. Tracks per item the milliseconds sent and played (from mark echoes),
 * with a generation number that a flush (barge-in) increments so that echoes
 * of marks sent before the flush can be told apart and ignored.
 */

typedef struct anpi_playout_framer anpi_playout_framer;

typedef struct anpi_framer_config {
    uint32_t frame_ms;      /* default 20 (160 bytes)                              */
    uint32_t lead_ms;       /* how far ahead of real time frames may be sent, 200  */
    uint32_t capacity_ms;   /* audio queued at most, default 120000; then SPACE    */
    uint32_t mark_every;    /* a mark after every N frames (and at item end), 1    */
    uint32_t max_items;     /* items tracked at once, default 64                    */
} anpi_framer_config;

void anpi_framer_config_default(anpi_framer_config *cfg);

/** Description of a frame returned by anpi_framer_pop. */
typedef struct anpi_framer_frame {
    uint32_t item;          /* caller's item handle                                 */
    uint32_t generation;    /* generation it was sent in                            */
    uint32_t item_sent_ms;  /* the item's milliseconds sent, this frame included    */
    int mark;               /* 1: send a mark (item, item_sent_ms, generation) after it */
    int item_last;          /* 1: the last frame of an ended item                   */
    int padded;             /* 1: the frame was completed with μ-law silence        */
} anpi_framer_frame;

anpi_playout_framer *anpi_framer_create(const anpi_framer_config *cfg, int *err);

/** Queue `len` μ-law bytes of item `item` (a non-zero handle chosen by the caller). */
ANPI_WARN_UNUSED_RESULT int anpi_framer_push(anpi_playout_framer *fr, uint32_t item,
                                             const uint8_t *ulaw, size_t len);

/** The item is complete: its last partial frame is padded and released. */
int anpi_framer_end_item(anpi_playout_framer *fr, uint32_t item);

/**
 * Emit the next frame if one is ready and the lead allows it at `now_ms`:
 * writes frame_ms * 8 bytes to `out`, fills *info and returns 1; 0 when
 * nothing may be sent now.
 */
int anpi_framer_pop(anpi_playout_framer *fr, uint64_t now_ms, uint8_t *out, size_t out_cap,
                    anpi_framer_frame *info);

/** When pop may next return a frame (UINT64_MAX when the queue is empty). */
uint64_t anpi_framer_next_due_ms(const anpi_playout_framer *fr, uint64_t now_ms);

/**
 * A mark (item, sent_ms, generation) came back from Twilio. Returns 1 when it
 * advanced the item's played milliseconds, 0 when ignored (old generation,
 * unknown item, or not newer).
 */
int anpi_framer_mark_played(anpi_playout_framer *fr, uint32_t item, uint32_t sent_ms,
                            uint32_t generation, uint64_t now_ms);

/** Milliseconds of `item` sent to Twilio / confirmed played (0 if unknown). */
uint32_t anpi_framer_sent_ms(const anpi_playout_framer *fr, uint32_t item);
uint32_t anpi_framer_played_ms(const anpi_playout_framer *fr, uint32_t item);

/** The generation frames are sent in now. */
uint32_t anpi_framer_generation(const anpi_playout_framer *fr);

/** Milliseconds queued but not yet sent. */
uint32_t anpi_framer_queued_ms(const anpi_playout_framer *fr);

/**
 * Barge-in: drop everything queued, increment the generation and return it.
 * Per-item sent/played figures stay readable until reset.
 */
uint32_t anpi_framer_flush(anpi_playout_framer *fr, uint64_t now_ms);

void anpi_framer_reset(anpi_playout_framer *fr);
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
