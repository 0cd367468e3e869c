/*
 * Jitter buffer for inbound Twilio audio (see anpi_media.h for the rules).
 *
 * Frames are kept as entries sorted by (timestamp, chunk), with their bytes
 * laid out in the same order in one buffer. Twilio's frames nearly always
 * arrive in order, so an insert is an append; a reordered frame moves the few
 * entries after it. Popping advances a start index, and the held bytes are
 * moved back to the front only when the end of the buffer is reached.
 *
 * A pop plans the next output frame without changing the object (the same
 * walk answers next_deadline and next_timestamp), and commits the plan only
 * when a whole frame can be produced. Late frames sit in front of the sorted
 * entries, in arrival order, and are served first.
 */
#include "anpi_media.h"

#include <stdlib.h>
#include <string.h>

/* Chunks remembered for duplicate and loss accounting: ~10 s of 20 ms frames. */
#define SEEN_WINDOW 512u

typedef struct entry {
    uint32_t ts;      /* timestamp of byte 0 (advanced when a consumed prefix is dropped) */
    uint32_t chunk;
    uint32_t len;     /* bytes                                            */
    uint32_t off;     /* bytes already emitted                            */
    size_t at;        /* position of byte 0 in buf                        */
    uint64_t arrival; /* now_ms at push                                   */
    int started;      /* some of it went out: nothing may be sorted before it */
} entry;

struct anpi_jitter_buffer {
    anpi_jitter_config cfg;
    size_t frame_bytes, cap_bytes, max_entries;

    entry *ent;       /* [e0, e0 + n): first nlate are late frames, then sorted */
    size_t e0, n, nlate;
    uint8_t *buf;     /* bytes of the entries, in entry order, ending at b1 */
    size_t b1;
    size_t held;      /* bytes not yet emitted                            */

    uint8_t *frame;   /* the frame being planned                          */
    uint8_t *tail;    /* the last frame_ms of received audio (concealment) */
    uint8_t *tail_tmp;/* tail as the plan updates it                      */

    int anchored;     /* the timeline has started                         */
    int64_t pos;      /* timestamp of the next output ms                  */
    int64_t real_end; /* where the last received audio ended (fade origin) */
    uint32_t taken;   /* highest chunk that went into the timeline        */
    uint32_t first;   /* first chunk that did                             */
    uint32_t hi;      /* highest chunk pushed                             */
    uint32_t seen_chunk[SEEN_WINDOW]; /* by chunk % SEEN_WINDOW           */
    uint32_t seen_ts[SEEN_WINDOW];

    anpi_jitter_stats st;
};

enum plan_status { P_READY, P_WAIT, P_NEED };

/* The next output frame as the held entries would produce it. */
typedef struct plan {
    enum plan_status status;
    uint64_t deadline;  /* the latest wait it passed or stopped at      */
    int64_t start_ts;   /* timestamp the frame carries                 */
    int64_t next_pos;   /* timeline position after it                  */
    int64_t real_end;
    size_t done;        /* sorted entries used up                      */
    uint32_t off;       /* bytes used of the entry after them          */
    uint32_t taken, first, lost, real_ms, fill_ms;
    int anchor, resync;
} plan;

void anpi_jitter_config_default(anpi_jitter_config *cfg) {
    if (!cfg) return;
    cfg->frame_ms = 20;
    cfg->max_wait_ms = 20;
    cfg->max_fill_ms = 10000;
    cfg->capacity_ms = 2000;
    cfg->conceal = 0;
}

static void clear_state(anpi_jitter_buffer *jb) {
    jb->e0 = jb->n = jb->nlate = 0;
    jb->b1 = jb->held = 0;
    jb->anchored = 0;
    jb->pos = jb->real_end = 0;
    jb->taken = jb->first = jb->hi = 0;
    memset(jb->seen_chunk, 0, sizeof jb->seen_chunk);
    memset(jb->seen_ts, 0, sizeof jb->seen_ts);
    memset(jb->tail, ANPI_ULAW_SILENCE, jb->frame_bytes);
    memset(&jb->st, 0, sizeof jb->st);
}

