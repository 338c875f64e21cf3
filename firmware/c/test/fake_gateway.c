/*
 * A minimal stand-in for the gateway's side of the radio format, built from the library's building blocks, so that
 * ctest can drive the sngw-sensor demo end to end (pairing, sealed MQTT-SN, retries, replays) without Java. The
 * real interoperability check is the Java gateway's own test against the demo; this one checks the demo's CLI.
 *
 *   fake_gateway --udp | --pty  [--install-code HEX32] [--client-id ID] [--drop-uplink N] [--replay]
 *
 * First line on stdout: "port N" or "pty PATH"; then one line per event ("paired ID", "publish QOS PAYLOAD", ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"
#include "sngw_mqttsn.h"
#include "sngw_pair.h"

static int udp_fd = -1;
static struct sockaddr_storage peer;
static socklen_t peer_len;
static demo_link serial;
static int use_pty;

static uint8_t install_code[16];
static int has_install_code;
static char client_id[24];
static int drop_uplink;
static int replay;
static int lose_accept; /* the first PAIR_ACCEPT is lost on the air */

static struct {
    int pending, paired;
    uint8_t devid[8], sensor_pub[32], gw_pub[32], okm[48], offer[60];
    uint8_t accept[64];
    size_t accept_len;
} pairing;

static struct {
    int connected, sleeping, subscribed, qos;
    uint8_t k_up[16], k_down[16];
    uint32_t up_last, down_next;
    uint16_t next_topic;
} dev;

static int counter_rng(void *ctx, unsigned char *buf, size_t len) {
    static uint8_t n = 0x22;
    (void)ctx;
    memset(buf, n++, len);
    return 0;
}

static void event(const char *fmt, const char *arg) {
    printf(fmt, arg);
    putchar('\n');
    fflush(stdout);
}

static void send_raw(const uint8_t *frame, size_t len) {
    if (use_pty) {
        link_send(&serial, frame, len);
    } else {
        sendto(udp_fd, frame, len, 0, (struct sockaddr *)&peer, peer_len);
    }
}

static void send_packet(const uint8_t *pkt, int len) {
    uint8_t frame[600];
    size_t n;
    if (len <= 0 || sngw_frame_seal_raw(dev.k_down, pairing.devid, SNGW_KIND_DATA, SNGW_DOWNLINK, dev.down_next++,
                                        pkt, (size_t)len, frame, sizeof frame, &n) != SNGW_OK) {
        return;
    }
    send_raw(frame, n);
    if (replay) {
        send_raw(frame, n); /* the same frame again: the sensor must drop it */
    }
}

static void deliver(const char *payload) {
    uint8_t pkt[64];
    static uint16_t msg_id = 100;
    send_packet(pkt, sngw_sn_publish(pkt, sizeof pkt, SNGW_SN_QOS_FLAGS(dev.qos), 1,
                                     dev.qos ? msg_id++ : 0, (const uint8_t *)payload, strlen(payload)));
}

static void on_hello(const uint8_t *f, size_t n) {
    uint8_t gw_key[32], shared[32], tag[16];
    static const uint8_t zero[16];
    if (n != SNGW_PAIR_HELLO_LEN) {
        return;
    }
    memcpy(pairing.devid, f + 4, 8);
    if (pairing.pending && memcmp(pairing.sensor_pub, f + 12, 32) == 0) {
        send_raw(pairing.offer, sizeof pairing.offer); /* a resent HELLO: the same offer */
        return;
    }
    memcpy(pairing.sensor_pub, f + 12, 32);
    counter_rng(NULL, gw_key, sizeof gw_key);
    sngw_x25519(pairing.gw_pub, gw_key, NULL, counter_rng, NULL);
    sngw_x25519(shared, gw_key, pairing.sensor_pub, counter_rng, NULL);
    sngw_pair_derive(shared, has_install_code ? install_code : zero, pairing.devid, pairing.sensor_pub,
                     pairing.gw_pub, pairing.okm);
    sngw_pair_confirm_tag(pairing.okm, "gw", pairing.devid, pairing.sensor_pub, pairing.gw_pub, tag);
    memcpy(pairing.offer, f, 12);
    pairing.offer[1] = SNGW_KIND_PAIR_OFFER;
    pairing.offer[3] = SNGW_PAIR_OFFER_LEN;
    memcpy(pairing.offer + 12, pairing.gw_pub, 32);
    memcpy(pairing.offer + 44, tag, 16);
    pairing.pending = 1;
    pairing.paired = 0;
    event("offer%s", "");
    send_raw(pairing.offer, sizeof pairing.offer);
}

