/*
 * Known-answer tests: the library's frames and pairing exchange must be byte for byte those of
 * docs/radio-security-vectors.txt (generated independently in Python), and its receive checks must refuse what the
 * format says to refuse. Usage: test_kat path/to/radio-security-vectors.txt
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sngw_frame.h"
#include "sngw_mqttsn.h"
#include "sngw_pair.h"

/* ---- the vectors file: "[Vn]" sections of "name = hex" lines ---- */

#define MAX_ENTRIES 64

typedef struct {
    char section[8];
    char name[32];
    uint8_t bytes[128];
    size_t len;
} entry;

static entry entries[MAX_ENTRIES];
static int entry_count;

static int load(const char *path) {
    char line[512], section[8] = "";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char name[32], hex[400];
        if (line[0] == '[') {
            sscanf(line, "[%7[^]]]", section);
        } else if (sscanf(line, "%31s = %399s", name, hex) == 2 && entry_count < MAX_ENTRIES &&
                   strlen(hex) % 2 == 0 && strspn(hex, "0123456789abcdef") == strlen(hex)) {
            /* bytes only: words such as "uplink" or "none" describe the inputs, the test knows them */
            entry *e = &entries[entry_count++];
            strcpy(e->section, section);
            strcpy(e->name, name);
            e->len = strlen(hex) / 2;
            for (size_t i = 0; i < e->len && i < sizeof e->bytes; i++) {
                unsigned v;
                sscanf(hex + 2 * i, "%2x", &v);
                e->bytes[i] = (uint8_t)v;
            }
        }
    }
    fclose(f);
    return 0;
}

static const entry *vec(const char *section, const char *name) {
    for (int i = 0; i < entry_count; i++) {
        if (strcmp(entries[i].section, section) == 0 && strcmp(entries[i].name, name) == 0) {
            return &entries[i];
        }
    }
    fprintf(stderr, "vector %s.%s missing from the file\n", section, name);
    exit(2);
}

/* ---- fixed inputs of the format document's "Known-answer vectors" ---- */

static const uint8_t K[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                              0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t DEVID[8] = {0x00, 0x13, 0xa2, 0x00, 0x41, 0xb2, 0xc3, 0xd4};
static const uint8_t IC[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                               0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
static const uint8_t PINGREQ[] = {0x02, 0x16};
static const uint8_t PUBLISH_21_5[] = {0x0b, 0x0c, 0x20, 0x00, 0x01, 0x00, 0x01, 0x32, 0x31, 0x2e, 0x35};
static const char CLIENT_ID[] = "sn-0013a20041b2c3d4";

/* A "random" source that returns a fixed byte: the fixed private keys of V3/V4. */
static int fixed_rng(void *ctx, unsigned char *buf, size_t len) {
    memset(buf, *(const uint8_t *)ctx, len);
    return 0;
}

/* A "random" source that returns given 32 bytes (over and over, for the blinding that follows the key). */
static int bytes_rng(void *ctx, unsigned char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        buf[i] = ((const uint8_t *)ctx)[i % 32];
    }
    return 0;
}

static void v1_uplink_data_frame(void) {
    const entry *frame = vec("V1", "frame");
    uint8_t k_up[16], k_down[16], out[64];
    size_t n = 0;
    sngw_link link;
    CHECK_RC(sngw_derive_link_keys(K, DEVID, k_up, k_down), SNGW_OK);
    CHECK_BYTES(k_up, 16, vec("V1", "k_up")->bytes, vec("V1", "k_up")->len);
    CHECK_BYTES(k_down, 16, vec("V1", "k_down")->bytes, vec("V1", "k_down")->len);
    CHECK_BYTES(K, 16, vec("V1", "k")->bytes, vec("V1", "k")->len);
    CHECK_BYTES(DEVID, 8, vec("V1", "devid")->bytes, vec("V1", "devid")->len);
    CHECK_BYTES(PINGREQ, 2, vec("V1", "plaintext")->bytes, vec("V1", "plaintext")->len);
    CHECK_RC(sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0), SNGW_OK);
    CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_OK);
    CHECK_BYTES(out, n, frame->bytes, frame->len);
    CHECK(n == sizeof PINGREQ + SNGW_FRAME_OVERHEAD);
    CHECK(link.up_next == 2);
    /* the next frame uses the next counter, never the same one */
    CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_OK);
    CHECK(out[15] == 2 && memcmp(out, frame->bytes, n) != 0);
}

