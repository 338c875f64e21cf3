/*
 * sngw-sensor: a sensor on a host, speaking protected MQTT-SN to the gateway over UDP or a serial line.
 *
 *   sngw-sensor pair  LINK --radio-id HEX16 [--install-code HEX32] --state FILE
 *   sngw-sensor pub   LINK --state FILE --topic T [--qos 0|1|2] --message M [--count N]
 *   sngw-sensor sub   LINK --state FILE --topic T [--qos 0|1|2] [--count N]
 *   sngw-sensor sleep LINK --state FILE --duration S [--wake-after S] [--cycles N] [--topic T [--qos Q]]
 *   LINK: --udp HOST:PORT | --serial DEVICE [--baud N] [--raw | --xbee2 [--xbee-dest HEX16]]
 *   common: [--timeout SECONDS] [--tretry SECONDS] [--nretry N] [--keep-alive SECONDS] [--verbose]
 *
 * Exit status: 0 success; 1 the gateway refused or did not answer (or --timeout passed); 2 usage; 3 local trouble
 * (state file, device, random source). Every failure prints one line on stderr.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "session.h"
#include "sngw_pair.h"

typedef struct {
    const char *command;
    const char *udp, *serial, *state, *topic, *message;
    long baud;
    enum link_kind framing;
    uint8_t radio_id[8];
    int has_radio_id;
    uint8_t install_code[16];
    int has_install_code;
    uint8_t xbee_dest[8];
    int qos;
    long count;
    double timeout, tretry, wake_after;
    long nretry, keep_alive, duration, cycles;
    int verbose;
} options;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static int fail(int code, const char *fmt, ...) {
    va_list ap;
    fputs("sngw-sensor: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

static const char USAGE[] =
    "usage: sngw-sensor pair|pub|sub|sleep LINK --state FILE [options]\n"
    "  LINK: --udp HOST:PORT | --serial DEVICE [--baud N] [--raw | --xbee2 [--xbee-dest HEX16]]\n"
    "  pair:  --radio-id HEX16 [--install-code HEX32]   (prints the client id)\n"
    "  pub:   --topic T --message M [--qos 0|1|2] [--count N]\n"
    "  sub:   --topic T [--qos 0|1|2] [--count N]       (prints each payload on a line)\n"
    "  sleep: --duration S [--wake-after S] [--cycles N] [--topic T [--qos Q]] [--count N]\n"
    "  common: --timeout S  --tretry S (10)  --nretry N (3)  --keep-alive S (60)  --verbose\n"
    "  exit: 0 ok, 1 gateway refused or did not answer / timeout, 2 usage, 3 local error\n";

/* HEX digits (dashes and colons allowed between them) into exactly n bytes. */
static int parse_hex(const char *s, uint8_t *out, size_t n) {
    size_t got = 0;
    int half = -1;
    for (; *s; s++) {
        int v;
        if (*s == '-' || *s == ':') {
            continue;
        }
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else return -1;
        if (half < 0) {
            half = v;
        } else {
            if (got == n) return -1;
            out[got++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    return got == n && half < 0 ? 0 : -1;
}

static int parse_number(const char *s, double min, double max, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, options *o) {
    memset(o, 0, sizeof *o);
    o->baud = 9600;
    o->framing = LINK_SERIAL_RAW;
    o->qos = 0;
    o->tretry = 10;
    o->nretry = 3;
    o->keep_alive = 60;
    o->duration = -1;
    o->cycles = 1;
    o->wake_after = -1;
    if (argc < 2) {
        return fail(EXIT_USAGE, "no command (pair, pub, sub, sleep); --help says more");
    }
    o->command = argv[1];
    if (strcmp(o->command, "--help") == 0 || strcmp(o->command, "-h") == 0) {
        fputs(USAGE, stdout);
        exit(0);
    }
    if (strcmp(o->command, "pair") != 0 && strcmp(o->command, "pub") != 0 && strcmp(o->command, "sub") != 0 &&
        strcmp(o->command, "sleep") != 0) {
        return fail(EXIT_USAGE, "unknown command '%s' (pair, pub, sub, sleep)", o->command);
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
#define NEEDS_VALUE() if (v == NULL) return fail(EXIT_USAGE, "%s needs a value", a); i++
#define NUMBER(min, max, target) NEEDS_VALUE(); \
        if (parse_number(v, min, max, &d) != 0) \
            return fail(EXIT_USAGE, "%s %s: expected a number from %g to %g", a, v, (double)(min), (double)(max)); \
        target
        if (strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            exit(0);
        } else if (strcmp(a, "--udp") == 0) {
            NEEDS_VALUE();
            o->udp = v;
        } else if (strcmp(a, "--serial") == 0) {
            NEEDS_VALUE();
            o->serial = v;
        } else if (strcmp(a, "--baud") == 0) {
            NUMBER(1200, 230400, o->baud = (long)d);
        } else if (strcmp(a, "--raw") == 0) {
            o->framing = LINK_SERIAL_RAW;
        } else if (strcmp(a, "--xbee2") == 0) {
            o->framing = LINK_SERIAL_XBEE2;
        } else if (strcmp(a, "--xbee-dest") == 0) {
            NEEDS_VALUE();
            if (parse_hex(v, o->xbee_dest, 8) != 0) return fail(EXIT_USAGE, "--xbee-dest %s: expected 16 hex digits", v);
        } else if (strcmp(a, "--radio-id") == 0) {
            NEEDS_VALUE();
            if (parse_hex(v, o->radio_id, 8) != 0) return fail(EXIT_USAGE, "--radio-id %s: expected 16 hex digits", v);
            o->has_radio_id = 1;
        } else if (strcmp(a, "--install-code") == 0) {
            NEEDS_VALUE();
            if (parse_hex(v, o->install_code, 16) != 0)
                return fail(EXIT_USAGE, "--install-code %s: expected 32 hex digits (dashes allowed)", v);
            o->has_install_code = 1;
        } else if (strcmp(a, "--state") == 0) {
            NEEDS_VALUE();
            o->state = v;
        } else if (strcmp(a, "--topic") == 0) {
            NEEDS_VALUE();
            o->topic = v;
        } else if (strcmp(a, "--message") == 0) {
            NEEDS_VALUE();
            o->message = v;
        } else if (strcmp(a, "--qos") == 0) {
            NUMBER(0, 2, o->qos = (int)d);
        } else if (strcmp(a, "--count") == 0) {
            NUMBER(1, 1e9, o->count = (long)d);
        } else if (strcmp(a, "--timeout") == 0) {
            NUMBER(0.001, 1e7, o->timeout = d);
        } else if (strcmp(a, "--tretry") == 0) {
            NUMBER(0.01, 3600, o->tretry = d);
        } else if (strcmp(a, "--nretry") == 0) {
            NUMBER(0, 100, o->nretry = (long)d);
        } else if (strcmp(a, "--keep-alive") == 0) {
            NUMBER(0, 65535, o->keep_alive = (long)d);
        } else if (strcmp(a, "--duration") == 0) {
            NUMBER(0, 65535, o->duration = (long)d);
        } else if (strcmp(a, "--wake-after") == 0) {
            NUMBER(0, 65535, o->wake_after = d);
        } else if (strcmp(a, "--cycles") == 0) {
            NUMBER(1, 1e6, o->cycles = (long)d);
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
        } else {
            return fail(EXIT_USAGE, "unknown option '%s'; --help lists them", a);
        }
#undef NUMBER
#undef NEEDS_VALUE
    }
    if ((o->udp == NULL) == (o->serial == NULL)) {
        return fail(EXIT_USAGE, "give exactly one of --udp HOST:PORT and --serial DEVICE");
    }
    if (o->state == NULL) {
        return fail(EXIT_USAGE, "--state FILE is required");
    }
    if (strcmp(o->command, "pair") == 0 && !o->has_radio_id) {
        return fail(EXIT_USAGE, "pair needs --radio-id HEX16");
    }
    if ((strcmp(o->command, "pub") == 0 || strcmp(o->command, "sub") == 0) && o->topic == NULL) {
        return fail(EXIT_USAGE, "%s needs --topic", o->command);
    }
    if (strcmp(o->command, "pub") == 0 && o->message == NULL) {
        return fail(EXIT_USAGE, "pub needs --message");
    }
    if (strcmp(o->command, "sleep") == 0 && o->duration < 1) {
        return fail(EXIT_USAGE, "sleep needs --duration SECONDS (1..65535)");
    }
    return EXIT_OK;
}

static long long deadline_of(const options *o) {
    return o->timeout > 0 ? now_ms() + (long long)(o->timeout * 1000) : 0;
}

/* ---- pair ---- */

static int pair(const options *o, demo_link *link) {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    static const unsigned char personal[] = "sngw-sensor pair";
    uint8_t hello[SNGW_PAIR_HELLO_LEN], confirm[SNGW_PAIR_CONFIRM_LEN], frame[1024];
    size_t hello_len, confirm_len = 0;
    const uint8_t *pending;
    size_t pending_len;
    long long deadline = o->timeout > 0 ? deadline_of(o) : now_ms() + 60000;
    sngw_pair p;
    sensor_state st;
    char err[256];
    int rc, sends = 0, restarts = 0, bad_offers = 0, result = EXIT_GATEWAY;

    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, personal, sizeof personal - 1) != 0) {
        return fail(EXIT_LOCAL, "cannot seed the random generator");
    }
restart:
    rc = sngw_pair_start(&p, o->radio_id, o->has_install_code ? o->install_code : NULL, mbedtls_ctr_drbg_random,
                         &drbg, hello, sizeof hello, &hello_len);
    if (rc != SNGW_OK) {
        result = fail(EXIT_LOCAL, "cannot start pairing: %s", sngw_strerror(rc));
        goto out;
    }
    pending = hello;
    pending_len = hello_len;
    sends = 0;
    /* HELLO until an offer, then CONFIRM until the accept; each resent every Tretry, at most Nretry times */
    for (;;) {
        long long until;
        if (sends > o->nretry && pending == confirm && restarts == 0 && now_ms() < deadline) {
            /* the gateway completes a pairing at the first valid CONFIRM and repeats its ACCEPT for the same
               CONFIRM only within 30 s (docs/pairing.md): past that, only a new pairing (new keys) gets the
               sensor its client id */
            restarts++;
            if (o->verbose) {
                fprintf(stderr, "sngw-sensor: no PAIR_ACCEPT; pairing again\n");
            }
            goto restart;
        }
        if (sends > o->nretry || now_ms() >= deadline) {
            if (pending == hello && bad_offers > 0) {
                result = fail(EXIT_GATEWAY, "refused: %d PAIR_OFFER(s) failed the key confirmation (wrong install "
                                            "code, or none where the gateway's window has one)", bad_offers);
            } else {
                result = fail(EXIT_GATEWAY, "no %s from the gateway (is its pairing window open?)",
                              pending == hello ? "PAIR_OFFER" : "PAIR_ACCEPT");
            }
            goto out;
        }
        if (link_send(link, pending, pending_len) != 0) {
            result = fail(EXIT_LOCAL, "cannot send on the link");
            goto out;
        }
        sends++;
        until = now_ms() + (long long)(o->tretry * 1000);
        if (until > deadline) {
            until = deadline;
        }
        while (!stop_requested) {
            long left = (long)(until - now_ms());
            int got;
            if (left <= 0) {
                break;
            }
            got = link_recv(link, frame, sizeof frame, left);
            if (got < 0) {
                result = fail(EXIT_LOCAL, "the link failed while receiving");
                goto out;
            }
            if (got < 2) {
                continue;
            }
            if (frame[1] == SNGW_KIND_PAIR_OFFER) {
                rc = sngw_pair_offer(&p, frame, (size_t)got, confirm, sizeof confirm, &confirm_len);
                if (rc == SNGW_OK) {
                    if (pending == hello) {
                        sends = 0;
                    }
                    pending = confirm;
                    pending_len = confirm_len;
                    break; /* send the confirm now */
                }
                bad_offers += rc == SNGW_ERR_CONFIRM;
                if (o->verbose) {
                    fprintf(stderr, "sngw-sensor: ignored a PAIR_OFFER: %s\n", sngw_strerror(rc));
                }
            } else if (frame[1] == SNGW_KIND_PAIR_ACCEPT) {
                rc = sngw_pair_accept(&p, frame, (size_t)got, st.client_id, sizeof st.client_id, st.root_key);
                if (rc == SNGW_OK) {
                    memcpy(st.devid, o->radio_id, 8);
                    st.with_install_code = o->has_install_code;
                    st.up_reserved = 0; /* uplink counters start at 1 */
                    st.down_last = 1;   /* PAIR_ACCEPT spent downlink counter 1 */
                    if (state_save(o->state, &st, err, sizeof err) != 0) {
                        result = fail(EXIT_LOCAL, "%s", err);
                        goto out;
                    }
                    printf("%s\n", st.client_id);
                    result = EXIT_OK;
                    goto out;
                }
                if (o->verbose) {
                    fprintf(stderr, "sngw-sensor: ignored a PAIR_ACCEPT: %s\n", sngw_strerror(rc));
                }
            }
        }
        if (stop_requested) {
            result = fail(EXIT_GATEWAY, "interrupted");
            goto out;
        }
    }
out:
    sngw_pair_wipe(&p);
    sngw_wipe(&st, sizeof st);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return result;
}

/* ---- the MQTT-SN commands ---- */

static void print_payload(void *ctx, const uint8_t *payload, size_t len) {
    (void)ctx;
    fwrite(payload, 1, len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

#define TRY(expr) do { int rc_ = (expr); if (rc_ != EXIT_OK) return rc_; } while (0)

static int refused(session *s, const char *what, int code) {
    snprintf(s->err, sizeof s->err, "%s refused by the gateway (return code %d)", what, code);
    return EXIT_GATEWAY;
}

static int mqttsn_connect(session *s, const options *o) {
    uint8_t pkt[64], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    int n = sngw_sn_connect(pkt, sizeof pkt, SNGW_SN_FLAG_CLEAN, (uint16_t)o->keep_alive, s->state->client_id);
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "bad client id in the state file");
        return EXIT_LOCAL;
    }
    TRY(session_request(s, pkt, (size_t)n, SNGW_SN_CONNACK, 0, 0, &m, buf, sizeof buf));
    return m.rc == SNGW_SN_ACCEPTED ? EXIT_OK : refused(s, "CONNECT", m.rc);
}

/* A topic id to publish to: short topics (2 characters) as they are, others registered. */
static int topic_for_publish(session *s, const char *topic, uint8_t *type, uint16_t *id) {
    uint8_t pkt[SESSION_MAX_PACKET], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    uint16_t msg_id;
    int n;
    if (strlen(topic) == 2) {
        *type = SNGW_SN_TOPIC_SHORT;
        *id = (uint16_t)((uint8_t)topic[0] << 8 | (uint8_t)topic[1]);
        return EXIT_OK;
    }
    msg_id = session_msg_id(s);
    n = sngw_sn_register(pkt, sizeof pkt, msg_id, topic);
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "topic too long");
        return EXIT_USAGE;
    }
    TRY(session_request(s, pkt, (size_t)n, SNGW_SN_REGACK, 1, msg_id, &m, buf, sizeof buf));
    if (m.rc != SNGW_SN_ACCEPTED) {
        return refused(s, "REGISTER", m.rc);
    }
    *type = SNGW_SN_TOPIC_NORMAL;
    *id = m.topic_id;
    return EXIT_OK;
}

