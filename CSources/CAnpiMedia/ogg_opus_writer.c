/*
 * Ogg Opus files for call recordings, written through Debian's libopusenc so
 * that the container (pages, granule positions, pre-skip, headers) is the
 * reference implementation's, not a hand-written one.
 */
#include "anpi_media.h"

#include <opus/opusenc.h>
#include <stdlib.h>

struct anpi_ogg_opus_writer {
    OggOpusEnc *enc;
    OggOpusComments *comments;
    int channels;
    int first_error;
};

anpi_ogg_opus_writer *anpi_ogg_opus_writer_create(const char *path, int sample_rate, int channels,
                                                  int bitrate, int *err) {
    int code = ANPI_OK;
    anpi_ogg_opus_writer *w = NULL;
    if (!path || sample_rate < 8000 || sample_rate > 192000 || channels < 1 || channels > 2 ||
        bitrate < 0) {
        code = ANPI_ERR_ARG;
        goto fail;
    }
    w = calloc(1, sizeof *w);
    if (!w) {
        code = ANPI_ERR_ALLOC;
        goto fail;
    }
    w->channels = channels;
    w->comments = ope_comments_create();
    if (!w->comments) {
        code = ANPI_ERR_ALLOC;
        goto fail;
    }
    ope_comments_add(w->comments, "ENCODER", "anpi-call");
    int oerr = OPE_OK;
    w->enc = ope_encoder_create_file(path, w->comments, sample_rate, channels, 0, &oerr);
    if (!w->enc) {
        code = oerr == OPE_CANNOT_OPEN ? ANPI_ERR_IO : ANPI_ERR_CODEC;
        goto fail;
    }
    if (bitrate > 0 && ope_encoder_ctl(w->enc, OPUS_SET_BITRATE(bitrate)) != OPE_OK) {
        code = ANPI_ERR_ARG;
        goto fail;
    }
    if (err) *err = ANPI_OK;
    return w;
fail:
    if (w) {
        if (w->enc) ope_encoder_destroy(w->enc);
        if (w->comments) ope_comments_destroy(w->comments);
        free(w);
    }
    if (err) *err = code;
    return NULL;
}

int anpi_ogg_opus_writer_write(anpi_ogg_opus_writer *w, const int16_t *pcm, size_t frames) {
    if (!w || (!pcm && frames)) return ANPI_ERR_ARG;
    if (w->first_error) return w->first_error;
    while (frames > 0) {
        int n = frames > 1 << 20 ? 1 << 20 : (int)frames;
        int rc = ope_encoder_write(w->enc, pcm, n);
        if (rc != OPE_OK) {
            w->first_error = rc == OPE_WRITE_FAIL ? ANPI_ERR_IO : ANPI_ERR_CODEC;
            return w->first_error;
        }
        pcm += (size_t)n * (size_t)w->channels;
        frames -= (size_t)n;
    }
    return ANPI_OK;
}

int anpi_ogg_opus_writer_close(anpi_ogg_opus_writer *w) {
    if (!w) return ANPI_ERR_ARG;
    int result = w->first_error;
    int rc = ope_encoder_drain(w->enc);
    if (result == ANPI_OK && rc != OPE_OK) result = rc == OPE_WRITE_FAIL ? ANPI_ERR_IO : ANPI_ERR_CODEC;
    ope_encoder_destroy(w->enc);
    ope_comments_destroy(w->comments);
    free(w);
    return result;
}
