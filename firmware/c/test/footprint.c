/*
 * What the library costs on this host: the deepest stack of sealing, opening and a whole pairing (mbedTLS included,
 * measured by painting a thread's stack), and the time per sealed / opened frame and per pairing.
 * Not a test: `footprint` prints the figures quoted in firmware/c/README.md. Heap: run it under
 * `valgrind --tool=massif` (mbedTLS allocates; this library does not).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sngw_frame.h"
#include "sngw_mqttsn.h"
#include "sngw_pair.h"

#define STACK_BYTES (256 * 1024)
#define PAINT 0xA5

static uint8_t stack[STACK_BYTES] __attribute__((aligned(64)));
static const uint8_t K[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t DEVID[8] = {0x00, 0x13, 0xa2, 0x00, 0x41, 0xb2, 0xc3, 0xd4};

static int fixed_rng(void *ctx, unsigned char *buf, size_t len) {
    memset(buf, *(const uint8_t *)ctx, len);
    return 0;
}

static uint8_t publish[64];
static int publish_len;
static uint8_t down_frame[128];
static size_t down_len;

static void *seal(void *arg) {
    sngw_link link;
    uint8_t out[128];
    size_t n;
    (void)arg;
    sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0);
    sngw_frame_seal(&link, publish, (size_t)publish_len, out, sizeof out, &n);
    return NULL;
}

static void *open_frame(void *arg) {
    sngw_link link;
    uint8_t out[128];
    size_t n;
    (void)arg;
    sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0);
    sngw_frame_open(&link, down_frame, down_len, out, sizeof out, &n);
    return NULL;
}

/* The gateway's side of a pairing without install code, from the building blocks: offer and accept for a hello. */
static void gateway_side(const sngw_pair *sensor, uint8_t offer[60], uint8_t accept[64], size_t *accept_len) {
    uint8_t sk = 0x11, gw_key[32], gw_pub[32], shared[32], okm[48], tag[16], k_up[16], k_down[16];
    static const uint8_t zero[16];
    memset(gw_key, 0x22, sizeof gw_key);
    sngw_x25519(gw_pub, gw_key, NULL, fixed_rng, &sk);
    sngw_x25519(shared, gw_key, sensor->sensor_pub, fixed_rng, &sk);
    sngw_pair_derive(shared, zero, DEVID, sensor->sensor_pub, gw_pub, okm);
    sngw_pair_confirm_tag(okm, "gw", DEVID, sensor->sensor_pub, gw_pub, tag);
    offer[0] = SNGW_MARKER;
    offer[1] = SNGW_KIND_PAIR_OFFER;
    offer[2] = 0;
    offer[3] = 60;
    memcpy(offer + 4, DEVID, 8);
    memcpy(offer + 12, gw_pub, 32);
    memcpy(offer + 44, tag, 16);
    sngw_derive_link_keys(okm + 32, DEVID, k_up, k_down);
    sngw_frame_seal_raw(k_down, DEVID, SNGW_KIND_PAIR_ACCEPT, SNGW_DOWNLINK, 1, (const uint8_t *)"sn-1", 4, accept, 64,
                        accept_len);
}

/* Both sides of a pairing. */
static int pair_once(void) {
    uint8_t sk = 0x11, hello[64], offer[60], confirm[32], accept[64], root[16];
    size_t n, accept_len;
    char client_id[24];
    sngw_pair p;
    sngw_pair_start(&p, DEVID, NULL, fixed_rng, &sk, hello, sizeof hello, &n);
    gateway_side(&p, offer, accept, &accept_len);
    if (sngw_pair_offer(&p, offer, sizeof offer, confirm, sizeof confirm, &n) != SNGW_OK) {
        return -1;
    }
    return sngw_pair_accept(&p, accept, accept_len, client_id, sizeof client_id, root);
}

/* Only the sensor's own steps, for the stack: start, offer, accept (prepared outside). */
static uint8_t prepared_offer[60], prepared_accept[64];
static size_t prepared_accept_len;