static void v2_downlink_data_frame(void) {
    const entry *frame = vec("V2", "frame");
    uint8_t k_up[16], k_down[16], out[64], tampered[64];
    size_t n = 0;
    sngw_link link;
    CHECK_RC(sngw_derive_link_keys(K, DEVID, k_up, k_down), SNGW_OK);
    CHECK_BYTES(k_down, 16, vec("V2", "k_down")->bytes, vec("V2", "k_down")->len);
    CHECK_BYTES(PUBLISH_21_5, sizeof PUBLISH_21_5, vec("V2", "plaintext")->bytes, vec("V2", "plaintext")->len);
    CHECK_RC(sngw_frame_seal_raw(k_down, DEVID, SNGW_KIND_DATA, SNGW_DOWNLINK, 0x00010000, PUBLISH_21_5,
                                 sizeof PUBLISH_21_5, out, sizeof out, &n), SNGW_OK);
    CHECK_BYTES(out, n, frame->bytes, frame->len);

    CHECK_RC(sngw_link_init(&link, K, DEVID, 1, 1, NULL, NULL, 0), SNGW_OK);
    /* what a receiver must drop, without moving its counter */
    memcpy(tampered, frame->bytes, frame->len);
    tampered[20] ^= 0x01;
    CHECK_RC(sngw_frame_open(&link, tampered, frame->len, out, sizeof out, &n), SNGW_ERR_MIC);
    memcpy(tampered, frame->bytes, frame->len);
    tampered[frame->len - 1] ^= 0x80;
    CHECK_RC(sngw_frame_open(&link, tampered, frame->len, out, sizeof out, &n), SNGW_ERR_MIC);
    memcpy(tampered, frame->bytes, frame->len);
    tampered[12] ^= 0x01; /* the counter is authenticated too */
    CHECK_RC(sngw_frame_open(&link, tampered, frame->len, out, sizeof out, &n), SNGW_ERR_MIC);
    CHECK_RC(sngw_frame_open(&link, frame->bytes, frame->len - 1, out, sizeof out, &n), SNGW_ERR_LENGTH);
    memcpy(tampered, frame->bytes, frame->len);
    tampered[3] += 1;
    CHECK_RC(sngw_frame_open(&link, tampered, frame->len, out, sizeof out, &n), SNGW_ERR_LENGTH);
    memcpy(tampered, frame->bytes, frame->len);
    tampered[11] ^= 0x01;
    CHECK_RC(sngw_frame_open(&link, tampered, frame->len, out, sizeof out, &n), SNGW_ERR_DEVICE);
    CHECK_RC(sngw_frame_open(&link, PUBLISH_21_5, sizeof PUBLISH_21_5, out, sizeof out, &n), SNGW_ERR_KIND);
    CHECK_RC(sngw_frame_open(&link, frame->bytes, frame->len, out, 5, &n), SNGW_ERR_BUFFER);
    CHECK(link.down_last == 1);

    CHECK_RC(sngw_frame_open(&link, frame->bytes, frame->len, out, sizeof out, &n), SNGW_OK);
    CHECK_BYTES(out, n, PUBLISH_21_5, sizeof PUBLISH_21_5);
    CHECK(link.down_last == 0x00010000);
    CHECK_RC(sngw_frame_open(&link, frame->bytes, frame->len, out, sizeof out, &n), SNGW_ERR_REPLAY);

    /* an uplink frame looped back is not a downlink frame: other key, other nonce */
    CHECK_RC(sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0), SNGW_OK);
    CHECK_RC(sngw_frame_open(&link, vec("V1", "frame")->bytes, vec("V1", "frame")->len, out, sizeof out, &n),
             SNGW_ERR_MIC);
}