static void on_confirm(const uint8_t *f, size_t n) {
    uint8_t tag[16];
    char id[24];
    if (n != SNGW_PAIR_CONFIRM_LEN || !pairing.pending) {
        event("ignored confirm%s", ""); /* like the gateway: a pairing completes once, its ACCEPT is not repeated */
        return;
    }
    sngw_pair_confirm_tag(pairing.okm, "sensor", pairing.devid, pairing.sensor_pub, pairing.gw_pub, tag);
    if (sngw_ct_compare(tag, f + 12, 16) != 0) {
        event("refused pairing: bad sensor confirm%s", "");
        return;
    }
    {
        if (client_id[0] == '\0') {
            snprintf(id, sizeof id, "sn-");
            for (int i = 0; i < 8; i++) {
                snprintf(id + 3 + 2 * i, 3, "%02x", pairing.devid[i]);
            }
        } else {
            snprintf(id, sizeof id, "%s", client_id);
        }
        sngw_derive_link_keys(pairing.okm + 32, pairing.devid, dev.k_up, dev.k_down);
        sngw_frame_seal_raw(dev.k_down, pairing.devid, SNGW_KIND_PAIR_ACCEPT, SNGW_DOWNLINK, 1, (const uint8_t *)id,
                            strlen(id), pairing.accept, sizeof pairing.accept, &pairing.accept_len);
        dev.up_last = 0;
        dev.down_next = 2; /* counter 1 went to the accept */
        pairing.paired = 1;
        pairing.pending = 0;
        event("paired %s", id);
    }
    if (lose_accept) {
        lose_accept = 0;
        return;
    }
    send_raw(pairing.accept, pairing.accept_len);
}

static void on_packet(const uint8_t *p, size_t n) {
    sngw_sn_msg m;
    uint8_t out[64];
    char text[300];
    if (sngw_sn_parse(p, n, &m) != SNGW_OK) {
        event("drop malformed%s", "");
        return;
    }
    switch (m.type) {
    case SNGW_SN_CONNECT:
        dev.connected = 1;
        dev.sleeping = 0;
        event("connect%s", "");
        send_packet(out, (out[0] = 3, out[1] = SNGW_SN_CONNACK, out[2] = 0, 3));
        break;
    case SNGW_SN_REGISTER:
        snprintf(text, sizeof text, "%.*s", (int)m.data_len, (const char *)m.data);
        event("register %s", text);
        send_packet(out, sngw_sn_regack(out, sizeof out, ++dev.next_topic, m.msg_id, 0));
        break;
    case SNGW_SN_PUBLISH:
        snprintf(text, sizeof text, "%d %.*s", SNGW_SN_FLAGS_QOS(m.flags), (int)m.data_len, (const char *)m.data);
        event("publish %s", text);
        if (SNGW_SN_FLAGS_QOS(m.flags) == 1) {
            send_packet(out, sngw_sn_puback(out, sizeof out, m.topic_id, m.msg_id, 0));
        } else if (SNGW_SN_FLAGS_QOS(m.flags) == 2) {
            send_packet(out, sngw_sn_pubrec(out, sizeof out, m.msg_id));
        }
        break;
    case SNGW_SN_PUBREL:
        send_packet(out, sngw_sn_pubcomp(out, sizeof out, m.msg_id));
        break;
    case SNGW_SN_PUBREC:
        send_packet(out, sngw_sn_pubrel(out, sizeof out, m.msg_id));
        break;
    case SNGW_SN_PUBACK:
    case SNGW_SN_PUBCOMP:
        event("acked%s", "");
        break;
    case 0x12: { /* SUBSCRIBE: flags, msg id, topic */
        uint8_t ack[8] = {8, SNGW_SN_SUBACK, 0, 0, 1, 0, 0, 0};
        dev.qos = SNGW_SN_FLAGS_QOS(p[2]);
        dev.subscribed = 1;
        ack[2] = (uint8_t)(dev.qos << 5);
        ack[5] = p[3];
        ack[6] = p[4];
        event("subscribe%s", "");
        send_packet(ack, 8);
        deliver("m1");
        deliver("m2");
        deliver("m3");
        break;
    }
    case SNGW_SN_PINGREQ:
        if (n > 2 && dev.sleeping) {
            event("wake%s", "");
            if (dev.subscribed) {
                deliver("while-asleep");
            }
        }
        send_packet(out, (out[0] = 2, out[1] = SNGW_SN_PINGRESP, 2));
        break;
    case SNGW_SN_DISCONNECT:
        dev.sleeping = n == 4;
        event(dev.sleeping ? "sleep%s" : "disconnect%s", "");
        send_packet(out, (out[0] = 2, out[1] = SNGW_SN_DISCONNECT, 2));
        break;
    default:
        event("ignored%s", "");
    }
}