static int publish_one(session *s, const options *o, uint8_t type, uint16_t topic_id) {
    uint8_t pkt[SESSION_MAX_PACKET], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    uint16_t msg_id = o->qos > 0 ? session_msg_id(s) : 0;
    int n = sngw_sn_publish(pkt, sizeof pkt, (uint8_t)(SNGW_SN_QOS_FLAGS(o->qos) | type), topic_id, msg_id,
                            (const uint8_t *)o->message, strlen(o->message));
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "message too long (at most %d bytes here)", SESSION_MAX_PACKET - 9);
        return EXIT_USAGE;
    }
    if (o->qos == 0) {
        return session_send(s, pkt, (size_t)n);
    }
    if (o->qos == 1) {
        TRY(session_request(s, pkt, (size_t)n, SNGW_SN_PUBACK, 1, msg_id, &m, buf, sizeof buf));
        return m.rc == SNGW_SN_ACCEPTED ? EXIT_OK : refused(s, "PUBLISH", m.rc);
    }
    /* QoS 2: PUBREC, then PUBREL until PUBCOMP */
    TRY(session_request(s, pkt, (size_t)n, SNGW_SN_PUBREC, 1, msg_id, &m, buf, sizeof buf));
    n = sngw_sn_pubrel(pkt, sizeof pkt, msg_id);
    return session_request(s, pkt, (size_t)n, SNGW_SN_PUBCOMP, 1, msg_id, &m, buf, sizeof buf);
}