static void pairing(const char *section, const uint8_t *install_code) {
    uint8_t sensor_key = 0x11, gw_key[32], out[128], gw_pub[32], shared[32], okm[48], tag[16], root[16], offer[60];
    uint8_t k_up[16], k_down[16];
    char client_id[24];
    size_t n = 0;
    sngw_pair p;
    const entry *e;

    /* the sensor: PAIR_HELLO, its ephemeral key drawn from the "random" source */
    e = vec(section, "sensor_private");
    CHECK(e->len == 32 && e->bytes[0] == sensor_key && e->bytes[31] == sensor_key);
    CHECK_RC(sngw_pair_start(&p, DEVID, install_code, bytes_rng, (void *)e->bytes, out, sizeof out, &n), SNGW_OK);
    e = vec(section, "pair_hello");
    CHECK_BYTES(out, n, e->bytes, e->len);
    e = vec(section, "sensor_pub");
    CHECK_BYTES(p.sensor_pub, 32, e->bytes, e->len);

    /* the gateway's side, from the building blocks: PAIR_OFFER */
    e = vec(section, "gw_private");
    memcpy(gw_key, e->bytes, sizeof gw_key);
    CHECK_RC(sngw_x25519(gw_pub, gw_key, NULL, fixed_rng, &sensor_key), SNGW_OK);
    e = vec(section, "gw_pub");
    CHECK_BYTES(gw_pub, 32, e->bytes, e->len);
    CHECK_RC(sngw_x25519(shared, gw_key, p.sensor_pub, fixed_rng, &sensor_key), SNGW_OK);
    e = vec(section, "shared");
    CHECK_BYTES(shared, 32, e->bytes, e->len);
    {
        static const uint8_t zero_salt[16];
        CHECK_RC(sngw_pair_derive(shared, install_code != NULL ? install_code : zero_salt, DEVID, p.sensor_pub,
                                  gw_pub, okm), SNGW_OK);
    }
    e = vec(section, "okm");
    CHECK_BYTES(okm, 48, e->bytes, e->len);
    e = vec(section, "k");
    CHECK_BYTES(okm + 32, 16, e->bytes, e->len);
    CHECK_RC(sngw_pair_confirm_tag(okm, "gw", DEVID, p.sensor_pub, gw_pub, tag), SNGW_OK);
    e = vec(section, "gw_confirm");
    CHECK_BYTES(tag, 16, e->bytes, e->len);
    CHECK_RC(sngw_pair_confirm_tag(okm, "sensor", DEVID, p.sensor_pub, gw_pub, tag), SNGW_OK);
    e = vec(section, "sensor_confirm");
    CHECK_BYTES(tag, 16, e->bytes, e->len);

    /* the sensor: checks the offer from the file, answers PAIR_CONFIRM */
    e = vec(section, "pair_offer");
    memcpy(offer, e->bytes, sizeof offer);
    offer[SNGW_HEADER_LEN + 32] ^= 0x01; /* a tampered gwConfirm is refused and changes nothing */
    CHECK_RC(sngw_pair_offer(&p, offer, sizeof offer, out, sizeof out, &n), SNGW_ERR_CONFIRM);
    memcpy(offer, e->bytes, sizeof offer);
    offer[SNGW_HEADER_LEN] ^= 0x01; /* so is a tampered gwPub */
    CHECK_RC(sngw_pair_offer(&p, offer, sizeof offer, out, sizeof out, &n), SNGW_ERR_CONFIRM);
    CHECK_RC(sngw_pair_offer(&p, e->bytes, e->len - 1, out, sizeof out, &n), SNGW_ERR_LENGTH);
    CHECK_RC(sngw_pair_offer(&p, e->bytes, e->len, out, sizeof out, &n), SNGW_OK);
    e = vec(section, "pair_confirm");
    CHECK_BYTES(out, n, e->bytes, e->len);

    /* the gateway: PAIR_ACCEPT with K_down, downlink counter 1 */
    CHECK_RC(sngw_derive_link_keys(okm + 32, DEVID, k_up, k_down), SNGW_OK);
    e = vec(section, "k_up");
    CHECK_BYTES(k_up, 16, e->bytes, e->len);
    e = vec(section, "k_down");
    CHECK_BYTES(k_down, 16, e->bytes, e->len);
    CHECK_RC(sngw_frame_seal_raw(k_down, DEVID, SNGW_KIND_PAIR_ACCEPT, SNGW_DOWNLINK, 1, (const uint8_t *)CLIENT_ID,
                                 strlen(CLIENT_ID), out, sizeof out, &n), SNGW_OK);
    e = vec(section, "pair_accept");
    CHECK_BYTES(out, n, e->bytes, e->len);

    /* the sensor: opens the accept from the file */
    memcpy(out, e->bytes, e->len);
    out[SNGW_HEADER_LEN + 5] ^= 0x01;
    CHECK_RC(sngw_pair_accept(&p, out, e->len, client_id, sizeof client_id, root), SNGW_ERR_MIC);
    CHECK_RC(sngw_pair_accept(&p, e->bytes, e->len, client_id, sizeof client_id, root), SNGW_OK);
    CHECK(strcmp(client_id, CLIENT_ID) == 0);
    e = vec(section, "k");
    CHECK_BYTES(root, 16, e->bytes, e->len);
    CHECK_RC(sngw_pair_accept(&p, e->bytes, e->len, client_id, sizeof client_id, root), SNGW_ERR_STATE);
    sngw_pair_wipe(&p);
}

