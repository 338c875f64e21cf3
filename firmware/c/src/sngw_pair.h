/*
 * sngw_pair: the sensor side of over-the-air pairing (docs/pairing.md, docs/radio-security.md).
 *
 *   sensor                                   gateway (pairing window open)
 *   PAIR_HELLO   devid, sensorPub      ->
 *                                      <-    PAIR_OFFER   gwPub, gwConfirm
 *   (checks gwConfirm: proves the gateway knows the install code)
 *   PAIR_CONFIRM sensorConfirm         ->
 *                                      <-    PAIR_ACCEPT  client id, sealed with K_down, downlink counter 1
 *
 * Ephemeral X25519 on both sides, HKDF-SHA256 salted with the 16-byte install code (16 zero bytes without one).
 * The caller sends and resends the frames (same bytes on a retry: Tretry); this code only builds and checks them.
 * No malloc here; mbedTLS's bignum code allocates while computing X25519.
 */
#ifndef SNGW_PAIR_H
#define SNGW_PAIR_H

#include "sngw_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNGW_PAIR_HELLO_LEN 44
#define SNGW_PAIR_OFFER_LEN 60
#define SNGW_PAIR_CONFIRM_LEN 28
#define SNGW_PAIR_ACCEPT_MAX (SNGW_FRAME_OVERHEAD + SNGW_CLIENT_ID_MAX)
#define SNGW_CLIENT_ID_MAX 23
#define SNGW_INSTALL_CODE_LEN 16

/*
 * A random source with mbedTLS's f_rng signature (mbedtls_ctr_drbg_random fits, so does esp_fill_random wrapped):
 * fills buf with len random bytes, returns 0 on success. The first 32 bytes asked for by sngw_pair_start are the
 * ephemeral private key (tests inject a fixed one this way); later calls blind the X25519 computation.
 */
typedef int (*sngw_rng_fn)(void *ctx, unsigned char *buf, size_t len);

typedef struct {
    uint8_t devid[SNGW_DEVID_LEN];
    uint8_t salt[SNGW_INSTALL_CODE_LEN];
    uint8_t priv[32]; /* the clamped ephemeral private key */
    uint8_t sensor_pub[32];
    uint8_t root_key[SNGW_KEY_LEN]; /* valid once an offer has been verified */
    int with_install_code;
    int state; /* 0 idle, 1 waiting for the offer, 2 waiting for the accept, 3 done */
    sngw_rng_fn rng;
    void *rng_ctx;
} sngw_pair;

/*
 * Starts a pairing: draws the ephemeral key and writes PAIR_HELLO (44 bytes) to hello. install_code NULL pairs
 * without one (the gateway must allow that).
 */
int sngw_pair_start(sngw_pair *p, const uint8_t devid[SNGW_DEVID_LEN],
                    const uint8_t install_code[SNGW_INSTALL_CODE_LEN], sngw_rng_fn rng, void *rng_ctx, uint8_t *hello,
                    size_t hello_cap, size_t *hello_len);

/*
 * Handles a PAIR_OFFER: computes the shared secret, derives the keys, checks gwConfirm and writes PAIR_CONFIRM
 * (28 bytes). SNGW_ERR_CONFIRM: not from a gateway holding the same install code (or tampered): ignore it and keep
 * waiting, the pairing state is unchanged. A later, different offer (the gateway restarted its side) replaces an
 * earlier one.
 */
int sngw_pair_offer(sngw_pair *p, const uint8_t *offer, size_t offer_len, uint8_t *confirm, size_t confirm_cap,
                    size_t *confirm_len);

/*
 * Handles a PAIR_ACCEPT: authenticates it with K_down (downlink counter 1) and returns the client id to CONNECT
 * with (NUL-terminated, client_id_cap >= 24) and the device root key. Then: sngw_link_init(link, root_key, devid,
 * 1, 1, ...) — uplink starts at 1, and downlink counter 1 is spent by the accept itself.
 */
int sngw_pair_accept(sngw_pair *p, const uint8_t *accept, size_t accept_len, char *client_id, size_t client_id_cap,
                     uint8_t root_key[SNGW_KEY_LEN]);

/* Zeroes the ephemeral key and everything derived. */
void sngw_pair_wipe(sngw_pair *p);

/* Building blocks (a gateway-side test and the known-answer tests use them). */

/* X25519 (RFC 7748): out = scalar (clamped here) times u; u NULL means the base point 9. */
int sngw_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32], sngw_rng_fn rng, void *rng_ctx);

/* okm (48) = HKDF-SHA256(salt, shared, "sngw pair v1" || devid || sensorPub || gwPub). */
int sngw_pair_derive(const uint8_t shared[32], const uint8_t salt[SNGW_INSTALL_CODE_LEN],
                     const uint8_t devid[SNGW_DEVID_LEN], const uint8_t sensor_pub[32], const uint8_t gw_pub[32],
                     uint8_t okm[48]);

/* HMAC-SHA256(k_confirm, label || devid || sensorPub || gwPub)[0..16), label "gw" or "sensor". */
int sngw_pair_confirm_tag(const uint8_t k_confirm[32], const char *label, const uint8_t devid[SNGW_DEVID_LEN],
                          const uint8_t sensor_pub[32], const uint8_t gw_pub[32], uint8_t tag[16]);

#ifdef __cplusplus
}
#endif

#endif
