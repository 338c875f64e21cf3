/*
 * sngw_frame: protected DATA frames of the radio link security format (docs/radio-security.md), sensor side.
 *
 *   off 0  0x00 marker (never the first byte of an MQTT-SN packet)
 *   off 1  kind (0x01 DATA)
 *   off 2  total frame length, 2 bytes big-endian
 *   off 4  devid, 8 bytes
 *   off 12 frame counter, 4 bytes big-endian (first frame 1, never reused)
 *   off 16 AES-128-CCM ciphertext of one whole MQTT-SN packet, then its 8-byte MIC
 *
 * Portable C99 on mbedTLS (2.28 and 3.x: ESP-IDF, Arduino cores, Debian). No malloc in this code (mbedTLS itself
 * allocates its cipher contexts unless built with MBEDTLS_MEMORY_BUFFER_ALLOC_C); all buffers are the caller's.
 */
#ifndef SNGW_FRAME_H
#define SNGW_FRAME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes: 0 success, negative an error. sngw_strerror() names them. */
#define SNGW_OK 0
#define SNGW_ERR_ARG (-1)                 /* a NULL pointer or an impossible argument */
#define SNGW_ERR_BUFFER (-2)              /* the output buffer is too small */
#define SNGW_ERR_LENGTH (-3)              /* frame too short, or its length field is not its length */
#define SNGW_ERR_KIND (-4)                /* not a protected frame (byte 0 not 0x00) or not the expected kind */
#define SNGW_ERR_DEVICE (-5)              /* the frame names another device id */
#define SNGW_ERR_REPLAY (-6)              /* counter at or below the last accepted (or already seen in the window) */
#define SNGW_ERR_MIC (-7)                 /* authentication failed: tampered, or another key */
#define SNGW_ERR_COUNTER_EXHAUSTED (-8)   /* the uplink counter would pass 0xFFFFFFFF: pair again */
#define SNGW_ERR_PERSIST (-9)             /* the counter reservation callback failed: nothing was sent */
#define SNGW_ERR_CRYPTO (-10)             /* mbedTLS failed (out of memory, or a feature missing from its config) */
#define SNGW_ERR_CONFIRM (-11)            /* pairing: the gateway's key confirmation is wrong (wrong install code?) */
#define SNGW_ERR_STATE (-12)              /* pairing: a call out of order */
#define SNGW_ERR_RNG (-13)                /* the random source failed */
#define SNGW_ERR_CLIENT_ID (-14)          /* pairing: the client id is not 1..23 bytes of UTF-8 */

#define SNGW_MARKER 0x00
#define SNGW_KIND_DATA 0x01
#define SNGW_KIND_PAIR_HELLO 0x10
#define SNGW_KIND_PAIR_OFFER 0x11
#define SNGW_KIND_PAIR_CONFIRM 0x12
#define SNGW_KIND_PAIR_ACCEPT 0x13

#define SNGW_UPLINK 0x00   /* sensor -> gateway, nonce byte 12 */
#define SNGW_DOWNLINK 0x01 /* gateway -> sensor */

#define SNGW_HEADER_LEN 12
#define SNGW_MIC_LEN 8
/* Bytes a DATA frame adds to the MQTT-SN packet it carries: header 12, counter 4, MIC 8. */
#define SNGW_FRAME_OVERHEAD 24
#define SNGW_KEY_LEN 16
#define SNGW_DEVID_LEN 8

/* Counters reserved per call of the persist callback, when the caller gives 0. */
#define SNGW_DEFAULT_COUNTER_BLOCK 256u

/*
 * Called before the first uplink counter above the reserved limit is used: the application must durably store
 * `reserved` (the highest uplink counter it may now use) and, for a precise replay check after a restart,
 * `down_last`. Return 0 when stored; anything else makes sngw_frame_seal fail with SNGW_ERR_PERSIST and send nothing.
 * After a restart, resume with up_next = stored reserved + 1: a power cut then skips the rest of a block and never
 * reuses a counter, at one storage write per block instead of per frame.
 */
typedef int (*sngw_persist_fn)(void *ctx, uint32_t reserved, uint32_t down_last);

/*
 * One paired device's link state, plain data (no pointers into mbedTLS): it may live in memory that survives deep
 * sleep (ESP32 RTC_DATA_ATTR), be copied, or be zeroed. Fill it with sngw_link_init.
 */