/* The offer of a gateway given another install code (or none) fails the sensor's check. */
static void wrong_install_code_is_refused(void) {
    uint8_t key = 0x11, out[64];
    size_t n;
    sngw_pair p;
    const entry *with_ic = vec("V3", "pair_offer"), *without = vec("V4", "pair_offer");
    CHECK_RC(sngw_pair_start(&p, DEVID, NULL, fixed_rng, &key, out, sizeof out, &n), SNGW_OK);
    CHECK_RC(sngw_pair_offer(&p, with_ic->bytes, with_ic->len, out, sizeof out, &n), SNGW_ERR_CONFIRM);
    CHECK_RC(sngw_pair_offer(&p, without->bytes, without->len, out, sizeof out, &n), SNGW_OK);
    CHECK_RC(sngw_pair_start(&p, DEVID, IC, fixed_rng, &key, out, sizeof out, &n), SNGW_OK);
    CHECK_RC(sngw_pair_offer(&p, without->bytes, without->len, out, sizeof out, &n), SNGW_ERR_CONFIRM);
    /* an accept before any valid offer is out of order */
    CHECK_RC(sngw_pair_accept(&p, vec("V3", "pair_accept")->bytes, vec("V3", "pair_accept")->len, (char *)out,
                              sizeof out, out), SNGW_ERR_STATE);
    sngw_pair_wipe(&p);
}

/* ---- counters ---- */

typedef struct {
    int calls;
    uint32_t last_reserved;
    int fail;
} persist_log;

static int record_persist(void *ctx, uint32_t reserved, uint32_t down_last) {
    persist_log *log = ctx;
    (void)down_last;
    if (log->fail) {
        return -1;
    }
    log->calls++;
    log->last_reserved = reserved;
    return 0;
}

static void counters_are_reserved_ahead_in_blocks(void) {
    persist_log log = {0, 0, 0};
    uint8_t out[64];
    size_t n;
    sngw_link link;
    CHECK_RC(sngw_link_init(&link, K, DEVID, 1, 1, record_persist, &log, 4), SNGW_OK);
    for (int i = 0; i < 5; i++) {
        CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_OK);
    }
    CHECK(log.calls == 2 && log.last_reserved == 8);
    log.fail = 1;
    link.up_next = 9; /* the next frame needs a new block: without it, nothing is sent */
    CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_ERR_PERSIST);
    CHECK(link.up_next == 9);
}

static void exhausted_counter_stops_the_sender(void) {
    uint8_t out[64];
    size_t n;
    sngw_link link;
    CHECK_RC(sngw_link_init(&link, K, DEVID, 0xEFFFFFFFu, 1, NULL, NULL, 0), SNGW_OK);
    CHECK(!sngw_link_needs_pairing_soon(&link));
    CHECK_RC(sngw_link_init(&link, K, DEVID, 0xF0000000u, 1, NULL, NULL, 0), SNGW_OK);
    CHECK(sngw_link_needs_pairing_soon(&link));
    CHECK_RC(sngw_link_init(&link, K, DEVID, 0xFFFFFFFFu, 1, NULL, NULL, 0), SNGW_OK);
    CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_OK);
    CHECK(out[12] == 0xFF && out[15] == 0xFF);
    CHECK_RC(sngw_frame_seal(&link, PINGREQ, sizeof PINGREQ, out, sizeof out, &n), SNGW_ERR_COUNTER_EXHAUSTED);
}

static int open_down(sngw_link *link, const uint8_t k_down[16], uint32_t counter) {
    uint8_t frame[64], out[64];
    size_t n;
    sngw_frame_seal_raw(k_down, DEVID, SNGW_KIND_DATA, SNGW_DOWNLINK, counter, PINGREQ, sizeof PINGREQ, frame,
                        sizeof frame, &n);
    return sngw_frame_open(link, frame, n, out, sizeof out, &n);
}

