/* The demo's radio over UDP or a serial line (raw or XBee API 2). See link.h and docs/serial-framing.md. */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define INTER_BYTE_TIMEOUT_MS 100 /* the gateway's default: a pause mid-frame ends it */

long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int link_open_udp(demo_link *l, const char *host_port, char *err, size_t err_cap) {
    char host[256];
    const char *colon = strrchr(host_port, ':');
    struct addrinfo hints, *res = NULL, *ai;
    int rc;
    memset(l, 0, sizeof *l);
    l->kind = LINK_UDP;
    l->fd = -1;
    if (colon == NULL || colon == host_port || (size_t)(colon - host_port) >= sizeof host || colon[1] == '\0') {
        snprintf(err, err_cap, "--udp wants HOST:PORT, got '%s'", host_port);
        return -1;
    }
    memcpy(host, host_port, (size_t)(colon - host_port));
    host[colon - host_port] = '\0';
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:1884 */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %s: %s", host_port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        l->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (l->fd >= 0 && connect(l->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        if (l->fd >= 0) {
            close(l->fd);
            l->fd = -1;
        }
    }
    freeaddrinfo(res);
    if (l->fd < 0) {
        snprintf(err, err_cap, "cannot open a UDP socket to %s: %s", host_port, strerror(errno));
        return -1;
    }
    return 0;
}

static speed_t speed_of(long baud) {
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return 0;
    }
}

int link_open_serial(demo_link *l, const char *device, long baud, enum link_kind kind, char *err, size_t err_cap) {
    struct termios t;
    speed_t speed = speed_of(baud);
    memset(l, 0, sizeof *l);
    l->kind = kind;
    if (speed == 0) {
        snprintf(err, err_cap, "--baud %ld is not one of 1200 2400 4800 9600 19200 38400 57600 115200 230400", baud);
        return -1;
    }
    l->fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (l->fd < 0) {
        snprintf(err, err_cap, "cannot open %s: %s", device, strerror(errno));
        return -1;
    }
    if (tcgetattr(l->fd, &t) == 0) { /* a pty or a real port: 8N1, raw, no flow control */
        cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        t.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
        t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        cfsetispeed(&t, speed);
        cfsetospeed(&t, speed);
        if (tcsetattr(l->fd, TCSANOW, &t) != 0) {
            snprintf(err, err_cap, "cannot configure %s: %s", device, strerror(errno));
            close(l->fd);
            return -1;
        }
    }
    return 0;
}