static void *pair_sensor_side(void *arg) {
    uint8_t sk = 0x11, hello[64], confirm[32], root[16];
    size_t n;
    char client_id[24];
    sngw_pair p;
    (void)arg;
    sngw_pair_start(&p, DEVID, NULL, fixed_rng, &sk, hello, sizeof hello, &n);
    sngw_pair_offer(&p, prepared_offer, sizeof prepared_offer, confirm, sizeof confirm, &n);
    sngw_pair_accept(&p, prepared_accept, prepared_accept_len, client_id, sizeof client_id, root);
    return NULL;
}

static void *nothing(void *arg) {
    return arg;
}

static size_t deepest_stack(void *(*fn)(void *)) {
    pthread_attr_t attr;
    pthread_t t;
    size_t untouched = 0;
    memset(stack, PAINT, sizeof stack);
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, sizeof stack);
    pthread_create(&t, &attr, fn, NULL);
    pthread_join(t, NULL);
    while (untouched < sizeof stack && stack[untouched] == PAINT) { /* the stack grows down from the end */
        untouched++;
    }
    return sizeof stack - untouched;
}

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void) {
    uint8_t k_up[16], k_down[16], out[128];
    size_t n;
    size_t base;
    sngw_link link;
    int rounds = 20000;
    double t0, plain_us, seal_us, open_us, pair_ms;

    publish_len = sngw_sn_publish(publish, sizeof publish, SNGW_SN_QOS_FLAGS(1), 1, 1, (const uint8_t *)"21.5", 4);
    sngw_derive_link_keys(K, DEVID, k_up, k_down);
    sngw_frame_seal_raw(k_down, DEVID, SNGW_KIND_DATA, SNGW_DOWNLINK, 7, publish, (size_t)publish_len, down_frame,
                        sizeof down_frame, &down_len);
    {
        /* a pairing whose offer and accept the sensor-only run can consume (the same key: the same offer) */
        uint8_t sk = 0x11, hello[64];
        sngw_pair p;
        sngw_pair_start(&p, DEVID, NULL, fixed_rng, &sk, hello, sizeof hello, &n);
        gateway_side(&p, prepared_offer, prepared_accept, &prepared_accept_len);
    }

    base = deepest_stack(nothing); /* what the thread itself takes */
    printf("stack, deepest (bytes, mbedTLS included, beyond the %zu of an empty thread): seal %zu, open %zu, "
           "pairing (sensor side) %zu\n", base, deepest_stack(seal) - base, deepest_stack(open_frame) - base,
           deepest_stack(pair_sensor_side) - base);
    printf("sizeof: sngw_link %zu, sngw_pair %zu\n", sizeof(sngw_link), sizeof(sngw_pair));

    t0 = seconds();
    for (int i = 0; i < rounds; i++) {
        publish_len = sngw_sn_publish(publish, sizeof publish, SNGW_SN_QOS_FLAGS(1), 1, (uint16_t)i,
                                      (const uint8_t *)"21.5", 4);
    }
    plain_us = (seconds() - t0) * 1e6 / rounds;
    sngw_link_init(&link, K, DEVID, 1, 0, NULL, NULL, 0);
    t0 = seconds();
    for (int i = 0; i < rounds; i++) {
        sngw_frame_seal(&link, publish, (size_t)publish_len, out, sizeof out, &n);
    }
    seal_us = (seconds() - t0) * 1e6 / rounds;
    t0 = seconds();
    for (int i = 0; i < rounds; i++) {
        link.down_last = 0;
        sngw_frame_open(&link, down_frame, down_len, out, sizeof out, &n);
    }
    open_us = (seconds() - t0) * 1e6 / rounds;
    t0 = seconds();
    for (int i = 0; i < 50; i++) {
        if (pair_once() != SNGW_OK) {
            fprintf(stderr, "pairing failed\n");
            return 1;
        }
    }
    pair_ms = (seconds() - t0) * 1e3 / 50 / 2; /* each round computes both sides: 4 X25519 */
    printf("time per message (11-byte PUBLISH): build plain %.2f us, seal %.2f us, open %.2f us; "
           "pairing, sensor side %.2f ms\n", plain_us, seal_us, open_us, pair_ms);
    return 0;
}
