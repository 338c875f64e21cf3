/*
 * The demo's radio: protected and pairing frames over UDP (one frame per datagram) or a serial line, either raw
 * (frames back to back; each starts with 0x00 and carries its length in bytes 2-3) or as the RF data of Digi XBee
 * API mode 2 frames to the sensor's local module (Transmit Request 0x10 out, Receive Packet 0x90 in).
 */
#ifndef SNGW_DEMO_LINK_H
#define SNGW_DEMO_LINK_H

#include <stddef.h>
#include <stdint.h>

enum link_kind { LINK_UDP, LINK_SERIAL_RAW, LINK_SERIAL_XBEE2 };

typedef struct {
    enum link_kind kind;
    int fd;
    uint8_t xbee_dest[8]; /* XBee: the gateway's 64-bit address (0: the coordinator) */
    /* serial reassembly */
    uint8_t buf[1024];
    size_t have;
} demo_link;

/* Opens the link; on failure returns -1 and writes a one-line reason to err. */
int link_open_udp(demo_link *l, const char *host_port, char *err, size_t err_cap);
int link_open_serial(demo_link *l, const char *device, long baud, enum link_kind kind, char *err, size_t err_cap);
void link_close(demo_link *l);

/* Sends one frame; 0 on success. */
int link_send(demo_link *l, const uint8_t *frame, size_t len);

/*
 * Receives one frame that starts with 0x00 (anything else on the link, e.g. plain MQTT-SN, is skipped), waiting at
 * most timeout_ms. Returns its length, 0 on timeout, -1 on a link failure.
 */
int link_recv(demo_link *l, uint8_t *out, size_t cap, long timeout_ms);

/* XBee API mode 2 framing (exposed for tests): a Transmit Request carrying data, escaped; returns its length. */
size_t xbee_transmit_request(const uint8_t dest[8], const uint8_t *data, size_t len, uint8_t *out, size_t cap);

/* Monotonic milliseconds. */
long long now_ms(void);

#endif
