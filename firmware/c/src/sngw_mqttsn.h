/*
 * sngw_mqttsn: a tiny MQTT-SN 1.2 packet builder and parser, enough for a sensor: CONNECT, REGISTER/REGACK,
 * PUBLISH QoS 0/1/2 and its acks, SUBSCRIBE, PINGREQ, DISCONNECT (with a sleep duration). No malloc.
 * Builders return the packet length (> 0) or a negative SNGW_ERR_* code; they pick the 3-byte length form only for
 * packets over 255 bytes.
 */
#ifndef SNGW_MQTTSN_H
#define SNGW_MQTTSN_H

#include <stddef.h>
#include <stdint.h>

#include "sngw_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNGW_SN_CONNECT 0x04
#define SNGW_SN_CONNACK 0x05
#define SNGW_SN_REGISTER 0x0A
#define SNGW_SN_REGACK 0x0B
#define SNGW_SN_PUBLISH 0x0C
#define SNGW_SN_PUBACK 0x0D
#define SNGW_SN_PUBCOMP 0x0E
#define SNGW_SN_PUBREC 0x0F
#define SNGW_SN_PUBREL 0x10
#define SNGW_SN_SUBSCRIBE 0x12
#define SNGW_SN_SUBACK 0x13
#define SNGW_SN_PINGREQ 0x16
#define SNGW_SN_PINGRESP 0x17
#define SNGW_SN_DISCONNECT 0x18

/* Flags byte */
#define SNGW_SN_FLAG_DUP 0x80
#define SNGW_SN_FLAG_RETAIN 0x10
#define SNGW_SN_FLAG_CLEAN 0x04
#define SNGW_SN_QOS_FLAGS(q) ((uint8_t)(((q) & 3) << 5)) /* 0, 1, 2 (3: QoS -1) */
#define SNGW_SN_FLAGS_QOS(f) (((f) >> 5) & 3)
#define SNGW_SN_TOPIC_NORMAL 0x00
#define SNGW_SN_TOPIC_PREDEFINED 0x01
#define SNGW_SN_TOPIC_SHORT 0x02

/* Return codes */
#define SNGW_SN_ACCEPTED 0x00
#define SNGW_SN_REJECTED_CONGESTION 0x01
#define SNGW_SN_REJECTED_INVALID_TOPIC 0x02
#define SNGW_SN_REJECTED_NOT_SUPPORTED 0x03

int sngw_sn_connect(uint8_t *buf, size_t cap, uint8_t flags, uint16_t keep_alive, const char *client_id);
int sngw_sn_register(uint8_t *buf, size_t cap, uint16_t msg_id, const char *topic_name);
int sngw_sn_regack(uint8_t *buf, size_t cap, uint16_t topic_id, uint16_t msg_id, uint8_t rc);
/* flags: SNGW_SN_QOS_FLAGS(qos) | topic id type [| SNGW_SN_FLAG_RETAIN | SNGW_SN_FLAG_DUP]; msg_id 0 for QoS 0 */
int sngw_sn_publish(uint8_t *buf, size_t cap, uint8_t flags, uint16_t topic_id, uint16_t msg_id,
                    const uint8_t *data, size_t data_len);
int sngw_sn_puback(uint8_t *buf, size_t cap, uint16_t topic_id, uint16_t msg_id, uint8_t rc);
int sngw_sn_pubrec(uint8_t *buf, size_t cap, uint16_t msg_id);
int sngw_sn_pubrel(uint8_t *buf, size_t cap, uint16_t msg_id);
int sngw_sn_pubcomp(uint8_t *buf, size_t cap, uint16_t msg_id);
/* A topic name (flags' topic id type normal, or short for 2 characters); QoS in flags */
int sngw_sn_subscribe(uint8_t *buf, size_t cap, uint8_t flags, uint16_t msg_id, const char *topic_name);
/* client_id NULL: a keep-alive ping; a client id: a sleeping client waking up for its buffered messages */
int sngw_sn_pingreq(uint8_t *buf, size_t cap, const char *client_id);
/* sleep_seconds < 0: a plain DISCONNECT; otherwise go to sleep for that long */
int sngw_sn_disconnect(uint8_t *buf, size_t cap, long sleep_seconds);

/* A parsed packet; data points into the parsed buffer. */
typedef struct {
    uint8_t type;
    uint8_t flags;       /* PUBLISH, SUBACK */
    uint8_t rc;          /* CONNACK, REGACK, PUBACK, SUBACK */
    uint16_t topic_id;   /* REGISTER, REGACK, PUBLISH, PUBACK, SUBACK */
    uint16_t msg_id;     /* REGISTER, REGACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK */
    uint16_t duration;   /* DISCONNECT with a duration */
    const uint8_t *data; /* PUBLISH payload, REGISTER topic name */
    size_t data_len;
} sngw_sn_msg;

/*
 * Parses one whole MQTT-SN packet of exactly len bytes (its Length field must say len). Returns SNGW_OK, or
 * SNGW_ERR_LENGTH for a malformed packet. Unknown types parse with only type set.
 */
int sngw_sn_parse(const uint8_t *buf, size_t len, sngw_sn_msg *msg);

#ifdef __cplusplus
}
#endif

#endif
