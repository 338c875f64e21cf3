/* sngw_pair: the sensor side of over-the-air pairing. See sngw_pair.h and docs/pairing.md. */
#include "sngw_pair.h"

#include <string.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"

#define STATE_IDLE 0
#define STATE_OFFER 1
#define STATE_ACCEPT 2
#define STATE_DONE 3

#define TRANSCRIPT_LEN (SNGW_DEVID_LEN + 32 + 32)

static const uint8_t PAIR_INFO[] = "sngw pair v1"; /* used without its NUL */
static const uint8_t BASE_POINT[32] = {9}; /* X25519's base point, u = 9, little-endian */

static void put_header(uint8_t *out, uint8_t kind, const uint8_t devid[SNGW_DEVID_LEN], size_t total) {
    out[0] = SNGW_MARKER;
    out[1] = kind;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    memcpy(out + 4, devid, SNGW_DEVID_LEN);
}

/* Byte 0, kind, length field = actual length = expected, devid. */
static int check_header(const uint8_t *frame, size_t len, uint8_t kind, const uint8_t devid[SNGW_DEVID_LEN],
                        size_t expected) {
    if (len < 2 || frame[0] != SNGW_MARKER || frame[1] != kind) {
        return SNGW_ERR_KIND;
    }
    if (len != expected || ((size_t)frame[2] << 8 | frame[3]) != len) {
        return SNGW_ERR_LENGTH;
    }
    return memcmp(frame + 4, devid, SNGW_DEVID_LEN) == 0 ? SNGW_OK : SNGW_ERR_DEVICE;
}

int sngw_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32], sngw_rng_fn rng, void *rng_ctx) {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi d, z;
    uint8_t k[32];
    int rc;
    if (out == NULL || scalar == NULL || rng == NULL) {
        return SNGW_ERR_ARG;
    }
    memcpy(k, scalar, 32);
    k[0] &= 248; /* RFC 7748 clamping; mbedTLS refuses unclamped Curve25519 scalars */
    k[31] &= 127;
    k[31] |= 64;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&z);
    rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary_le(&d, k, 32); /* X25519 scalars and u-coordinates are little-endian */
    }
    if (rc == 0) {
        /* reading a u-coordinate clears its top bit, as RFC 7748 says; the base point is read as u = 9 rather than
           taken from grp.G, which some mbedTLS versions make private */
        rc = mbedtls_ecp_point_read_binary(&grp, &q, u != NULL ? u : BASE_POINT, 32);
    }
    if (rc == 0) {
        /* refuses low-order points (an all-zero shared secret) */
        rc = mbedtls_ecdh_compute_shared(&grp, &z, &q, &d, rng, rng_ctx);
    }
    if (rc == 0) {
        rc = mbedtls_mpi_write_binary_le(&z, out, 32);
    }
    mbedtls_mpi_free(&z);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    sngw_wipe(k, sizeof k);
    return rc == 0 ? SNGW_OK : SNGW_ERR_CRYPTO;
}

static void transcript(uint8_t t[TRANSCRIPT_LEN], const uint8_t devid[SNGW_DEVID_LEN], const uint8_t sensor_pub[32],
                       const uint8_t gw_pub[32]) {
    memcpy(t, devid, SNGW_DEVID_LEN);
    memcpy(t + SNGW_DEVID_LEN, sensor_pub, 32);
    memcpy(t + SNGW_DEVID_LEN + 32, gw_pub, 32);
}

int sngw_pair_derive(const uint8_t shared[32], const uint8_t salt[SNGW_INSTALL_CODE_LEN],
                     const uint8_t devid[SNGW_DEVID_LEN], const uint8_t sensor_pub[32], const uint8_t gw_pub[32],
                     uint8_t okm[48]) {
    uint8_t info[sizeof PAIR_INFO - 1 + TRANSCRIPT_LEN];
    if (shared == NULL || salt == NULL || devid == NULL || sensor_pub == NULL || gw_pub == NULL || okm == NULL) {
        return SNGW_ERR_ARG;
    }
    memcpy(info, PAIR_INFO, sizeof PAIR_INFO - 1);
    transcript(info + sizeof PAIR_INFO - 1, devid, sensor_pub, gw_pub);
    return sngw_hkdf_sha256(salt, SNGW_INSTALL_CODE_LEN, shared, 32, info, sizeof info, okm, 48);
}

