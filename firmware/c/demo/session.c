/* An MQTT-SN client session over the protected link. See session.h. */
#include "session.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define COUNTER_BLOCK 64 /* uplink counters reserved per state file write */

static int persist(void *ctx, uint32_t reserved, uint32_t down_last) {
    session *s = ctx;
    s->state->up_reserved = reserved;
    s->state->down_last = down_last;
    return state_save(s->state_path, s->state, s->err, sizeof s->err);
}

int session_open(session *s, demo_link *link, sensor_state *state, const char *state_path, long tretry_ms,
                 int nretry, long long deadline, int verbose) {
    int rc;
    memset(s, 0, sizeof *s);
    s->link = link;
    s->state = state;
    s->state_path = state_path;
    s->tretry_ms = tretry_ms;
    s->nretry = nretry;
    s->deadline = deadline;
    s->verbose = verbose;
    s->next_msg_id = 1;
    if (state->up_reserved == 0xFFFFFFFFu) {
        snprintf(s->err, sizeof s->err, "frame counter exhausted: pair again");
        return EXIT_LOCAL;
    }
    rc = sngw_link_init(&s->sec, state->root_key, state->devid, state->up_reserved + 1, state->down_last, persist, s,
                        COUNTER_BLOCK);
    if (rc != SNGW_OK) {
        snprintf(s->err, sizeof s->err, "cannot derive the link keys: %s", sngw_strerror(rc));
        return EXIT_LOCAL;
    }
    s->sec.reorder = link->kind == LINK_UDP; /* datagrams may overtake each other */
    if (sngw_link_needs_pairing_soon(&s->sec)) {
        fprintf(stderr, "sngw-sensor: warning: frame counter %" PRIu32 " is near its end: pair again soon\n",
                s->sec.up_next);
    }
    return EXIT_OK;
}

int session_close(session *s) {
    int rc = EXIT_OK;
    /* every counter below up_next may have been used, none above: the next run starts right there */
    s->state->up_reserved = s->sec.up_next == 0 ? 0xFFFFFFFFu : s->sec.up_next - 1;
    s->state->down_last = s->sec.down_last;
    if (state_save(s->state_path, s->state, s->err, sizeof s->err) != 0) {
        rc = EXIT_LOCAL;
    }
    if (s->verbose && s->dropped > 0) {
        fprintf(stderr, "sngw-sensor: %u frames dropped\n", s->dropped);
    }
    sngw_link_wipe(&s->sec);
    return rc;
}

uint16_t session_msg_id(session *s) {
    uint16_t id = s->next_msg_id++;
    if (s->next_msg_id == 0) {
        s->next_msg_id = 1;
    }
    return id;
}

int session_send(session *s, const uint8_t *packet, size_t len) {
    uint8_t frame[SESSION_MAX_PACKET + SNGW_FRAME_OVERHEAD];
    size_t n;
    int rc = sngw_frame_seal(&s->sec, packet, len, frame, sizeof frame, &n);
    if (rc == SNGW_ERR_PERSIST) {
        return EXIT_LOCAL; /* err set by persist */
    }
    if (rc != SNGW_OK) {
        snprintf(s->err, sizeof s->err, "cannot seal a frame: %s", sngw_strerror(rc));
        return rc == SNGW_ERR_COUNTER_EXHAUSTED ? EXIT_GATEWAY : EXIT_LOCAL;
    }
    if (link_send(s->link, frame, n) != 0) {
        snprintf(s->err, sizeof s->err, "cannot send on the link");
        return EXIT_LOCAL;
    }
    return EXIT_OK;
}

static long remaining(const session *s, long timeout_ms) {
    if (s->deadline != 0) {
        long left = (long)(s->deadline - now_ms());
        if (left < timeout_ms) {
            return left < 0 ? 0 : left;
        }
    }
    return timeout_ms;
}