void link_close(demo_link *l) {
    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd pfd = {fd, POLLOUT, 0};
                poll(&pfd, 1, 1000);
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static size_t put_escaped(uint8_t *out, size_t at, size_t cap, uint8_t b) {
    if (b == 0x7E || b == 0x7D || b == 0x11 || b == 0x13) {
        if (at + 2 > cap) {
            return 0;
        }
        out[at] = 0x7D;
        out[at + 1] = b ^ 0x20;
        return at + 2;
    }
    if (at + 1 > cap) {
        return 0;
    }
    out[at] = b;
    return at + 1;
}

size_t xbee_transmit_request(const uint8_t dest[8], const uint8_t *data, size_t len, uint8_t *out, size_t cap) {
    uint8_t head[14];
    size_t at = 1, flen = sizeof head + len;
    uint8_t sum = 0;
    head[0] = 0x10; /* Transmit Request */
    head[1] = 0x00; /* frame id 0: no Transmit Status wanted */
    memcpy(head + 2, dest, 8);
    head[10] = 0xFF; /* 16-bit destination unknown */
    head[11] = 0xFE;
    head[12] = 0x00; /* broadcast radius */
    head[13] = 0x00; /* options */
    if (cap < 1) {
        return 0;
    }
    out[0] = 0x7E;
    at = put_escaped(out, at, cap, (uint8_t)(flen >> 8));
    if (at) at = put_escaped(out, at, cap, (uint8_t)flen);
    for (size_t i = 0; at && i < sizeof head; i++) {
        sum = (uint8_t)(sum + head[i]);
        at = put_escaped(out, at, cap, head[i]);
    }
    for (size_t i = 0; at && i < len; i++) {
        sum = (uint8_t)(sum + data[i]);
        at = put_escaped(out, at, cap, data[i]);
    }
    if (at) at = put_escaped(out, at, cap, (uint8_t)(0xFF - sum));
    return at;
}

int link_send(demo_link *l, const uint8_t *frame, size_t len) {
    if (l->kind == LINK_UDP) {
        return send(l->fd, frame, len, 0) == (ssize_t)len ? 0 : -1;
    }
    if (l->kind == LINK_SERIAL_RAW) {
        return write_all(l->fd, frame, len); /* one write: no pause inside a frame */
    } else {
        uint8_t out[2 * 1024 + 40];
        size_t n = xbee_transmit_request(l->xbee_dest, frame, len, out, sizeof out);
        return n == 0 ? -1 : write_all(l->fd, out, n);
    }
}

/* Reads what is there into l->buf, waiting at most timeout_ms; returns bytes read, 0 on timeout, -1 on failure. */
static int fill(demo_link *l, long timeout_ms) {
    struct pollfd pfd = {l->fd, POLLIN, 0};
    ssize_t r;
    int p = poll(&pfd, 1, timeout_ms < 0 ? 0 : (int)timeout_ms);
    if (p < 0) {
        return errno == EINTR ? 0 : -1;
    }
    if (p == 0) {
        return 0;
    }
    if (pfd.revents & (POLLERR | POLLNVAL)) {
        return -1;
    }
    if (l->have == sizeof l->buf) {
        l->have = 0; /* nothing this long is a frame: noise */
    }
    r = read(l->fd, l->buf + l->have, sizeof l->buf - l->have);
    if (r < 0) {
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
    if (r == 0) {
        return (pfd.revents & POLLHUP) ? -1 : 0;
    }
    l->have += (size_t)r;
    return (int)r;
}

static void consume(demo_link *l, size_t n) {
    memmove(l->buf, l->buf + n, l->have - n);
    l->have -= n;
}

/*
 * Raw framing: how many bytes the packet at the start of buf takes, 0 when more bytes are needed to tell, or
 * (size_t)-1 when the first byte cannot start anything (skip one byte).
 */
static size_t raw_length(const uint8_t *b, size_t have) {
    if (b[0] == 0x00 || b[0] == 0x01) { /* a protected frame, or MQTT-SN's 3-byte length form */
        size_t n;
        if (have < 4) {
            return 0;
        }
        n = (size_t)b[b[0] == 0x00 ? 2 : 1] << 8 | b[b[0] == 0x00 ? 3 : 2];
        return n < 4 ? (size_t)-1 : n;
    }
    return b[0] < 2 ? (size_t)-1 : b[0];
}

/* XBee API 2: an unescaped frame's data (API id first) at the start of buf, or 0 when incomplete. */
static size_t xbee_frame(demo_link *l, uint8_t *data, size_t cap, size_t *consumed) {
    uint8_t un[1024];
    size_t i = 1, n = 0, need = 0;
    if (l->buf[0] != 0x7E) {
        *consumed = 1;
        return 0;
    }
    while (i < l->have) {
        uint8_t b = l->buf[i++];
        if (b == 0x7E) { /* a bare delimiter: the frame so far was cut short */
            *consumed = i - 1;
            return 0;
        }
        if (b == 0x7D) {
            if (i == l->have) {
                break;
            }
            b = l->buf[i++] ^ 0x20;
        }
        un[n++] = b;
        if (n == 2) {
            need = (size_t)un[0] << 8 | un[1];
            if (need == 0 || need + 3 > sizeof un) {
                *consumed = i;
                return 0;
            }
        }
        if (need && n == need + 3) {
            uint8_t sum = 0;
            *consumed = i;
            for (size_t k = 2; k < n; k++) {
                sum = (uint8_t)(sum + un[k]);
            }
            if (sum != 0xFF || need > cap) {
                return 0; /* bad checksum: dropped */
            }
            memcpy(data, un + 2, need);
            return need;
        }
    }
    *consumed = 0; /* incomplete */
    return 0;
}

int link_recv(demo_link *l, uint8_t *out, size_t cap, long timeout_ms) {
    long long deadline = now_ms() + timeout_ms;
    if (l->kind == LINK_UDP) {
        for (;;) {
            struct pollfd pfd = {l->fd, POLLIN, 0};
            long left = (long)(deadline - now_ms());
            ssize_t r;
            int p = poll(&pfd, 1, left < 0 ? 0 : (int)left);
            if (p < 0 && errno != EINTR) {
                return -1;
            }
            if (p <= 0) {
                return 0;
            }
            r = recv(l->fd, out, cap, 0);
            if (r < 0) {
                if (errno == ECONNREFUSED || errno == EINTR) { /* nothing listens (yet): keep trying */
                    continue;
                }
                return -1;
            }
            if (r > 0 && out[0] == 0x00) {
                return (int)r;
            }
        }
    }
    for (;;) {
        long left;
        int f;
        while (l->have > 0) {
            if (l->kind == LINK_SERIAL_RAW) {
                size_t n = raw_length(l->buf, l->have);
                if (n == (size_t)-1) {
                    consume(l, 1);
                    continue;
                }
                if (n == 0 || n > l->have) {
                    if (n > sizeof l->buf) {
                        l->have = 0;
                    }
                    break;
                }
                if (l->buf[0] == 0x00 && n <= cap) {
                    memcpy(out, l->buf, n);
                    consume(l, n);
                    return (int)n;
                }
                consume(l, n); /* plain MQTT-SN or too long: not for us */
            } else {
                uint8_t data[1024];
                size_t consumed = 0, n = xbee_frame(l, data, sizeof data, &consumed);
                if (consumed == 0) {
                    break;
                }
                consume(l, consumed);
                /* Receive Packet: API id, 64-bit source, 16-bit source, options, RF data */
                if (n > 12 && data[0] == 0x90 && data[12] == 0x00 && n - 12 <= cap) {
                    memcpy(out, data + 12, n - 12);
                    return (int)(n - 12);
                }
            }
        }
        left = (long)(deadline - now_ms());
        if (left <= 0) {
            return 0;
        }
        /* a silence of the inter-byte timeout in the middle of a frame ends it */
        f = fill(l, l->have > 0 && left > INTER_BYTE_TIMEOUT_MS ? INTER_BYTE_TIMEOUT_MS : left);
        if (f < 0) {
            return -1;
        }
        if (f == 0 && l->have > 0 && now_ms() < deadline) {
            l->have = 0;
        }
    }
}