static int mqttsn_disconnect(session *s, long sleep_seconds) {
    uint8_t pkt[8], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    int n = sngw_sn_disconnect(pkt, sizeof pkt, sleep_seconds);
    return session_request(s, pkt, (size_t)n, SNGW_SN_DISCONNECT, 0, 0, &m, buf, sizeof buf);
}

static int subscribe(session *s, const options *o) {
    uint8_t pkt[SESSION_MAX_PACKET], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    uint16_t msg_id = session_msg_id(s);
    int n = sngw_sn_subscribe(pkt, sizeof pkt,
                              (uint8_t)(SNGW_SN_QOS_FLAGS(o->qos) |
                                        (strlen(o->topic) == 2 ? SNGW_SN_TOPIC_SHORT : SNGW_SN_TOPIC_NORMAL)),
                              msg_id, o->topic);
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "topic too long");
        return EXIT_USAGE;
    }
    TRY(session_request(s, pkt, (size_t)n, SNGW_SN_SUBACK, 1, msg_id, &m, buf, sizeof buf));
    return m.rc == SNGW_SN_ACCEPTED ? EXIT_OK : refused(s, "SUBSCRIBE", m.rc);
}

static int run_pub(session *s, const options *o) {
    uint8_t type;
    uint16_t topic_id;
    long count = o->count > 0 ? o->count : 1;
    TRY(mqttsn_connect(s, o));
    TRY(topic_for_publish(s, o->topic, &type, &topic_id));
    for (long i = 0; i < count && !stop_requested; i++) {
        TRY(publish_one(s, o, type, topic_id));
    }
    return mqttsn_disconnect(s, -1);
}

