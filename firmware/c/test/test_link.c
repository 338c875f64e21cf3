/*
 * The demo's serial framings, byte for byte: sealed frames in the raw framing among plain MQTT-SN packets and noise,
 * and as the RF data of Digi XBee API mode 2 frames (escaped; expected bytes computed independently in Python from
 * docs/serial-framing.md).
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "link.h"

static size_t unhex(const char *hex, uint8_t *out) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static const char V1[] = "0001001a0013a20041b2c3d40000000118f9b6d00c1036f14155";
static const char V2[] = "000100230013a20041b2c3d400010000c51a447d3a22a95495869bfdb941a5026e9a95";

static void xbee_transmit_request_is_escaped_with_its_checksum(void) {
    uint8_t data[64], out[128], expected[128];
    static const uint8_t coordinator[8];
    size_t n = unhex(V1, data), e;
    e = unhex("7e002810000000000000000000fffe00000001001a007d33a20041b2c3d40000000118f9b6d00c1036f1415527", expected);
    CHECK_BYTES(out, xbee_transmit_request(coordinator, data, n, out, sizeof out), expected, e);
    CHECK(xbee_transmit_request(coordinator, data, n, out, 20) == 0);
}

/* A link on one end of a socket pair; the test writes the line's bytes into the other end. */
static void line(demo_link *l, int fds[2], enum link_kind kind) {
    socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    memset(l, 0, sizeof *l);
    l->fd = fds[0];
    l->kind = kind;
}

static void raw_reader_skips_plain_packets_and_returns_frames(void) {
    uint8_t bytes[256], frame[128], v1[64], v2[64];
    int fds[2];
    demo_link l;
    size_t n1 = unhex(V1, v1), n2 = unhex(V2, v2), at = 0;
    line(&l, fds, LINK_SERIAL_RAW);
    memcpy(bytes + at, "\x02\x16", 2); /* a plain PINGREQ */
    at += 2;
    memcpy(bytes + at, v1, n1);
    at += n1;
    memcpy(bytes + at, "\x01\x00\x05\x17\x00", 5); /* a 3-byte-length packet */
    at += 5;
    memcpy(bytes + at, v2, n2);
    at += n2;
    CHECK(write(fds[1], bytes, at) == (ssize_t)at);
    CHECK_BYTES(frame, link_recv(&l, frame, sizeof frame, 1000), v1, n1);
    CHECK_BYTES(frame, link_recv(&l, frame, sizeof frame, 1000), v2, n2);
    CHECK(link_recv(&l, frame, sizeof frame, 50) == 0);
    /* half a frame, then silence past the inter-byte timeout: dropped; the next frame is read whole */
    CHECK(write(fds[1], v1, 10) == 10);
    CHECK(link_recv(&l, frame, sizeof frame, 300) == 0);
    CHECK(write(fds[1], v2, n2) == (ssize_t)n2);
    CHECK_BYTES(frame, link_recv(&l, frame, sizeof frame, 1000), v2, n2);
    close(fds[0]);
    close(fds[1]);
}

static void xbee_reader_returns_the_rf_data_of_receive_packets(void) {
    uint8_t bytes[256], frame[128], v2[64];
    int fds[2];
    demo_link l;
    size_t n2 = unhex(V2, v2), at = 0;
    const char *rx = "7e002f90007d33a20040522baa7d5d840100010023007d33a20041b2c3d400010000c51a447d5d3a22a95495869bfdb94"
                     "1a5026e9a9503";
    line(&l, fds, LINK_SERIAL_XBEE2);
    at += unhex("7e00028a0075", bytes + at);   /* a Modem Status: skipped */
    at += unhex(rx, bytes + at);
    bytes[at - 1] ^= 0x01;                     /* the same with a bad checksum: dropped */
    at += unhex(rx, bytes + at);               /* and whole */
    CHECK(write(fds[1], bytes, at) == (ssize_t)at);
    CHECK_BYTES(frame, link_recv(&l, frame, sizeof frame, 1000), v2, n2);
    CHECK(link_recv(&l, frame, sizeof frame, 50) == 0);
    close(fds[0]);
    close(fds[1]);
}

int main(void) {
    xbee_transmit_request_is_escaped_with_its_checksum();
    raw_reader_skips_plain_packets_and_returns_frames();
    xbee_reader_returns_the_rf_data_of_receive_packets();
    return check_summary("serial framing tests");
}
