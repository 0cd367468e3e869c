/*
 * Playout framer for outbound audio (see anpi_media.h for the contract).
 *
 * Audio waits in a byte ring; a FIFO of segments says which item each run of
 * bytes belongs to. Items play one after another, so only the newest segment
 * can still grow, and a frame never mixes two items: an item's last partial
 * frame is padded with silence when the item ends.
 *
 * Pacing keeps an estimate of when Twilio will have played everything sent
 * (play_end). A frame may go when, after it, play_end is at most lead_ms past
 * now. When play_end is in the past Twilio's buffer has drained, and the
 * clock restarts at the next frame. Mark echoes correct the estimate when
 * Twilio turns out to be behind it (network delay before playback).
 */
#include "anpi_media.h"

#include <stdlib.h>
#include <string.h>

typedef struct item_rec {
    uint32_t id;          /* caller's handle; 0: free slot                    */
    uint32_t played_ms;
    uint64_t sent_bytes;
    uint64_t base;        /* stream position of its first frame; UINT64_MAX: none yet */
    uint64_t seq;         /* creation order, to evict the oldest              */
    uint32_t since_mark;  /* frames sent since the last mark                  */
    int ended;            /* no more audio accepted                           */
    int queued;           /* has a segment in the FIFO                        */
} item_rec;

typedef struct segment {
    uint32_t slot;        /* index into items                                 */
    int ended;            /* its item ended: the last partial frame may go    */
    size_t bytes;         /* queued bytes of this run                         */
} segment;

struct anpi_playout_framer {
    anpi_framer_config cfg;
    size_t fb, cap;       /* frame bytes, ring bytes                          */
    uint8_t *ring;
    size_t r0, rn;        /* queued bytes: rn from r0, wrapping               */
    segment *seg;         /* FIFO of max_items segments                       */
    size_t s0, sn;
    item_rec *items;
    uint64_t next_seq;
    int64_t open;         /* slot of the item still receiving audio, or -1    */
    uint32_t gen;
    uint64_t play_end;    /* when Twilio will have played all that was sent   */
    uint64_t stream;      /* bytes sent so far, padding included              */
};

void anpi_framer_config_default(anpi_framer_config *cfg) {
    if (!cfg) return;
    cfg->frame_ms = 20;
    cfg->lead_ms = 200;
    cfg->capacity_ms = 120000;
    cfg->mark_every = 1;
    cfg->max_items = 64;
}

static void clear_state(anpi_playout_framer *fr) {
    fr->r0 = fr->rn = fr->s0 = fr->sn = 0;
    memset(fr->items, 0, fr->cfg.max_items * sizeof *fr->items);
    fr->next_seq = 0;
    fr->open = -1;
    fr->gen = 0;
    fr->play_end = fr->stream = 0;
}

anpi_playout_framer *anpi_framer_create(const anpi_framer_config *cfg, int *err) {
    anpi_framer_config c;
    anpi_framer_config_default(&c);
    if (cfg) c = *cfg;
    if (err) *err = ANPI_OK;
    if (c.frame_ms < 1 || c.frame_ms > 1000 || c.lead_ms < c.frame_ms ||
        c.capacity_ms < c.frame_ms || c.capacity_ms > 3600000 || c.max_items < 1 ||
        c.max_items > 65536) {
        if (err) *err = ANPI_ERR_ARG;
        return NULL;
    }
    anpi_playout_framer *fr = calloc(1, sizeof *fr);
    if (fr) {
        fr->cfg = c;
        fr->fb = (size_t)c.frame_ms * 8;
        fr->cap = (size_t)c.capacity_ms * 8;
        fr->ring = malloc(fr->cap);
        fr->seg = malloc(c.max_items * sizeof *fr->seg);
        fr->items = malloc(c.max_items * sizeof *fr->items);
    }
    if (!fr || !fr->ring || !fr->seg || !fr->items) {
        anpi_framer_destroy(fr);
        if (err) *err = ANPI_ERR_ALLOC;
        return NULL;
    }
    clear_state(fr);
    return fr;
}

void anpi_framer_destroy(anpi_playout_framer *fr) {
    if (!fr) return;
    free(fr->ring);
    free(fr->seg);
    free(fr->items);
    free(fr);
}