anpi_jitter_buffer *anpi_jitter_create(const anpi_jitter_config *cfg, int *err) {
    anpi_jitter_config c;
    anpi_jitter_config_default(&c);
    if (cfg) c = *cfg;
    if (err) *err = ANPI_OK;
    if (c.frame_ms < 1 || c.frame_ms > 1000 || c.capacity_ms < c.frame_ms ||
        c.capacity_ms > 3600000 || (c.conceal != 0 && c.conceal != 1)) {
        if (err) *err = ANPI_ERR_ARG;
        return NULL;
    }
    anpi_jitter_buffer *jb = calloc(1, sizeof *jb);
    if (jb) {
        jb->cfg = c;
        jb->frame_bytes = (size_t)c.frame_ms * 8;
        jb->cap_bytes = (size_t)c.capacity_ms * 8;
        jb->max_entries = c.capacity_ms; /* every entry holds at least 1 ms */
        jb->ent = malloc(jb->max_entries * sizeof *jb->ent);
        jb->buf = malloc(jb->cap_bytes);
        jb->frame = malloc(jb->frame_bytes);
        jb->tail = malloc(jb->frame_bytes);
        jb->tail_tmp = malloc(jb->frame_bytes);
    }
    if (!jb || !jb->ent || !jb->buf || !jb->frame || !jb->tail || !jb->tail_tmp) {
        anpi_jitter_destroy(jb);
        if (err) *err = ANPI_ERR_ALLOC;
        return NULL;
    }
    clear_state(jb);
    return jb;
}

void anpi_jitter_destroy(anpi_jitter_buffer *jb) {
    if (!jb) return;
    free(jb->ent);
    free(jb->buf);
    free(jb->frame);
    free(jb->tail);
    free(jb->tail_tmp);
    free(jb);
}

void anpi_jitter_reset(anpi_jitter_buffer *jb) {
    if (jb) clear_state(jb);
}

void anpi_jitter_get_stats(const anpi_jitter_buffer *jb, anpi_jitter_stats *out) {
    if (!jb || !out) return;
    *out = jb->st;
}

static int seen(const anpi_jitter_buffer *jb, uint32_t chunk) {
    return jb->seen_chunk[chunk % SEEN_WINDOW] == chunk;
}

/* Chunks strictly between lo and hi that were never pushed: the ones a timeline
 * moving from chunk lo to chunk hi skips. Beyond the window all count. */
static uint32_t unseen_between(const anpi_jitter_buffer *jb, uint32_t lo, uint32_t hi) {
    if (hi <= lo + 1) return 0;
    uint32_t count = 0, from = lo + 1;
    if (hi - from > SEEN_WINDOW) {
        count = hi - from - SEEN_WINDOW;
        from = hi - SEEN_WINDOW;
    }
    for (uint32_t c = from; c < hi; c++) count += !seen(jb, c);
    return count;
}

/* A gap ends its wait max_wait_ms after the first frame held behind it arrived. */
static uint64_t wait_deadline(const anpi_jitter_buffer *jb, size_t from) {
    uint64_t first = UINT64_MAX;
    for (size_t i = from; i < jb->e0 + jb->n; i++)
        if (jb->ent[i].arrival < first) first = jb->ent[i].arrival;
    return first + jb->cfg.max_wait_ms;
}

/* Keep the most recent frame_bytes of received audio, oldest first. */
static void remember(uint8_t *tail, size_t cap, const uint8_t *src, size_t len) {
    if (len >= cap) {
        memcpy(tail, src + len - cap, cap);
    } else {
        memmove(tail, tail + len, cap - len);
        memcpy(tail + cap - len, src, len);
    }
}

/* `ms` of fill starting `since` ms after the received audio ended. Concealment
 * replays the last frame fading linearly to silence over one frame, so a
 * short loss is bridged without a click and a long one becomes silence. */