typedef struct {
    uint8_t devid[SNGW_DEVID_LEN];
    uint8_t k_up[SNGW_KEY_LEN];
    uint8_t k_down[SNGW_KEY_LEN];
    uint32_t up_next;      /* next uplink counter to send; 0 once 0xFFFFFFFF has been used (exhausted) */
    uint32_t up_reserved;  /* highest uplink counter the application has persisted as reserved */
    uint32_t down_last;    /* highest downlink counter accepted (0: none yet) */
    uint32_t down_window;  /* bit i set: down_last - 1 - i was accepted (used only when reorder is set) */
    uint32_t block;        /* counters reserved per persist call */
    int reorder;           /* nonzero: accept downlink frames up to 32 behind down_last, each once */
    sngw_persist_fn persist;
    void *persist_ctx;
} sngw_link;

/*
 * Derives K_up and K_down from the root key and sets the counters. up_next is the next uplink counter (1 after
 * pairing, stored reserved + 1 after a restart), down_last the highest downlink counter already accepted (1 right
 * after pairing: PAIR_ACCEPT used downlink counter 1). persist may be NULL (then nothing is reserved: tests only);
 * block 0 means SNGW_DEFAULT_COUNTER_BLOCK.
 */
int sngw_link_init(sngw_link *link, const uint8_t root_key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN],
                   uint32_t up_next, uint32_t down_last, sngw_persist_fn persist, void *persist_ctx, uint32_t block);

/* Nonzero once the uplink counter has passed 0xF0000000 (or is used up): time to pair again, as the gateway warns. */
#define SNGW_COUNTER_WARN 0xF0000000u
static inline int sngw_link_needs_pairing_soon(const sngw_link *link) {
    return link->up_next == 0 || link->up_next >= SNGW_COUNTER_WARN;
}

/* Zeroes the keys (call when the link is no longer needed). */
void sngw_link_wipe(sngw_link *link);

/*
 * Seals one whole MQTT-SN packet (>= 2 bytes) into a DATA frame with the next uplink counter.
 * out needs packet_len + SNGW_FRAME_OVERHEAD bytes; *out_len gets the frame length.
 */
int sngw_frame_seal(sngw_link *link, const uint8_t *packet, size_t packet_len, uint8_t *out, size_t out_cap,
                    size_t *out_len);

/*
 * Opens a downlink DATA frame: checks marker and kind, length field, devid, counter (replay) and MIC, in that
 * order, and only then advances down_last. out gets the MQTT-SN packet (frame_len - SNGW_FRAME_OVERHEAD bytes); on
 * any error out holds nothing usable and the link is unchanged.
 */
int sngw_frame_open(sngw_link *link, const uint8_t *frame, size_t frame_len, uint8_t *out, size_t out_cap,
                    size_t *out_len);

/* Building blocks (the pairing code and the known-answer tests use them). */

/* K_up / K_down = HKDF-SHA256(salt "sngw radio v1", ikm root_key, info "up"/"down" || devid, 16). */
int sngw_derive_link_keys(const uint8_t root_key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN],
                          uint8_t k_up[SNGW_KEY_LEN], uint8_t k_down[SNGW_KEY_LEN]);

/* A DATA-shaped frame of any kind with explicit key, counter and direction: no counter bookkeeping. */
int sngw_frame_seal_raw(const uint8_t key[SNGW_KEY_LEN], const uint8_t devid[SNGW_DEVID_LEN], uint8_t kind,
                        uint8_t direction, uint32_t counter, const uint8_t *plain, size_t plain_len, uint8_t *out,
                        size_t out_cap, size_t *out_len);

/*
 * Checks the shape of a DATA-shaped frame (marker, kind, length field, devid, minimum length) and returns its
 * counter in *counter; no cryptography.
 */
int sngw_frame_peek(const uint8_t *frame, size_t frame_len, uint8_t kind, const uint8_t devid[SNGW_DEVID_LEN],
                    uint32_t *counter);

/* Authenticates and decrypts a DATA-shaped frame already checked by sngw_frame_peek. */
int sngw_frame_open_raw(const uint8_t key[SNGW_KEY_LEN], const uint8_t *frame, size_t frame_len, uint8_t direction,
                        uint8_t *out, size_t out_cap, size_t *out_len);

/* HKDF-SHA256 (RFC 5869); mbedtls_hkdf where the mbedTLS build has MBEDTLS_HKDF_C, else the same on mbedtls_md HMAC. */
int sngw_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                     size_t info_len, uint8_t *okm, size_t okm_len);

/* Zeroes memory in a way the compiler does not elide. */
void sngw_wipe(void *p, size_t n);

/* Compares in time independent of the contents: 0 when equal. */
int sngw_ct_compare(const uint8_t *a, const uint8_t *b, size_t n);

/* A short English name of a return code, e.g. "bad MIC". */
const char *sngw_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