void anpi_framer_reset(anpi_playout_framer *fr) {
    if (fr) clear_state(fr);
}

static item_rec *find_item(const anpi_playout_framer *fr, uint32_t id) {
    if (id == 0) return NULL;
    for (uint32_t k = 0; k < fr->cfg.max_items; k++)
        if (fr->items[k].id == id) return &fr->items[k];
    return NULL;
}

/* A free slot, or the oldest item with nothing queued (forgotten). -1: none. */
static int64_t free_slot(const anpi_playout_framer *fr) {
    int64_t best = -1;
    for (uint32_t k = 0; k < fr->cfg.max_items; k++) {
        const item_rec *it = &fr->items[k];
        if (it->id == 0) return k;
        if (!it->queued && (best < 0 || it->seq < fr->items[best].seq)) best = k;
    }
    return best;
}

static segment *last_segment(anpi_playout_framer *fr) {
    return fr->sn ? &fr->seg[(fr->s0 + fr->sn - 1) % fr->cfg.max_items] : NULL;
}

/* No more audio for the open item; its queued remainder may go out padded. */
static void end_open(anpi_playout_framer *fr) {
    if (fr->open < 0) return;
    item_rec *it = &fr->items[fr->open];
    it->ended = 1;
    segment *s = last_segment(fr);
    if (s && s->slot == (uint32_t)fr->open) s->ended = 1;
    fr->open = -1;
}

int anpi_framer_push(anpi_playout_framer *fr, uint32_t item, const uint8_t *ulaw, size_t len) {
    if (!fr || item == 0 || (!ulaw && len)) return ANPI_ERR_ARG;
    item_rec *it = find_item(fr, item);
    if (it && it->ended) return ANPI_ERR_STATE;
    if (len == 0) return ANPI_OK;
    if (len > fr->cap) return ANPI_ERR_ARG;
    if (fr->rn + len > fr->cap) return ANPI_ERR_SPACE;

    if (!it) {
        /* A new item; the previous one is over (items play in sequence). */
        int64_t k = free_slot(fr);
        if (k < 0) return ANPI_ERR_SPACE; /* every item tracked has audio queued */
        end_open(fr);
        it = &fr->items[k];
        *it = (item_rec){.id = item, .base = UINT64_MAX, .seq = fr->next_seq++};
        fr->open = k;
    }

    const uint32_t slot = (uint32_t)(it - fr->items);
    segment *s = last_segment(fr);
    if (!s || s->slot != slot) {
        s = &fr->seg[(fr->s0 + fr->sn++) % fr->cfg.max_items];
        *s = (segment){.slot = slot};
        it->queued = 1;
    }
    size_t w = (fr->r0 + fr->rn) % fr->cap, first = fr->cap - w;
    if (first > len) first = len;
    memcpy(fr->ring + w, ulaw, first);
    memcpy(fr->ring, ulaw + first, len - first);
    fr->rn += len;
    s->bytes += len;
    return ANPI_OK;
}

int anpi_framer_end_item(anpi_playout_framer *fr, uint32_t item) {
    if (!fr || item == 0) return ANPI_ERR_ARG;
    item_rec *it = find_item(fr, item);
    if (!it) return ANPI_ERR_STATE;
    if (fr->open == it - fr->items) end_open(fr);
    return ANPI_OK;
}

/* A whole frame, or the padded end of an item, is queued. */
static int frame_ready(const anpi_playout_framer *fr) {
    if (!fr->sn) return 0;
    const segment *s = &fr->seg[fr->s0];
    return s->bytes >= fr->fb || (s->ended && s->bytes > 0);
}

/* Earliest time the next frame keeps play_end within lead_ms of now. */
static uint64_t due_time(const anpi_playout_framer *fr) {
    uint64_t after = fr->play_end + fr->cfg.frame_ms;
    return after > fr->cfg.lead_ms ? after - fr->cfg.lead_ms : 0;
}