/* Receives until count messages (0: until the deadline or a signal), pinging every keep-alive / 2. */
static int receive_messages(session *s, const options *o, long count) {
    uint8_t pkt[8], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    long ping_ms = o->keep_alive > 0 ? o->keep_alive * 500 : 3600000;
    long long next_ping = now_ms() + ping_ms;
    while (!stop_requested && (count == 0 || (long)s->delivered < count)) {
        if (s->deadline != 0 && now_ms() >= s->deadline) {
            if (count == 0) {
                return EXIT_OK;
            }
            snprintf(s->err, sizeof s->err, "timeout: %u of %ld messages received", s->delivered, count);
            return EXIT_GATEWAY;
        }
        if (now_ms() >= next_ping) {
            TRY(session_send(s, pkt, (size_t)sngw_sn_pingreq(pkt, sizeof pkt, NULL)));
            next_ping = now_ms() + ping_ms;
        }
        TRY(session_wait(s, (long)(next_ping - now_ms()), &m, buf, sizeof buf));
        if (m.type == SNGW_SN_DISCONNECT) {
            snprintf(s->err, sizeof s->err, "the gateway ended the session");
            return EXIT_GATEWAY;
        }
    }
    return EXIT_OK;
}

static int run_sub(session *s, const options *o) {
    s->on_publish = print_payload;
    TRY(mqttsn_connect(s, o));
    TRY(subscribe(s, o));
    TRY(receive_messages(s, o, o->count));
    if (stop_requested || (s->deadline != 0 && now_ms() >= s->deadline)) {
        /* ran for the time asked: say goodbye without waiting for the answer */
        uint8_t pkt[4];
        return session_send(s, pkt, (size_t)sngw_sn_disconnect(pkt, sizeof pkt, -1));
    }
    return mqttsn_disconnect(s, -1);
}