static void replay_window_on_reordering_links(void) {
    uint8_t k_up[16], k_down[16];
    sngw_link strict, window;
    sngw_derive_link_keys(K, DEVID, k_up, k_down);
    sngw_link_init(&strict, K, DEVID, 1, 1, NULL, NULL, 0);
    CHECK_RC(open_down(&strict, k_down, 1), SNGW_ERR_REPLAY); /* spent by PAIR_ACCEPT */
    CHECK_RC(open_down(&strict, k_down, 5), SNGW_OK);
    CHECK_RC(open_down(&strict, k_down, 3), SNGW_ERR_REPLAY);

    sngw_link_init(&window, K, DEVID, 1, 1, NULL, NULL, 0);
    window.reorder = 1;
    CHECK_RC(open_down(&window, k_down, 5), SNGW_OK);
    CHECK_RC(open_down(&window, k_down, 3), SNGW_OK);
    CHECK_RC(open_down(&window, k_down, 3), SNGW_ERR_REPLAY);
    CHECK_RC(open_down(&window, k_down, 5), SNGW_ERR_REPLAY);
    CHECK_RC(open_down(&window, k_down, 1), SNGW_ERR_REPLAY);
    CHECK_RC(open_down(&window, k_down, 4), SNGW_OK);
    CHECK_RC(open_down(&window, k_down, 40), SNGW_OK);
    CHECK_RC(open_down(&window, k_down, 8), SNGW_OK);  /* 32 behind: inside */
    CHECK_RC(open_down(&window, k_down, 7), SNGW_ERR_REPLAY); /* 33 behind: outside */
    CHECK_RC(open_down(&window, k_down, 39), SNGW_OK);
    CHECK_RC(open_down(&window, k_down, 39), SNGW_ERR_REPLAY);
}

/* Random bytes and mutations of real frames, at every length: refused with an error code, never read out of bounds
   (run under -fsanitize=address to see the latter). */
static void garbage_is_refused(void) {
    uint32_t x = 12345;
    uint8_t frame[128], out[128], sensor_key = 0x11, hello[64];
    char client_id[24];
    size_t n;
    int accepted = 0;
    sngw_link link;
    sngw_pair p, fresh, ready;
    sngw_sn_msg m;
    const entry *v2 = vec("V2", "frame"), *offer = vec("V3", "pair_offer"), *accept = vec("V3", "pair_accept");
    sngw_pair_start(&fresh, DEVID, IC, fixed_rng, &sensor_key, hello, sizeof hello, &n);
    ready = fresh;
    CHECK_RC(sngw_pair_offer(&ready, offer->bytes, offer->len, out, sizeof out, &n), SNGW_OK);
    for (int round = 0; round < 20000; round++) {
        size_t len = round % 100;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            frame[i] = (uint8_t)(x >> 16);
        }
        if (round % 2 == 0 && len >= 16) { /* a plausible header, so the checks behind it run too */
            memcpy(frame, v2->bytes, 16);
            frame[2] = (uint8_t)(len >> 8);
            frame[3] = (uint8_t)len;
        }
        sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0);
        accepted += sngw_frame_open(&link, frame, len, out, sizeof out, &n) == SNGW_OK;
        sngw_sn_parse(frame, len, &m);
        p = fresh; /* plain data: a copy is a pairing waiting for its offer */
        if (round % 3 == 0 && len == offer->len) {
            memcpy(frame, offer->bytes, 16);
        }
        accepted += sngw_pair_offer(&p, frame, len, out, sizeof out, &n) == SNGW_OK;
        if (round % 5 == 0 && len >= 16) { /* an accept's header and counter 1, so the MIC check runs */
            memcpy(frame, accept->bytes, 16);
            frame[2] = (uint8_t)(len >> 8);
            frame[3] = (uint8_t)len;
        }
        p = ready;
        accepted += sngw_pair_accept(&p, frame, len, client_id, sizeof client_id, out) == SNGW_OK;
    }
    CHECK(accepted == 0);
}

int main(int argc, char **argv) {
    if (argc != 2 || load(argv[1]) != 0) {
        fprintf(stderr, "usage: %s radio-security-vectors.txt\n", argv[0]);
        return 2;
    }
    v1_uplink_data_frame();
    v2_downlink_data_frame();
    pairing("V3", IC);
    pairing("V4", NULL);
    wrong_install_code_is_refused();
    counters_are_reserved_ahead_in_blocks();
    exhausted_counter_stops_the_sender();
    replay_window_on_reordering_links();
    garbage_is_refused();
    return check_summary("known-answer and frame tests");
}
