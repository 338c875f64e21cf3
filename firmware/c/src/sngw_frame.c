/* sngw_frame: protected DATA frames, sensor side. See sngw_frame.h and docs/radio-security.md. */
#include "sngw_frame.h"

#include <string.h>

/* ccm.h pulls in the build configuration (config.h in 2.x, build_info.h in 3.x), so MBEDTLS_HKDF_C is known below */
#include "mbedtls/ccm.h"
#include "mbedtls/md.h"
#if defined(MBEDTLS_HKDF_C)
#include "mbedtls/hkdf.h"
#endif

#define COUNTER_OFF 12
#define CIPHER_OFF 16
#define NONCE_LEN 13
#define MIN_PACKET 2

static const uint8_t RADIO_SALT[] = "sngw radio v1"; /* used without its NUL */

static void put_u16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void sngw_wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) {
        *v++ = 0;
    }
}

int sngw_ct_compare(const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) {
        diff |= (uint8_t)(a[i] ^ b[i]);
    }
    return diff != 0;
}

const char *sngw_strerror(int code) {
    switch (code) {
    case SNGW_OK: return "ok";
    case SNGW_ERR_ARG: return "bad argument";
    case SNGW_ERR_BUFFER: return "buffer too small";
    case SNGW_ERR_LENGTH: return "bad frame length";
    case SNGW_ERR_KIND: return "not the expected frame kind";
    case SNGW_ERR_DEVICE: return "frame for another device";
    case SNGW_ERR_REPLAY: return "replayed frame counter";
    case SNGW_ERR_MIC: return "bad MIC";
    case SNGW_ERR_COUNTER_EXHAUSTED: return "frame counter exhausted, pair again";
    case SNGW_ERR_PERSIST: return "could not persist the counter reservation";
    case SNGW_ERR_CRYPTO: return "mbedTLS failure";
    case SNGW_ERR_CONFIRM: return "gateway key confirmation mismatch (wrong install code?)";
    case SNGW_ERR_STATE: return "pairing step out of order";
    case SNGW_ERR_RNG: return "random source failed";
    case SNGW_ERR_CLIENT_ID: return "bad client id in PAIR_ACCEPT";
    default: return "unknown error";
    }
}

#if defined(MBEDTLS_HKDF_C)
int sngw_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                     size_t info_len, uint8_t *okm, size_t okm_len) {
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    if (md == NULL) {
        return SNGW_ERR_CRYPTO;
    }
    return mbedtls_hkdf(md, salt, salt_len, ikm, ikm_len, info, info_len, okm, okm_len) == 0 ? SNGW_OK
                                                                                              : SNGW_ERR_CRYPTO;
}
#else
/* ESP-IDF leaves MBEDTLS_HKDF_C off by default: RFC 5869 on the HMAC it always has. */
int sngw_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                     size_t info_len, uint8_t *okm, size_t okm_len) {
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    uint8_t prk[32], t[32];
    size_t done = 0;
    int rc = SNGW_ERR_CRYPTO;
    mbedtls_md_context_t ctx;
    if (md == NULL || okm_len > 255 * 32) {
        return SNGW_ERR_ARG;
    }
    mbedtls_md_init(&ctx);
    if (mbedtls_md_setup(&ctx, md, 1) != 0 || mbedtls_md_hmac_starts(&ctx, salt, salt_len) != 0 ||
        mbedtls_md_hmac_update(&ctx, ikm, ikm_len) != 0 || mbedtls_md_hmac_finish(&ctx, prk) != 0) {
        goto out;
    }
    for (uint8_t i = 1; done < okm_len; i++) {
        size_t n = okm_len - done < 32 ? okm_len - done : 32;
        if (mbedtls_md_hmac_starts(&ctx, prk, sizeof prk) != 0 ||
            (i > 1 && mbedtls_md_hmac_update(&ctx, t, sizeof t) != 0) ||
            mbedtls_md_hmac_update(&ctx, info, info_len) != 0 || mbedtls_md_hmac_update(&ctx, &i, 1) != 0 ||
            mbedtls_md_hmac_finish(&ctx, t) != 0) {
            goto out;
        }
        memcpy(okm + done, t, n);
        done += n;
    }
    rc = SNGW_OK;
out:
    mbedtls_md_free(&ctx);
    sngw_wipe(prk, sizeof prk);
    sngw_wipe(t, sizeof t);
    return rc;
}
#endif

