/*
 * An MQTT-SN client session over the protected link: seals what it sends, opens what it receives (dropping and
 * counting what fails), retries requests every Tretry up to Nretry times, and answers the gateway's PUBLISH,
 * REGISTER and PUBREL on its own.
 */
#ifndef SNGW_DEMO_SESSION_H
#define SNGW_DEMO_SESSION_H

#include "link.h"
#include "sngw_frame.h"
#include "sngw_mqttsn.h"
#include "state.h"

/* Exit codes of sngw-sensor; session functions return one of them. */
#define EXIT_OK 0
#define EXIT_GATEWAY 1 /* no answer after the retries, a refusal, or --timeout reached */
#define EXIT_USAGE 2
#define EXIT_LOCAL 3   /* state file, device, address, random source */

#define SESSION_MAX_PACKET 512

typedef void (*publish_fn)(void *ctx, const uint8_t *payload, size_t len);

typedef struct {
    demo_link *link;
    sngw_link sec;
    sensor_state *state;
    const char *state_path;
    long tretry_ms;
    int nretry;
    long long deadline; /* monotonic ms; 0: none */
    int verbose;
    uint16_t next_msg_id;
    publish_fn on_publish;
    void *publish_ctx;
    unsigned delivered;
    uint16_t qos2_open_id; /* a QoS 2 PUBLISH delivered and not yet released: a DUP resend is not delivered twice */
    int qos2_open;
    unsigned dropped; /* frames dropped: bad length, other device, replay, bad MIC, ... */
    char err[256];
} session;

/* Starts from the stored state: uplink counters resume above the stored reservation. */
int session_open(session *s, demo_link *link, sensor_state *state, const char *state_path, long tretry_ms,
                 int nretry, long long deadline, int verbose);

/* Records where the counters stand (the exact uplink counter, not the block) and wipes the keys. */
int session_close(session *s);

uint16_t session_msg_id(session *s);

/* Seals and sends one MQTT-SN packet. */
int session_send(session *s, const uint8_t *packet, size_t len);

/*
 * Sends packet and waits for an answer of type want (with msg_id, when match_id), resending every Tretry, at most
 * Nretry times (a resent PUBLISH gets the DUP flag). The answer is parsed into reply, its bytes kept in buf.
 */
int session_request(session *s, uint8_t *packet, size_t len, uint8_t want, int match_id, uint16_t msg_id,
                    sngw_sn_msg *reply, uint8_t *buf, size_t cap);

/*
 * Waits up to timeout_ms (bounded by the deadline) for the next packet, after answering it where the session does
 * that itself (PUBLISH, PUBREL, REGISTER). Returns EXIT_OK with reply set, EXIT_OK with reply->type 0 on a timeout,
 * or an error.
 */
int session_wait(session *s, long timeout_ms, sngw_sn_msg *reply, uint8_t *buf, size_t cap);

#endif