int sngw_pair_confirm_tag(const uint8_t k_confirm[32], const char *label, const uint8_t devid[SNGW_DEVID_LEN],
                          const uint8_t sensor_pub[32], const uint8_t gw_pub[32], uint8_t tag[16]) {
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    uint8_t t[TRANSCRIPT_LEN], mac[32];
    mbedtls_md_context_t ctx;
    int ok;
    if (k_confirm == NULL || label == NULL || devid == NULL || sensor_pub == NULL || gw_pub == NULL || tag == NULL) {
        return SNGW_ERR_ARG;
    }
    if (md == NULL) {
        return SNGW_ERR_CRYPTO;
    }
    transcript(t, devid, sensor_pub, gw_pub);
    mbedtls_md_init(&ctx);
    ok = mbedtls_md_setup(&ctx, md, 1) == 0 && mbedtls_md_hmac_starts(&ctx, k_confirm, 32) == 0 &&
         mbedtls_md_hmac_update(&ctx, (const unsigned char *)label, strlen(label)) == 0 &&
         mbedtls_md_hmac_update(&ctx, t, sizeof t) == 0 && mbedtls_md_hmac_finish(&ctx, mac) == 0;
    mbedtls_md_free(&ctx);
    if (ok) {
        memcpy(tag, mac, 16);
    }
    sngw_wipe(mac, sizeof mac);
    return ok ? SNGW_OK : SNGW_ERR_CRYPTO;
}

int sngw_pair_start(sngw_pair *p, const uint8_t devid[SNGW_DEVID_LEN],
                    const uint8_t install_code[SNGW_INSTALL_CODE_LEN], sngw_rng_fn rng, void *rng_ctx, uint8_t *hello,
                    size_t hello_cap, size_t *hello_len) {
    int rc;
    if (p == NULL || devid == NULL || rng == NULL || hello == NULL || hello_len == NULL) {
        return SNGW_ERR_ARG;
    }
    if (hello_cap < SNGW_PAIR_HELLO_LEN) {
        return SNGW_ERR_BUFFER;
    }
    memset(p, 0, sizeof *p);
    memcpy(p->devid, devid, SNGW_DEVID_LEN);
    if (install_code != NULL) {
        memcpy(p->salt, install_code, SNGW_INSTALL_CODE_LEN);
        p->with_install_code = 1;
    }
    p->rng = rng;
    p->rng_ctx = rng_ctx;
    if (rng(rng_ctx, p->priv, sizeof p->priv) != 0) {
        sngw_pair_wipe(p);
        return SNGW_ERR_RNG;
    }
    p->priv[0] &= 248;
    p->priv[31] &= 127;
    p->priv[31] |= 64;
    rc = sngw_x25519(p->sensor_pub, p->priv, NULL, rng, rng_ctx);
    if (rc != SNGW_OK) {
        sngw_pair_wipe(p);
        return rc;
    }
    put_header(hello, SNGW_KIND_PAIR_HELLO, devid, SNGW_PAIR_HELLO_LEN);
    memcpy(hello + SNGW_HEADER_LEN, p->sensor_pub, 32);
    *hello_len = SNGW_PAIR_HELLO_LEN;
    p->state = STATE_OFFER;
    return SNGW_OK;
}

