/* sngw_mqttsn: MQTT-SN 1.2 packets for a sensor. See sngw_mqttsn.h and the MQTT-SN 1.2 specification. */
#include "sngw_mqttsn.h"

#include <string.h>

/*
 * Writes Length and MsgType for a packet whose body (after MsgType) has body_len bytes; returns the header length,
 * or a negative code when the whole packet does not fit cap.
 */
static int header(uint8_t *buf, size_t cap, uint8_t type, size_t body_len) {
    size_t total = body_len + 2;
    if (buf == NULL) {
        return SNGW_ERR_ARG;
    }
    if (total <= 255) {
        if (cap < total) {
            return SNGW_ERR_BUFFER;
        }
        buf[0] = (uint8_t)total;
        buf[1] = type;
        return 2;
    }
    total += 2;
    if (total > 0xFFFF) {
        return SNGW_ERR_ARG;
    }
    if (cap < total) {
        return SNGW_ERR_BUFFER;
    }
    buf[0] = 0x01;
    buf[1] = (uint8_t)(total >> 8);
    buf[2] = (uint8_t)total;
    buf[3] = type;
    return 4;
}

static uint8_t *put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static uint16_t get16(const uint8_t *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* A packet with a fixed body: returns its length. */
static int fixed(uint8_t *buf, size_t cap, uint8_t type, const uint8_t *body, size_t body_len) {
    int h = header(buf, cap, type, body_len);
    if (h < 0) {
        return h;
    }
    memcpy(buf + h, body, body_len);
    return h + (int)body_len;
}

int sngw_sn_connect(uint8_t *buf, size_t cap, uint8_t flags, uint16_t keep_alive, const char *client_id) {
    size_t n;
    int h;
    if (client_id == NULL || (n = strlen(client_id)) < 1 || n > 23) {
        return SNGW_ERR_ARG;
    }
    h = header(buf, cap, SNGW_SN_CONNECT, 4 + n);
    if (h < 0) {
        return h;
    }
    buf[h] = flags;
    buf[h + 1] = 0x01; /* ProtocolId */
    put16(buf + h + 2, keep_alive);
    memcpy(buf + h + 4, client_id, n);
    return h + 4 + (int)n;
}

int sngw_sn_register(uint8_t *buf, size_t cap, uint16_t msg_id, const char *topic_name) {
    size_t n;
    int h;
    if (topic_name == NULL || (n = strlen(topic_name)) < 1) {
        return SNGW_ERR_ARG;
    }
    h = header(buf, cap, SNGW_SN_REGISTER, 4 + n);
    if (h < 0) {
        return h;
    }
    put16(put16(buf + h, 0), msg_id);
    memcpy(buf + h + 4, topic_name, n);
    return h + 4 + (int)n;
}

int sngw_sn_regack(uint8_t *buf, size_t cap, uint16_t topic_id, uint16_t msg_id, uint8_t rc) {
    uint8_t body[5];
    put16(put16(body, topic_id), msg_id)[0] = rc;
    return fixed(buf, cap, SNGW_SN_REGACK, body, sizeof body);
}

int sngw_sn_publish(uint8_t *buf, size_t cap, uint8_t flags, uint16_t topic_id, uint16_t msg_id,
                    const uint8_t *data, size_t data_len) {
    int h;
    if (data == NULL && data_len > 0) {
        return SNGW_ERR_ARG;
    }
    h = header(buf, cap, SNGW_SN_PUBLISH, 5 + data_len);
    if (h < 0) {
        return h;
    }
    buf[h] = flags;
    put16(put16(buf + h + 1, topic_id), msg_id);
    if (data_len > 0) {
        memcpy(buf + h + 5, data, data_len);
    }
    return h + 5 + (int)data_len;
}

int sngw_sn_puback(uint8_t *buf, size_t cap, uint16_t topic_id, uint16_t msg_id, uint8_t rc) {
    uint8_t body[5];
    put16(put16(body, topic_id), msg_id)[0] = rc;
    return fixed(buf, cap, SNGW_SN_PUBACK, body, sizeof body);
}

static int msg_id_only(uint8_t *buf, size_t cap, uint8_t type, uint16_t msg_id) {
    uint8_t body[2];
    put16(body, msg_id);
    return fixed(buf, cap, type, body, sizeof body);
}

int sngw_sn_pubrec(uint8_t *buf, size_t cap, uint16_t msg_id) {
    return msg_id_only(buf, cap, SNGW_SN_PUBREC, msg_id);
}

int sngw_sn_pubrel(uint8_t *buf, size_t cap, uint16_t msg_id) {
    return msg_id_only(buf, cap, SNGW_SN_PUBREL, msg_id);
}

int sngw_sn_pubcomp(uint8_t *buf, size_t cap, uint16_t msg_id) {
    return msg_id_only(buf, cap, SNGW_SN_PUBCOMP, msg_id);
}

int sngw_sn_subscribe(uint8_t *buf, size_t cap, uint8_t flags, uint16_t msg_id, const char *topic_name) {
    size_t n;
    int h;
    if (topic_name == NULL || (n = strlen(topic_name)) < 1) {
        return SNGW_ERR_ARG;
    }
    h = header(buf, cap, SNGW_SN_SUBSCRIBE, 3 + n);
    if (h < 0) {
        return h;
    }
    buf[h] = flags;
    put16(buf + h + 1, msg_id);
    memcpy(buf + h + 3, topic_name, n);
    return h + 3 + (int)n;
}

int sngw_sn_pingreq(uint8_t *buf, size_t cap, const char *client_id) {
    size_t n = client_id == NULL ? 0 : strlen(client_id);
    if (n > 23) {
        return SNGW_ERR_ARG;
    }
    return fixed(buf, cap, SNGW_SN_PINGREQ, (const uint8_t *)(n ? client_id : ""), n);
}

int sngw_sn_disconnect(uint8_t *buf, size_t cap, long sleep_seconds) {
    uint8_t body[2] = {0, 0};
    if (sleep_seconds < 0) {
        return fixed(buf, cap, SNGW_SN_DISCONNECT, body, 0);
    }
    if (sleep_seconds > 0xFFFF) {
        return SNGW_ERR_ARG;
    }
    put16(body, (uint16_t)sleep_seconds);
    return fixed(buf, cap, SNGW_SN_DISCONNECT, body, sizeof body);
}

int sngw_sn_parse(const uint8_t *buf, size_t len, sngw_sn_msg *msg) {
    const uint8_t *b;
    size_t h, n;
    if (buf == NULL || msg == NULL) {
        return SNGW_ERR_ARG;
    }
    memset(msg, 0, sizeof *msg);
    if (len >= 4 && buf[0] == 0x01) {
        if (get16(buf + 1) != len || len < 4) {
            return SNGW_ERR_LENGTH;
        }
        h = 3;
    } else if (len >= 2 && buf[0] == len) {
        h = 1;
    } else {
        return SNGW_ERR_LENGTH;
    }
    msg->type = buf[h];
    b = buf + h + 1; /* the body */
    n = len - h - 1;
    switch (msg->type) {
    case SNGW_SN_CONNACK:
        if (n != 1) return SNGW_ERR_LENGTH;
        msg->rc = b[0];
        break;
    case SNGW_SN_REGISTER:
        if (n < 5) return SNGW_ERR_LENGTH;
        msg->topic_id = get16(b);
        msg->msg_id = get16(b + 2);
        msg->data = b + 4;
        msg->data_len = n - 4;
        break;
    case SNGW_SN_REGACK:
    case SNGW_SN_PUBACK:
        if (n != 5) return SNGW_ERR_LENGTH;
        msg->topic_id = get16(b);
        msg->msg_id = get16(b + 2);
        msg->rc = b[4];
        break;
    case SNGW_SN_PUBLISH:
        if (n < 5) return SNGW_ERR_LENGTH;
        msg->flags = b[0];
        msg->topic_id = get16(b + 1);
        msg->msg_id = get16(b + 3);
        msg->data = b + 5;
        msg->data_len = n - 5;
        break;
    case SNGW_SN_PUBREC:
    case SNGW_SN_PUBREL:
    case SNGW_SN_PUBCOMP:
        if (n != 2) return SNGW_ERR_LENGTH;
        msg->msg_id = get16(b);
        break;
    case SNGW_SN_SUBACK:
        if (n != 6) return SNGW_ERR_LENGTH;
        msg->flags = b[0];
        msg->topic_id = get16(b + 1);
        msg->msg_id = get16(b + 3);
        msg->rc = b[5];
        break;
    case SNGW_SN_DISCONNECT:
        if (n != 0 && n != 2) return SNGW_ERR_LENGTH;
        msg->duration = n == 2 ? get16(b) : 0;
        break;
    default:
        break;
    }
    return SNGW_OK;
}