static void write_fill(const anpi_jitter_buffer *jb, uint8_t *dst, const uint8_t *tail,
                       int64_t since, uint32_t ms) {
    size_t len = (size_t)ms * 8, fb = jb->frame_bytes;
    memset(dst, ANPI_ULAW_SILENCE, len);
    if (!jb->cfg.conceal || !tail || since < 0 || since >= (int64_t)jb->cfg.frame_ms) return;
    for (size_t k = 0, j = (size_t)since * 8; k < len && j < fb; k++, j++) {
        int32_t s = anpi_ulaw_decode_ref(tail[j]);
        dst[k] = anpi_ulaw_encode_ref((int16_t)(s * (int32_t)(fb - j) / (int32_t)fb));
    }
}

/*
 * Walk the sorted entries from the timeline position and plan one output
 * frame. `dst` (the frame scratch) and `tail` (a copy of jb->tail) are written
 * only when non-NULL, i.e. when pop is going to commit; nothing in jb changes.
 */
static void plan_frame(const anpi_jitter_buffer *jb, uint64_t now, uint8_t *dst, uint8_t *tail,
                       plan *pl) {
    const uint32_t fm = jb->cfg.frame_ms;
    const size_t end = jb->e0 + jb->n;
    size_t i = jb->e0 + jb->nlate;
    uint32_t off = i < end ? jb->ent[i].off : 0;
    int64_t pos = jb->pos;

    memset(pl, 0, sizeof *pl);
    pl->taken = jb->taken;
    pl->real_end = jb->real_end;
    pl->start_ts = pos;
    if (!jb->anchored) {
        if (i == end) {
            pl->status = P_NEED;
            return;
        }
        /* Wait for earlier chunks unless this is Twilio's first. */
        const entry *e = &jb->ent[i];
        pl->start_ts = e->ts;
        if (e->chunk != 1) {
            pl->deadline = wait_deadline(jb, i);
            if (now < pl->deadline) {
                pl->status = P_WAIT;
                return;
            }
        }
        pos = pl->real_end = pl->start_ts;
        pl->first = e->chunk;
        pl->taken = e->chunk - 1; /* chunks before the first are not counted lost */
        pl->anchor = 1;
    }

    uint32_t got = 0;
    int jumped = 0;
    while (got < fm) {
        if (i == end) {
            pl->status = P_NEED;
            return;
        }
        const entry *e = &jb->ent[i];
        const int64_t p = (int64_t)e->ts + off / 8, at = pos + got;
        if (p == at) {
            if (off == 0 && !e->started) {
                pl->lost += unseen_between(jb, pl->taken, e->chunk);
                if (e->chunk > pl->taken) pl->taken = e->chunk;
            }
            uint32_t ms = (e->len - off) / 8;
            if (ms > fm - got) ms = fm - got;
            if (dst) {
                memcpy(dst + (size_t)got * 8, jb->buf + e->at + off, (size_t)ms * 8);
                if (tail) remember(tail, jb->frame_bytes, jb->buf + e->at + off, (size_t)ms * 8);
            }
            got += ms;
            pl->real_ms += ms;
            pl->real_end = at + ms;
            off += ms * 8;
            if (off == e->len) {
                i++;
                pl->done++;
                off = 0;
            }
            continue;
        }
        /* A gap (or a step back). Missing chunks may still come: wait for them. */
        const int64_t gap = p - at;
        if (e->chunk != pl->taken + 1) {
            uint64_t deadline = wait_deadline(jb, i);
            if (deadline > pl->deadline) pl->deadline = deadline;
            if (now < deadline) {
                pl->status = P_WAIT;
                return;
            }
        }
        /* The wait is over: chunks still missing before this one are lost, and
         * any that turn up from now on are late, even before their slot is filled. */
        pl->lost += unseen_between(jb, pl->taken, e->chunk);
        if (e->chunk - 1 > pl->taken) pl->taken = e->chunk - 1;
        if (gap > 0 && gap <= (int64_t)jb->cfg.max_fill_ms) {
            uint32_t ms = gap < (int64_t)(fm - got) ? (uint32_t)gap : fm - got;
            if (dst) write_fill(jb, dst + (size_t)got * 8, tail, at - pl->real_end, ms);
            got += ms;
            pl->fill_ms += ms;
            continue;
        }
        /* Resync: the timeline restarts at this frame, on a frame boundary. */
        pl->resync = 1;
        if (got == 0) {
            pos = pl->start_ts = p;
            continue;
        }
        if (dst) write_fill(jb, dst + (size_t)got * 8, tail, at - pl->real_end, fm - got);
        pl->fill_ms += fm - got;
        got = fm;
        pl->next_pos = p;
        jumped = 1;
    }
    if (!jumped) pl->next_pos = pos + fm;
    pl->off = off;
    pl->status = P_READY;
}