/*
 * Connects (and subscribes, with --topic), goes to sleep for --duration, and wakes every --wake-after seconds with
 * a PINGREQ carrying its client id: the gateway sends what it kept meanwhile, then PINGRESP, and the sensor sleeps
 * again. Ends asleep, as a battery sensor would.
 */
static int run_sleep(session *s, const options *o) {
    uint8_t pkt[40], buf[SESSION_MAX_PACKET];
    sngw_sn_msg m;
    double wake_after = o->wake_after >= 0 ? o->wake_after : (o->duration > 10 ? 5.0 : (double)o->duration / 2.0);
    s->on_publish = print_payload;
    TRY(mqttsn_connect(s, o));
    if (o->topic != NULL) {
        TRY(subscribe(s, o));
    }
    TRY(mqttsn_disconnect(s, o->duration));
    for (long cycle = 0; cycle < o->cycles && !stop_requested; cycle++) {
        long long wake = now_ms() + (long long)(wake_after * 1000);
        while (now_ms() < wake && !stop_requested) { /* asleep: the radio is off, nothing is read */
            usleep(10000);
        }
        int n = sngw_sn_pingreq(pkt, sizeof pkt, s->state->client_id);
        TRY(session_request(s, pkt, (size_t)n, SNGW_SN_PINGRESP, 0, 0, &m, buf, sizeof buf));
    }
    if (o->count > 0 && (long)s->delivered < o->count) {
        snprintf(s->err, sizeof s->err, "%u of %ld messages received while asleep", s->delivered, o->count);
        return EXIT_GATEWAY;
    }
    return EXIT_OK;
}