static void on_frame(const uint8_t *f, size_t n) {
    uint8_t plain[600];
    uint32_t counter;
    size_t len;
    int rc;
    if (n < 12 || f[0] != 0) {
        return;
    }
    if (f[1] == SNGW_KIND_PAIR_HELLO) {
        on_hello(f, n);
        return;
    }
    if (f[1] == SNGW_KIND_PAIR_CONFIRM) {
        on_confirm(f, n);
        return;
    }
    if (!pairing.paired) {
        event("drop unknown-device%s", "");
        return;
    }
    rc = sngw_frame_peek(f, n, SNGW_KIND_DATA, pairing.devid, &counter);
    if (rc == SNGW_OK && counter <= dev.up_last) {
        event("drop replay%s", "");
        return;
    }
    if (rc == SNGW_OK) {
        rc = sngw_frame_open_raw(dev.k_up, f, n, SNGW_UPLINK, plain, sizeof plain, &len);
    }
    if (rc != SNGW_OK) {
        event("drop %s", sngw_strerror(rc));
        return;
    }
    if (drop_uplink > 0) { /* a lost frame: the sensor must resend */
        drop_uplink--;
        event("lost%s", "");
        return;
    }
    dev.up_last = counter;
    on_packet(plain, len);
}

int main(int argc, char **argv) {
    uint8_t frame[1024];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pty") == 0) {
            use_pty = 1;
        } else if (strcmp(argv[i], "--udp") == 0) {
            use_pty = 0;
        } else if (strcmp(argv[i], "--install-code") == 0 && i + 1 < argc) {
            const char *h = argv[++i];
            for (int k = 0; k < 16; k++) {
                unsigned v;
                sscanf(h + 2 * k, "%2x", &v);
                install_code[k] = (uint8_t)v;
            }
            has_install_code = 1;
        } else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc) {
            snprintf(client_id, sizeof client_id, "%s", argv[++i]);
        } else if (strcmp(argv[i], "--drop-uplink") == 0 && i + 1 < argc) {
            drop_uplink = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--replay") == 0) {
            replay = 1;
        } else if (strcmp(argv[i], "--lose-accept") == 0) {
            lose_accept = 1;
        } else {
            fprintf(stderr, "fake_gateway: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (use_pty) {
        int master = posix_openpt(O_RDWR | O_NOCTTY), keep;
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
            perror("pty");
            return 3;
        }
        keep = open(ptsname(master), O_RDWR | O_NOCTTY); /* held open: the master never sees a hang-up */
        (void)keep;
        memset(&serial, 0, sizeof serial);
        serial.fd = master;
        serial.kind = LINK_SERIAL_RAW;
        printf("pty %s\n", ptsname(master));
    } else {
        struct sockaddr_in a;
        socklen_t al = sizeof a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (udp_fd < 0 || bind(udp_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
            getsockname(udp_fd, (struct sockaddr *)&a, &al) != 0) {
            perror("udp");
            return 3;
        }
        printf("port %d\n", ntohs(a.sin_port));
    }
    fflush(stdout);
    for (;;) { /* until killed, or a minute without a frame */
        int n;
        if (use_pty) {
            n = link_recv(&serial, frame, sizeof frame, 60000);
        } else {
            struct pollfd pfd = {udp_fd, POLLIN, 0};
            if (poll(&pfd, 1, 60000) <= 0) {
                return 0;
            }
            peer_len = sizeof peer;
            n = (int)recvfrom(udp_fd, frame, sizeof frame, 0, (struct sockaddr *)&peer, &peer_len);
        }
        if (n <= 0) {
            return n < 0 ? 3 : 0;
        }
        on_frame(frame, (size_t)n);
    }
}