int anpi_framer_pop(anpi_playout_framer *fr, uint64_t now_ms, uint8_t *out, size_t out_cap,
                    anpi_framer_frame *info) {
    if (!fr || !out || out_cap < fr->fb) return ANPI_ERR_ARG;
    if (!frame_ready(fr) || due_time(fr) > now_ms) return 0;

    segment *s = &fr->seg[fr->s0];
    item_rec *it = &fr->items[s->slot];
    size_t n = s->bytes < fr->fb ? s->bytes : fr->fb, first = fr->cap - fr->r0;
    if (first > n) first = n;
    memcpy(out, fr->ring + fr->r0, first);
    memcpy(out + first, fr->ring, n - first);
    memset(out + n, ANPI_ULAW_SILENCE, fr->fb - n);
    fr->r0 = (fr->r0 + n) % fr->cap;
    fr->rn -= n;
    s->bytes -= n;

    if (it->base == UINT64_MAX) it->base = fr->stream;
    it->sent_bytes += n;
    it->since_mark++;
    const int last = s->ended && s->bytes == 0;
    if (s->bytes == 0) {
        it->queued = 0;
        fr->s0 = (fr->s0 + 1) % fr->cfg.max_items;
        fr->sn--;
    }
    fr->play_end = (fr->play_end > now_ms ? fr->play_end : now_ms) + fr->cfg.frame_ms;
    fr->stream += fr->fb;

    /* Marking the frame before the queue runs dry means an item's end is
     * always followed by a mark, even when end_item comes after its last frame. */
    const int mark = last || !frame_ready(fr) ||
                     (fr->cfg.mark_every && it->since_mark >= fr->cfg.mark_every);
    if (mark) it->since_mark = 0;
    if (info)
        *info = (anpi_framer_frame){.item = it->id,
                                    .generation = fr->gen,
                                    .item_sent_ms = (uint32_t)(it->sent_bytes / 8),
                                    .mark = mark,
                                    .item_last = last,
                                    .padded = n < fr->fb};
    return 1;
}

uint64_t anpi_framer_next_due_ms(const anpi_playout_framer *fr, uint64_t now_ms) {
    if (!fr || !frame_ready(fr)) return UINT64_MAX;
    uint64_t due = due_time(fr);
    return due > now_ms ? due : now_ms;
}

int anpi_framer_mark_played(anpi_playout_framer *fr, uint32_t item, uint32_t sent_ms,
                            uint32_t generation, uint64_t now_ms) {
    if (!fr || generation != fr->gen) return 0;
    item_rec *it = find_item(fr, item);
    if (!it || sent_ms <= it->played_ms || sent_ms > it->sent_bytes / 8) return 0;
    it->played_ms = sent_ms;

    /* Twilio has just played up to this mark (the end of the frame holding
     * sent_ms); whatever was sent after it is still in its buffer. */
    uint64_t at = it->base + ((uint64_t)sent_ms * 8 + fr->fb - 1) / fr->fb * fr->fb;
    if (at <= fr->stream) {
        uint64_t end = now_ms + (fr->stream - at) / 8;
        if (end > fr->play_end) fr->play_end = end;
    }
    return 1;
}

uint32_t anpi_framer_sent_ms(const anpi_playout_framer *fr, uint32_t item) {
    const item_rec *it = fr ? find_item(fr, item) : NULL;
    return it ? (uint32_t)(it->sent_bytes / 8) : 0;
}

uint32_t anpi_framer_played_ms(const anpi_playout_framer *fr, uint32_t item) {
    const item_rec *it = fr ? find_item(fr, item) : NULL;
    return it ? it->played_ms : 0;
}

uint32_t anpi_framer_generation(const anpi_playout_framer *fr) {
    return fr ? fr->gen : 0;
}

uint32_t anpi_framer_queued_ms(const anpi_playout_framer *fr) {
    return fr ? (uint32_t)((fr->rn + 7) / 8) : 0;
}

uint32_t anpi_framer_flush(anpi_playout_framer *fr, uint64_t now_ms) {
    if (!fr) return 0;
    /* The cut item takes no more audio: late deltas of it are refused. */
    end_open(fr);
    for (size_t k = 0; k < fr->sn; k++) {
        item_rec *it = &fr->items[fr->seg[(fr->s0 + k) % fr->cfg.max_items].slot];
        it->queued = 0;
        it->since_mark = 0;
    }
    fr->s0 = fr->sn = 0;
    fr->r0 = fr->rn = 0;
    /* Twilio drops its buffer on clear: nothing is playing any more. */
    fr->play_end = now_ms;
    return ++fr->gen;
}