int main(int argc, char **argv) {
    options o;
    demo_link link;
    sensor_state st;
    session s;
    char err[256];
    int rc, closed;
    struct sigaction sa;

    rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK) {
        return rc;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocking poll returns at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (o.udp != NULL) {
        rc = link_open_udp(&link, o.udp, err, sizeof err);
    } else {
        rc = link_open_serial(&link, o.serial, o.baud, o.framing, err, sizeof err);
        memcpy(link.xbee_dest, o.xbee_dest, 8);
    }
    if (rc != 0) {
        return fail(EXIT_LOCAL, "%s", err);
    }
    if (strcmp(o.command, "pair") == 0) {
        rc = pair(&o, &link);
        link_close(&link);
        return rc;
    }
    if (state_load(o.state, &st, err, sizeof err) != 0) {
        link_close(&link);
        return fail(EXIT_LOCAL, "%s", err);
    }
    rc = session_open(&s, &link, &st, o.state, (long)(o.tretry * 1000), (int)o.nretry, deadline_of(&o), o.verbose);
    if (rc == EXIT_OK) {
        if (strcmp(o.command, "pub") == 0) {
            rc = run_pub(&s, &o);
        } else if (strcmp(o.command, "sub") == 0) {
            rc = run_sub(&s, &o);
        } else {
            rc = run_sleep(&s, &o);
        }
        if (rc != EXIT_OK) {
            snprintf(err, sizeof err, "%s", s.err);
        }
        closed = session_close(&s);
        if (rc == EXIT_OK && closed != EXIT_OK) {
            rc = closed;
            snprintf(err, sizeof err, "%s", s.err);
        }
    } else {
        snprintf(err, sizeof err, "%s", s.err);
    }
    link_close(&link);
    sngw_wipe(&st, sizeof st);
    return rc == EXIT_OK ? EXIT_OK : fail(rc, "%s", err);
}