int sngw_derive_link_keys(const uint8_t root_key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN],
                          uint8_t k_up[SNGW_KEY_LEN], uint8_t k_down[SNGW_KEY_LEN]) {
    uint8_t info[4 + SNGW_DEVID_LEN];
    int rc;
    if (root_key == NULL || devid == NULL || k_up == NULL || k_down == NULL) {
        return SNGW_ERR_ARG;
    }
    memcpy(info, "up", 2);
    memcpy(info + 2, devid, SNGW_DEVID_LEN);
    rc = sngw_hkdf_sha256(RADIO_SALT, sizeof RADIO_SALT - 1, root_key, SNGW_KEY_LEN, info, 2 + SNGW_DEVID_LEN, k_up,
                          SNGW_KEY_LEN);
    if (rc != SNGW_OK) {
        return rc;
    }
    memcpy(info, "down", 4);
    memcpy(info + 4, devid, SNGW_DEVID_LEN);
    return sngw_hkdf_sha256(RADIO_SALT, sizeof RADIO_SALT - 1, root_key, SNGW_KEY_LEN, info, 4 + SNGW_DEVID_LEN,
                            k_down, SNGW_KEY_LEN);
}

static void build_nonce(uint8_t nonce[NONCE_LEN], const uint8_t devid[SNGW_DEVID_LEN], uint32_t counter,
                        uint8_t direction) {
    memcpy(nonce, devid, SNGW_DEVID_LEN);
    put_u32(nonce + SNGW_DEVID_LEN, counter);
    nonce[12] = direction;
}

int sngw_frame_seal_raw(const uint8_t key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN], uint8_t kind,
                        uint8_t direction, uint32_t counter, const uint8_t *plain, size_t plain_len, uint8_t *out,
                        size_t out_cap, size_t *out_len) {
    uint8_t nonce[NONCE_LEN];
    size_t total = plain_len + SNGW_FRAME_OVERHEAD;
    mbedtls_ccm_context ccm;
    int ok;
    if (key == NULL || devid == NULL || plain == NULL || out == NULL || out_len == NULL || plain_len == 0 ||
        total > 0xFFFF) {
        return SNGW_ERR_ARG;
    }
    if (out_cap < total) {
        return SNGW_ERR_BUFFER;
    }
    /* The plaintext may already sit at out + CIPHER_OFF (sealing in place): build the header around it. */
    memmove(out + CIPHER_OFF, plain, plain_len);
    out[0] = SNGW_MARKER;
    out[1] = kind;
    put_u16(out + 2, (uint32_t)total);
    memcpy(out + 4, devid, SNGW_DEVID_LEN);
    put_u32(out + COUNTER_OFF, counter);
    build_nonce(nonce, devid, counter, direction);
    mbedtls_ccm_init(&ccm);
    ok = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, 128) == 0 &&
         mbedtls_ccm_encrypt_and_tag(&ccm, plain_len, nonce, NONCE_LEN, out, CIPHER_OFF, out + CIPHER_OFF,
                                     out + CIPHER_OFF, out + CIPHER_OFF + plain_len, SNGW_MIC_LEN) == 0;
    mbedtls_ccm_free(&ccm);
    if (!ok) {
        sngw_wipe(out, total);
        return SNGW_ERR_CRYPTO;
    }
    *out_len = total;
    return SNGW_OK;
}

int sngw_frame_peek(const uint8_t *frame, size_t frame_len, uint8_t kind, const uint8_t devid[SNGW_DEVID_LEN],
                    uint32_t *counter) {
    if (frame == NULL || devid == NULL || counter == NULL) {
        return SNGW_ERR_ARG;
    }
    if (frame_len < 2 || frame[0] != SNGW_MARKER || frame[1] != kind) {
        return SNGW_ERR_KIND;
    }
    if (frame_len < SNGW_FRAME_OVERHEAD + MIN_PACKET - (kind == SNGW_KIND_PAIR_ACCEPT ? 1 : 0) ||
        ((size_t)frame[2] << 8 | frame[3]) != frame_len) {
        return SNGW_ERR_LENGTH;
    }
    if (memcmp(frame + 4, devid, SNGW_DEVID_LEN) != 0) {
        return SNGW_ERR_DEVICE;
    }
    *counter = get_u32(frame + COUNTER_OFF);
    return SNGW_OK;
}

int sngw_frame_open_raw(const uint8_t key[SNGW_KEY_LEN], const uint8_t *frame, size_t frame_len, uint8_t direction,
                        uint8_t *out, size_t out_cap, size_t *out_len) {
    uint8_t nonce[NONCE_LEN];
    size_t n;
    mbedtls_ccm_context ccm;
    int rc;
    if (key == NULL || frame == NULL || out == NULL || out_len == NULL || frame_len < SNGW_FRAME_OVERHEAD + 1) {
        return SNGW_ERR_ARG;
    }
    n = frame_len - SNGW_FRAME_OVERHEAD;
    if (out_cap < n) {
        return SNGW_ERR_BUFFER;
    }
    build_nonce(nonce, frame + 4, get_u32(frame + COUNTER_OFF), direction);
    mbedtls_ccm_init(&ccm);
    rc = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, 128);
    if (rc == 0) {
        rc = mbedtls_ccm_auth_decrypt(&ccm, n, nonce, NONCE_LEN, frame, CIPHER_OFF, frame + CIPHER_OFF, out,
                                      frame + CIPHER_OFF + n, SNGW_MIC_LEN);
        rc = rc == 0 ? SNGW_OK : rc == MBEDTLS_ERR_CCM_AUTH_FAILED ? SNGW_ERR_MIC : SNGW_ERR_CRYPTO;
    } else {
        rc = SNGW_ERR_CRYPTO;
    }
    mbedtls_ccm_free(&ccm);
    if (rc != SNGW_OK) {
        sngw_wipe(out, n);
        return rc;
    }
    *out_len = n;
    return SNGW_OK;
}