/* Move the held bytes to the front of buf, dropping prefixes already emitted. */
static void compact(anpi_jitter_buffer *jb) {
    size_t b = 0;
    for (size_t k = 0; k < jb->n; k++) {
        entry e = jb->ent[jb->e0 + k];
        memmove(jb->buf + b, jb->buf + e.at + e.off, e.len - e.off);
        e.ts += e.off / 8;
        e.len -= e.off;
        e.off = 0;
        e.at = b;
        b += e.len;
        jb->ent[k] = e;
    }
    jb->e0 = 0;
    jb->b1 = b;
}

/* Insert at index k (absolute), keeping bytes in entry order. held + len fits. */
static void insert_at(anpi_jitter_buffer *jb, size_t k, entry e, const uint8_t *data) {
    if (jb->e0 + jb->n == jb->max_entries || jb->b1 + e.len > jb->cap_bytes) {
        k -= jb->e0;
        compact(jb);
    }
    const size_t end = jb->e0 + jb->n;
    e.at = k < end ? jb->ent[k].at : jb->b1;
    memmove(jb->buf + e.at + e.len, jb->buf + e.at, jb->b1 - e.at);
    memmove(&jb->ent[k + 1], &jb->ent[k], (end - k) * sizeof *jb->ent);
    for (size_t j = k + 1; j <= end; j++) jb->ent[j].at += e.len;
    memcpy(jb->buf + e.at, data, e.len);
    jb->ent[k] = e;
    jb->b1 += e.len;
    jb->n++;
}

int anpi_jitter_push(anpi_jitter_buffer *jb, uint32_t timestamp_ms, uint32_t chunk,
                     const uint8_t *ulaw, size_t len, uint64_t now_ms) {
    if (!jb || !ulaw || chunk == 0 || len == 0 || len % 8 != 0 || len > jb->cap_bytes)
        return ANPI_ERR_ARG;
    const uint32_t slot = chunk % SEEN_WINDOW;
    if (jb->seen_chunk[slot] == chunk && jb->seen_ts[slot] == timestamp_ms) {
        jb->st.received++;
        jb->st.duplicates++;
        return ANPI_OK;
    }
    if (jb->held + len > jb->cap_bytes) return ANPI_ERR_SPACE;

    jb->st.received++;
    if (chunk < jb->hi) jb->st.reordered++;
    else jb->hi = chunk;

    entry e = {timestamp_ms, chunk, (uint32_t)len, 0, 0, now_ms, 0};
    size_t k;
    if (jb->anchored && chunk <= jb->taken) {
        /* Its slot has gone by: serve it as LATE, after earlier late frames. If
         * the timeline counted it lost, it no longer is. */
        jb->st.late++;
        if (chunk > jb->first && chunk + SEEN_WINDOW > jb->hi && !seen(jb, chunk) && jb->st.lost)
            jb->st.lost--;
        k = jb->e0 + jb->nlate++;
    } else {
        /* Sorted by (timestamp, chunk), never before audio that has begun. */
        size_t lo = jb->e0 + jb->nlate;
        if (lo < jb->e0 + jb->n && jb->ent[lo].started) lo++;
        k = jb->e0 + jb->n;
        while (k > lo && (jb->ent[k - 1].ts > timestamp_ms ||
                          (jb->ent[k - 1].ts == timestamp_ms && jb->ent[k - 1].chunk > chunk)))
            k--;
    }
    if (chunk >= jb->seen_chunk[slot]) {
        jb->seen_chunk[slot] = chunk;
        jb->seen_ts[slot] = timestamp_ms;
    }
    insert_at(jb, k, e, ulaw);
    jb->held += len;
    if (jb->held / 8 > jb->st.max_depth_ms) jb->st.max_depth_ms = (uint32_t)(jb->held / 8);
    return ANPI_OK;
}

