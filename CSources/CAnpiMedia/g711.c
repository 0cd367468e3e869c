/*
 * G.711 μ-law and A-law, bit-exact with ITU-T G.191 (STL g711.c).
 *
 * The *_ref functions transcribe the STL algorithms one sample at a time and
 * are the reference. The array functions are the fast paths: decoding and
 * transcoding are 256-entry look-ups (tables generated from the same
 * algorithms), encoding finds the segment with a count-leading-zeros instead
 * of the STL's shift loop. Tests check both against the conformance vectors.
 */
#include "anpi_media.h"
#include "g711_tables.h"

/* One's complement for negative inputs, as G.191 does, then drop low bits. */
static inline int g711_magnitude(int16_t x, int shift) {
    return x < 0 ? (~(int)x) >> shift : (int)x >> shift;
}

/* Number of significant bits of v > 0. */
static inline int bit_length(unsigned v) {
    return 32 - __builtin_clz(v);
}

uint8_t anpi_ulaw_encode_ref(int16_t sample) {
    int absno = g711_magnitude(sample, 2) + 33;
    if (absno > 0x1FFF) absno = 0x1FFF;
    int segno = 1;
    for (int i = absno >> 6; i != 0; i >>= 1) segno++;
    int high = 0x8 - segno;
    int low = 0xF - ((absno >> segno) & 0xF);
    int code = (high << 4) | low;
    if (sample >= 0) code |= 0x80;
    return (uint8_t)code;
}

int16_t anpi_ulaw_decode_ref(uint8_t code) {
    int sign = code < 0x80 ? -1 : 1;
    int mantissa = ~(int)code;
    int exponent = (mantissa >> 4) & 0x7;
    int segment = exponent + 1;
    mantissa &= 0xF;
    int step = 4 << segment;
    return (int16_t)(sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33));
}

uint8_t anpi_alaw_encode_ref(int16_t sample) {
    int ix = g711_magnitude(sample, 4);
    if (ix > 15) {
        int iexp = 1;
        while (ix > 16 + 15) {
            ix >>= 1;
            iexp++;
        }
        ix -= 16;
        ix += iexp << 4;
    }
    if (sample >= 0) ix |= 0x80;
    return (uint8_t)(ix ^ 0x55);
}

int16_t anpi_alaw_decode_ref(uint8_t code) {
    int ix = (code ^ 0x55) & 0x7F;
    int iexp = ix >> 4;
    int mant = ix & 0xF;
    if (iexp > 0) mant += 16;
    mant = (mant << 4) + 0x8;
    if (iexp > 1) mant <<= iexp - 1;
    return (int16_t)(code > 127 ? mant : -mant);
}

static inline uint8_t ulaw_encode_fast(int16_t sample) {
    int absno = g711_magnitude(sample, 2) + 33; /* 33 … 8224 */
    if (absno > 0x1FFF) absno = 0x1FFF;
    int segno = bit_length((unsigned)absno) - 5; /* 1 + bits of absno >> 6 */
    if (segno < 1) segno = 1;
    int code = ((0x8 - segno) << 4) | (0xF - ((absno >> segno) & 0xF));
    return (uint8_t)(code | ((sample >= 0) << 7));
}

static inline uint8_t alaw_encode_fast(int16_t sample) {
    int ix = g711_magnitude(sample, 4); /* 0 … 2047 */
    if (ix > 15) {
        int iexp = bit_length((unsigned)ix) - 4; /* 1 … 7 */
        ix = ((ix >> (iexp - 1)) - 16) + (iexp << 4);
    }
    return (uint8_t)((ix | ((sample >= 0) << 7)) ^ 0x55);
}

void anpi_ulaw_encode(const int16_t *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = ulaw_encode_fast(in[i]);
}

void anpi_ulaw_decode(const uint8_t *in, int16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = anpi_g711_ulaw_decode_table[in[i]];
}

void anpi_alaw_encode(const int16_t *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = alaw_encode_fast(in[i]);
}

void anpi_alaw_decode(const uint8_t *in, int16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = anpi_g711_alaw_decode_table[in[i]];
}

void anpi_ulaw_to_alaw(const uint8_t *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = anpi_g711_ulaw_to_alaw_table[in[i]];
}

void anpi_alaw_to_ulaw(const uint8_t *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = anpi_g711_alaw_to_ulaw_table[in[i]];
}