int sngw_link_init(sngw_link *link, const uint8_t root_key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN],
                   uint32_t up_next, uint32_t down_last, sngw_persist_fn persist, void *persist_ctx, uint32_t block) {
    int rc;
    if (link == NULL || root_key == NULL || devid == NULL) {
        return SNGW_ERR_ARG;
    }
    memset(link, 0, sizeof *link);
    memcpy(link->devid, devid, SNGW_DEVID_LEN);
    rc = sngw_derive_link_keys(root_key, devid, link->k_up, link->k_down);
    if (rc != SNGW_OK) {
        sngw_link_wipe(link);
        return rc;
    }
    link->up_next = up_next;
    link->up_reserved = up_next == 0 ? 0 : up_next - 1; /* nothing reserved beyond what was used */
    link->down_last = down_last;
    link->block = block == 0 ? SNGW_DEFAULT_COUNTER_BLOCK : block;
    link->persist = persist;
    link->persist_ctx = persist_ctx;
    return SNGW_OK;
}

void sngw_link_wipe(sngw_link *link) {
    if (link != NULL) {
        sngw_wipe(link, sizeof *link);
    }
}

int sngw_frame_seal(sngw_link *link, const uint8_t *packet, size_t packet_len, uint8_t *out, size_t out_cap,
                    size_t *out_len) {
    uint32_t counter;
    int rc;
    if (link == NULL || packet == NULL || packet_len < MIN_PACKET) {
        return SNGW_ERR_ARG;
    }
    counter = link->up_next;
    if (counter == 0) {
        return SNGW_ERR_COUNTER_EXHAUSTED;
    }
    if (out_cap < packet_len + SNGW_FRAME_OVERHEAD) {
        return SNGW_ERR_BUFFER;
    }
    if (link->persist != NULL && counter > link->up_reserved) {
        uint64_t reserve = (uint64_t)counter + link->block - 1;
        if (reserve > 0xFFFFFFFFu) {
            reserve = 0xFFFFFFFFu;
        }
        if (link->persist(link->persist_ctx, (uint32_t)reserve, link->down_last) != 0) {
            return SNGW_ERR_PERSIST;
        }
        link->up_reserved = (uint32_t)reserve;
    }
    rc = sngw_frame_seal_raw(link->k_up, link->devid, SNGW_KIND_DATA, SNGW_UPLINK, counter, packet, packet_len, out,
                             out_cap, out_len);
    if (rc == SNGW_OK) {
        link->up_next = counter + 1; /* wraps to 0 after 0xFFFFFFFF: exhausted */
    }
    return rc;
}

/* The replay check of the downlink counter, before any cryptography: 0 when the counter may be new. */
static int replay_check(const sngw_link *link, uint32_t counter) {
    uint32_t behind;
    if (counter > link->down_last) {
        return SNGW_OK;
    }
    if (!link->reorder || counter == link->down_last || counter == 0) {
        return SNGW_ERR_REPLAY;
    }
    behind = link->down_last - counter;
    if (behind > 32 || (link->down_window & (1u << (behind - 1))) != 0) {
        return SNGW_ERR_REPLAY;
    }
    return SNGW_OK;
}

static void replay_accept(sngw_link *link, uint32_t counter) {
    if (counter > link->down_last) {
        uint32_t ahead = counter - link->down_last;
        /* the old down_last becomes bit ahead - 1 */
        if (ahead > 32) {
            link->down_window = 0;
        } else if (ahead == 32) {
            link->down_window = 1u << 31;
        } else {
            link->down_window = (link->down_window << ahead) | (1u << (ahead - 1));
        }
        link->down_last = counter;
    } else {
        link->down_window |= 1u << (link->down_last - counter - 1);
    }
}

int sngw_frame_open(sngw_link *link, const uint8_t *frame, size_t frame_len, uint8_t *out, size_t out_cap,
                    size_t *out_len) {
    uint32_t counter;
    int rc;
    if (link == NULL) {
        return SNGW_ERR_ARG;
    }
    rc = sngw_frame_peek(frame, frame_len, SNGW_KIND_DATA, link->devid, &counter);
    if (rc != SNGW_OK) {
        return rc;
    }
    rc = replay_check(link, counter);
    if (rc != SNGW_OK) {
        return rc;
    }
    rc = sngw_frame_open_raw(link->k_down, frame, frame_len, SNGW_DOWNLINK, out, out_cap, out_len);
    if (rc == SNGW_OK) {
        replay_accept(link, counter);
    }
    return rc;
}
