/*
 * Opus encode / decode of 20 ms mono frames through libopus, for recordings
 * and codec comparisons. libopus allocates only in create; so do we.
 */
#include "anpi_media.h"

#include <opus/opus.h>
#include <stdlib.h>

struct anpi_opus_encoder {
    OpusEncoder *enc;
    int frame_samples;
};

struct anpi_opus_decoder {
    OpusDecoder *dec;
    int frame_samples;
};

static int opus_rate_supported(int rate) {
    return rate == 8000 || rate == 16000 || rate == 24000;
}

static void set_err(int *err, int value) {
    if (err) *err = value;
}

anpi_opus_encoder *anpi_opus_encoder_create(int sample_rate, int bitrate, int *err) {
    if (!opus_rate_supported(sample_rate) || bitrate < 0) {
        set_err(err, ANPI_ERR_UNSUPPORTED);
        return NULL;
    }
    anpi_opus_encoder *e = calloc(1, sizeof *e);
    if (!e) {
        set_err(err, ANPI_ERR_ALLOC);
        return NULL;
    }
    int oerr = OPUS_OK;
    /* VOIP: speech-tuned, the right mode for telephone recordings. */
    e->enc = opus_encoder_create(sample_rate, 1, OPUS_APPLICATION_VOIP, &oerr);
    if (!e->enc || oerr != OPUS_OK) {
        free(e);
        set_err(err, oerr == OPUS_ALLOC_FAIL ? ANPI_ERR_ALLOC : ANPI_ERR_CODEC);
        return NULL;
    }
    if (bitrate > 0 && opus_encoder_ctl(e->enc, OPUS_SET_BITRATE(bitrate)) != OPUS_OK) {
        opus_encoder_destroy(e->enc);
        free(e);
        set_err(err, ANPI_ERR_ARG);
        return NULL;
    }
    e->frame_samples = sample_rate / 50;
    set_err(err, ANPI_OK);
    return e;
}

int anpi_opus_encode(anpi_opus_encoder *enc, const int16_t *pcm, uint8_t *packet, size_t cap) {
    if (!enc || !pcm || !packet || cap == 0) return ANPI_ERR_ARG;
    opus_int32 max = cap > 0x7FFFFFFF ? 0x7FFFFFFF : (opus_int32)cap;
    int n = opus_encode(enc->enc, pcm, enc->frame_samples, packet, max);
    if (n == OPUS_BUFFER_TOO_SMALL) return ANPI_ERR_SPACE;
    return n < 0 ? ANPI_ERR_CODEC : n;
}

int anpi_opus_encoder_reset(anpi_opus_encoder *enc) {
    if (!enc) return ANPI_ERR_ARG;
    return opus_encoder_ctl(enc->enc, OPUS_RESET_STATE) == OPUS_OK ? ANPI_OK : ANPI_ERR_CODEC;
}

int anpi_opus_encoder_lookahead(const anpi_opus_encoder *enc) {
    if (!enc) return ANPI_ERR_ARG;
    opus_int32 lookahead = 0;
    if (opus_encoder_ctl(enc->enc, OPUS_GET_LOOKAHEAD(&lookahead)) != OPUS_OK) return ANPI_ERR_CODEC;
    return (int)lookahead;
}

void anpi_opus_encoder_destroy(anpi_opus_encoder *enc) {
    if (!enc) return;
    opus_encoder_destroy(enc->enc);
    free(enc);
}

anpi_opus_decoder *anpi_opus_decoder_create(int sample_rate, int *err) {
    if (!opus_rate_supported(sample_rate)) {
        set_err(err, ANPI_ERR_UNSUPPORTED);
        return NULL;
    }
    anpi_opus_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        set_err(err, ANPI_ERR_ALLOC);
        return NULL;
    }
    int oerr = OPUS_OK;
    d->dec = opus_decoder_create(sample_rate, 1, &oerr);
    if (!d->dec || oerr != OPUS_OK) {
        free(d);
        set_err(err, oerr == OPUS_ALLOC_FAIL ? ANPI_ERR_ALLOC : ANPI_ERR_CODEC);
        return NULL;
    }
    d->frame_samples = sample_rate / 50;
    set_err(err, ANPI_OK);
    return d;
}

int anpi_opus_decode(anpi_opus_decoder *dec, const uint8_t *packet, size_t len, int16_t *pcm,
                     size_t cap) {
    if (!dec || !pcm) return ANPI_ERR_ARG;
    if (packet == NULL) len = 0;
    if (len > 0x7FFFFFFF) return ANPI_ERR_ARG;
    /* With no packet, conceal exactly one 20 ms frame. */
    size_t want = len == 0 ? (size_t)dec->frame_samples : cap;
    if (cap < (size_t)dec->frame_samples) return ANPI_ERR_SPACE;
    if (want > 5760) want = 5760; /* 120 ms at 48 kHz: the most a packet can hold */
    int n = opus_decode(dec->dec, len ? packet : NULL, (opus_int32)len, pcm, (int)want, 0);
    if (n == OPUS_BUFFER_TOO_SMALL) return ANPI_ERR_SPACE;
    return n < 0 ? ANPI_ERR_CODEC : n;
}

int anpi_opus_decoder_reset(anpi_opus_decoder *dec) {
    if (!dec) return ANPI_ERR_ARG;
    return opus_decoder_ctl(dec->dec, OPUS_RESET_STATE) == OPUS_OK ? ANPI_OK : ANPI_ERR_CODEC;
}

void anpi_opus_decoder_destroy(anpi_opus_decoder *dec) {
    if (!dec) return;
    opus_decoder_destroy(dec->dec);
    free(dec);
}