int sngw_pair_offer(sngw_pair *p, const uint8_t *offer, size_t offer_len, uint8_t *confirm, size_t confirm_cap,
                    size_t *confirm_len) {
    const uint8_t *gw_pub, *gw_confirm;
    uint8_t shared[32], okm[48], expected[16], sensor_confirm[16];
    int rc;
    if (p == NULL || offer == NULL || confirm == NULL || confirm_len == NULL) {
        return SNGW_ERR_ARG;
    }
    if (p->state != STATE_OFFER && p->state != STATE_ACCEPT) {
        return SNGW_ERR_STATE;
    }
    if (confirm_cap < SNGW_PAIR_CONFIRM_LEN) {
        return SNGW_ERR_BUFFER;
    }
    rc = check_header(offer, offer_len, SNGW_KIND_PAIR_OFFER, p->devid, SNGW_PAIR_OFFER_LEN);
    if (rc != SNGW_OK) {
        return rc;
    }
    gw_pub = offer + SNGW_HEADER_LEN;
    gw_confirm = gw_pub + 32;
    rc = sngw_x25519(shared, p->priv, gw_pub, p->rng, p->rng_ctx);
    if (rc != SNGW_OK) {
        /* a low-order or otherwise unusable gwPub: as unauthenticated as a wrong gwConfirm */
        rc = SNGW_ERR_CONFIRM;
        goto out;
    }
    rc = sngw_pair_derive(shared, p->salt, p->devid, p->sensor_pub, gw_pub, okm);
    if (rc == SNGW_OK) {
        rc = sngw_pair_confirm_tag(okm, "gw", p->devid, p->sensor_pub, gw_pub, expected);
    }
    if (rc == SNGW_OK && sngw_ct_compare(expected, gw_confirm, 16) != 0) {
        rc = SNGW_ERR_CONFIRM;
    }
    if (rc == SNGW_OK) {
        rc = sngw_pair_confirm_tag(okm, "sensor", p->devid, p->sensor_pub, gw_pub, sensor_confirm);
    }
    if (rc == SNGW_OK) {
        memcpy(p->root_key, okm + 32, SNGW_KEY_LEN);
        put_header(confirm, SNGW_KIND_PAIR_CONFIRM, p->devid, SNGW_PAIR_CONFIRM_LEN);
        memcpy(confirm + SNGW_HEADER_LEN, sensor_confirm, 16);
        *confirm_len = SNGW_PAIR_CONFIRM_LEN;
        p->state = STATE_ACCEPT;
    }
out:
    sngw_wipe(shared, sizeof shared);
    sngw_wipe(okm, sizeof okm);
    sngw_wipe(expected, sizeof expected);
    return rc;
}

/* 1..23 bytes of well-formed UTF-8 without NUL (the gateway's client id rules). */
static int valid_client_id(const uint8_t *s, size_t n) {
    size_t i = 0;
    if (n < 1 || n > SNGW_CLIENT_ID_MAX) {
        return 0;
    }
    while (i < n) {
        uint8_t c = s[i];
        size_t more;
        if (c == 0) {
            return 0;
        } else if (c < 0x80) {
            more = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
        } else {
            return 0;
        }
        if (more > n - i - 1) {
            return 0;
        }
        for (size_t j = 1; j <= more; j++) {
            if ((s[i + j] & 0xC0) != 0x80) {
                return 0;
            }
        }
        i += more + 1;
    }
    return 1;
}

int sngw_pair_accept(sngw_pair *p, const uint8_t *accept, size_t accept_len, char *client_id, size_t client_id_cap,
                     uint8_t root_key[SNGW_KEY_LEN]) {
    uint8_t k_up[SNGW_KEY_LEN], k_down[SNGW_KEY_LEN], plain[SNGW_CLIENT_ID_MAX];
    uint32_t counter;
    size_t n = 0;
    int rc;
    if (p == NULL || accept == NULL || client_id == NULL || root_key == NULL) {
        return SNGW_ERR_ARG;
    }
    if (p->state != STATE_ACCEPT) {
        return SNGW_ERR_STATE;
    }
    if (client_id_cap < SNGW_CLIENT_ID_MAX + 1) {
        return SNGW_ERR_BUFFER;
    }
    rc = sngw_frame_peek(accept, accept_len, SNGW_KIND_PAIR_ACCEPT, p->devid, &counter);
    if (rc != SNGW_OK) {
        return rc;
    }
    if (accept_len > SNGW_PAIR_ACCEPT_MAX) {
        return SNGW_ERR_CLIENT_ID;
    }
    if (counter != 1) {
        return SNGW_ERR_REPLAY; /* the accept is always downlink counter 1 */
    }
    rc = sngw_derive_link_keys(p->root_key, p->devid, k_up, k_down);
    if (rc == SNGW_OK) {
        rc = sngw_frame_open_raw(k_down, accept, accept_len, SNGW_DOWNLINK, plain, sizeof plain, &n);
    }
    if (rc == SNGW_OK && !valid_client_id(plain, n)) {
        rc = SNGW_ERR_CLIENT_ID;
    }
    if (rc == SNGW_OK) {
        memcpy(client_id, plain, n);
        client_id[n] = '\0';
        memcpy(root_key, p->root_key, SNGW_KEY_LEN);
        p->state = STATE_DONE;
    }
    sngw_wipe(k_up, sizeof k_up);
    sngw_wipe(k_down, sizeof k_down);
    sngw_wipe(plain, sizeof plain);
    return rc;
}

void sngw_pair_wipe(sngw_pair *p) {
    if (p != NULL) {
        sngw_wipe(p, sizeof *p);
    }
}