/* Remove the entry at e0 (its bytes are dropped with it). */
static void drop_front(anpi_jitter_buffer *jb) {
    jb->e0++;
    if (--jb->n == 0) jb->e0 = jb->b1 = 0;
}

/* Emit up to one frame of the oldest late entry, padded with silence. */
static int pop_late(anpi_jitter_buffer *jb, uint8_t *out) {
    entry *e = &jb->ent[jb->e0];
    size_t len = e->len - e->off;
    if (len > jb->frame_bytes) len = jb->frame_bytes;
    memcpy(out, jb->buf + e->at + e->off, len);
    memset(out + len, ANPI_ULAW_SILENCE, jb->frame_bytes - len);
    e->off += (uint32_t)len;
    e->started = 1;
    jb->held -= len;
    if (e->off == e->len) {
        drop_front(jb);
        jb->nlate--;
    }
    jb->st.delivered++;
    return ANPI_JITTER_LATE;
}

int anpi_jitter_pop(anpi_jitter_buffer *jb, uint64_t now_ms, uint8_t *out, size_t out_cap) {
    if (!jb || !out || out_cap < jb->frame_bytes) return ANPI_ERR_ARG;
    if (jb->nlate) return pop_late(jb, out);

    uint8_t *tail = NULL;
    if (jb->cfg.conceal) {
        memcpy(jb->tail_tmp, jb->tail, jb->frame_bytes);
        tail = jb->tail_tmp;
    }
    plan pl;
    plan_frame(jb, now_ms, jb->frame, tail, &pl);
    if (pl.status != P_READY) return ANPI_JITTER_EMPTY;

    memcpy(out, jb->frame, jb->frame_bytes);
    if (tail) memcpy(jb->tail, tail, jb->frame_bytes);
    for (size_t k = 0; k < pl.done; k++) drop_front(jb); /* nlate is 0 here */
    if (jb->n) {
        entry *head = &jb->ent[jb->e0];
        if (pl.off) head->started = 1;
        head->off = pl.off;
    }
    if (pl.anchor) {
        jb->anchored = 1;
        jb->first = pl.first;
    }
    jb->pos = pl.next_pos;
    jb->real_end = pl.real_end;
    jb->taken = pl.taken;
    jb->held -= (size_t)pl.real_ms * 8;
    jb->st.lost += pl.lost;
    jb->st.resyncs += (uint64_t)pl.resync;
    jb->st.filled_ms += pl.fill_ms;
    jb->st.filled += pl.real_ms == 0;
    jb->st.delivered++;
    return pl.real_ms ? ANPI_JITTER_FRAME : ANPI_JITTER_FILL;
}

uint64_t anpi_jitter_next_deadline_ms(const anpi_jitter_buffer *jb) {
    if (!jb) return UINT64_MAX;
    if (jb->nlate) return 0;
    /* As if every wait were over: the frame is due when the last one ends. */
    plan pl;
    plan_frame(jb, UINT64_MAX, NULL, NULL, &pl);
    return pl.status == P_READY ? pl.deadline : UINT64_MAX;
}

uint32_t anpi_jitter_next_timestamp_ms(const anpi_jitter_buffer *jb) {
    if (!jb) return 0;
    if (jb->nlate) {
        const entry *e = &jb->ent[jb->e0];
        return e->ts + e->off / 8;
    }
    plan pl;
    plan_frame(jb, UINT64_MAX, NULL, NULL, &pl);
    return (uint32_t)pl.start_ts;
}