/* Answers what the gateway sends on its own; returns 1 when handled here, 0 for the caller, or -exit code. */
static int handle(session *s, const sngw_sn_msg *m) {
    uint8_t out[16];
    int n, rc;
    switch (m->type) {
    case SNGW_SN_PUBLISH: {
        int qos = SNGW_SN_FLAGS_QOS(m->flags);
        int duplicate = qos == 2 && s->qos2_open && s->qos2_open_id == m->msg_id;
        if (qos == 1) {
            n = sngw_sn_puback(out, sizeof out, m->topic_id, m->msg_id, SNGW_SN_ACCEPTED);
        } else if (qos == 2) {
            n = sngw_sn_pubrec(out, sizeof out, m->msg_id);
            s->qos2_open = 1;
            s->qos2_open_id = m->msg_id;
        } else {
            n = 0;
        }
        if (n > 0 && (rc = session_send(s, out, (size_t)n)) != EXIT_OK) {
            return -rc;
        }
        if (!duplicate) { /* QoS 1 is at least once: a DUP resend is delivered again */
            s->delivered++;
            if (s->on_publish != NULL) {
                s->on_publish(s->publish_ctx, m->data, m->data_len);
            }
        }
        return 1;
    }
    case SNGW_SN_PUBREL:
        if (s->qos2_open && s->qos2_open_id == m->msg_id) {
            s->qos2_open = 0;
        }
        n = sngw_sn_pubcomp(out, sizeof out, m->msg_id);
        return (rc = session_send(s, out, (size_t)n)) == EXIT_OK ? 1 : -rc;
    case SNGW_SN_REGISTER: /* a topic id for a wildcard subscription's matches */
        n = sngw_sn_regack(out, sizeof out, m->topic_id, m->msg_id, SNGW_SN_ACCEPTED);
        return (rc = session_send(s, out, (size_t)n)) == EXIT_OK ? 1 : -rc;
    default:
        return 0;
    }
}

int session_wait(session *s, long timeout_ms, sngw_sn_msg *reply, uint8_t *buf, size_t cap) {
    long long until = now_ms() + remaining(s, timeout_ms);
    uint8_t frame[SESSION_MAX_PACKET + SNGW_FRAME_OVERHEAD];
    memset(reply, 0, sizeof *reply);
    for (;;) {
        long left = (long)(until - now_ms());
        size_t n;
        int got, rc;
        if (left <= 0) {
            return EXIT_OK; /* timeout: reply->type 0 */
        }
        got = link_recv(s->link, frame, sizeof frame, left);
        if (got < 0) {
            snprintf(s->err, sizeof s->err, "the link failed while receiving");
            return EXIT_LOCAL;
        }
        if (got == 0) {
            continue;
        }
        rc = sngw_frame_open(&s->sec, frame, (size_t)got, buf, cap, &n);
        if (rc != SNGW_OK || sngw_sn_parse(buf, n, reply) != SNGW_OK) {
            s->dropped++;
            if (s->verbose) {
                fprintf(stderr, "sngw-sensor: dropped a %d-byte frame: %s\n", got,
                        rc != SNGW_OK ? sngw_strerror(rc) : "not MQTT-SN inside");
            }
            memset(reply, 0, sizeof *reply);
            continue;
        }
        rc = handle(s, reply);
        return rc < 0 ? -rc : EXIT_OK; /* answered here or not, the caller sees each packet (e.g. counts PUBLISHes) */
    }
}

int session_request(session *s, uint8_t *packet, size_t len, uint8_t want, int match_id, uint16_t msg_id,
                    sngw_sn_msg *reply, uint8_t *buf, size_t cap) {
    for (int attempt = 0; attempt <= s->nretry; attempt++) {
        long long until;
        int rc;
        if (attempt > 0 && packet[len > 255 ? 3 : 1] == SNGW_SN_PUBLISH) {
            packet[len > 255 ? 4 : 2] |= SNGW_SN_FLAG_DUP;
        }
        rc = session_send(s, packet, len);
        if (rc != EXIT_OK) {
            return rc;
        }
        until = now_ms() + s->tretry_ms;
        for (;;) {
            long left = (long)(until - now_ms());
            if (left <= 0 || (s->deadline != 0 && now_ms() >= s->deadline)) {
                break;
            }
            rc = session_wait(s, left, reply, buf, cap);
            if (rc != EXIT_OK) {
                return rc;
            }
            if (reply->type == want && (!match_id || reply->msg_id == msg_id)) {
                return EXIT_OK;
            }
        }
        if (s->deadline != 0 && now_ms() >= s->deadline) {
            snprintf(s->err, sizeof s->err, "timeout: no answer from the gateway in time");
            return EXIT_GATEWAY;
        }
    }
    snprintf(s->err, sizeof s->err, "no answer from the gateway after %d tries", s->nretry + 1);
    return EXIT_GATEWAY;
}
