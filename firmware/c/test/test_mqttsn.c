/* The MQTT-SN packets a sensor sends, byte for byte as MQTT-SN 1.2 lays them out, and the parser of the answers. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sngw_mqttsn.h"

static void builders_write_the_spec_layout(void) {
    uint8_t b[400];
    static const uint8_t pingreq[] = {0x02, 0x16};
    static const uint8_t wake[] = {0x05, 0x16, 's', 'n', '1'};
    static const uint8_t connect[] = {0x09, 0x04, 0x04, 0x01, 0x00, 0x3c, 's', 'n', '1'};
    static const uint8_t reg[] = {0x09, 0x0a, 0x00, 0x00, 0x00, 0x07, 'a', '/', 'b'};
    static const uint8_t pub_short_qosm1[] = {0x09, 0x0c, 0x62, 0x61, 0x62, 0x00, 0x00, 0x68, 0x69}; /* spec example */
    static const uint8_t pub_qos1[] = {0x0b, 0x0c, 0x20, 0x00, 0x01, 0x00, 0x01, 0x32, 0x31, 0x2e, 0x35};
    static const uint8_t pubrel[] = {0x04, 0x10, 0x12, 0x34};
    static const uint8_t pubrec[] = {0x04, 0x0f, 0x12, 0x34};
    static const uint8_t pubcomp[] = {0x04, 0x0e, 0x12, 0x34};
    static const uint8_t puback[] = {0x07, 0x0d, 0x00, 0x05, 0x12, 0x34, 0x00};
    static const uint8_t regack[] = {0x07, 0x0b, 0x00, 0x05, 0x12, 0x34, 0x00};
    static const uint8_t sub[] = {0x08, 0x12, 0x20, 0x00, 0x02, 'a', '/', '#'};
    static const uint8_t disc[] = {0x02, 0x18};
    static const uint8_t sleep[] = {0x04, 0x18, 0x01, 0x2c};
    CHECK_BYTES(b, sngw_sn_pingreq(b, sizeof b, NULL), pingreq, sizeof pingreq);
    CHECK_BYTES(b, sngw_sn_pingreq(b, sizeof b, "sn1"), wake, sizeof wake);
    CHECK_BYTES(b, sngw_sn_connect(b, sizeof b, SNGW_SN_FLAG_CLEAN, 60, "sn1"), connect, sizeof connect);
    CHECK_BYTES(b, sngw_sn_register(b, sizeof b, 7, "a/b"), reg, sizeof reg);
    CHECK_BYTES(b, sngw_sn_publish(b, sizeof b, SNGW_SN_QOS_FLAGS(3) | SNGW_SN_TOPIC_SHORT, 0x6162, 0,
                                   (const uint8_t *)"hi", 2), pub_short_qosm1, sizeof pub_short_qosm1);
    CHECK_BYTES(b, sngw_sn_publish(b, sizeof b, SNGW_SN_QOS_FLAGS(1), 1, 1, (const uint8_t *)"21.5", 4), pub_qos1,
                sizeof pub_qos1);
    CHECK_BYTES(b, sngw_sn_pubrel(b, sizeof b, 0x1234), pubrel, sizeof pubrel);
    CHECK_BYTES(b, sngw_sn_pubrec(b, sizeof b, 0x1234), pubrec, sizeof pubrec);
    CHECK_BYTES(b, sngw_sn_pubcomp(b, sizeof b, 0x1234), pubcomp, sizeof pubcomp);
    CHECK_BYTES(b, sngw_sn_puback(b, sizeof b, 5, 0x1234, 0), puback, sizeof puback);
    CHECK_BYTES(b, sngw_sn_regack(b, sizeof b, 5, 0x1234, 0), regack, sizeof regack);
    CHECK_BYTES(b, sngw_sn_subscribe(b, sizeof b, SNGW_SN_QOS_FLAGS(1), 2, "a/#"), sub, sizeof sub);
    CHECK_BYTES(b, sngw_sn_disconnect(b, sizeof b, -1), disc, sizeof disc);
    CHECK_BYTES(b, sngw_sn_disconnect(b, sizeof b, 300), sleep, sizeof sleep);
}

static void long_packets_take_the_three_byte_length(void) {
    uint8_t b[400], payload[300];
    sngw_sn_msg m;
    memset(payload, 'x', sizeof payload);
    CHECK_RC(sngw_sn_publish(b, sizeof b, SNGW_SN_QOS_FLAGS(0), 1, 0, payload, sizeof payload), 309);
    CHECK(b[0] == 0x01 && b[1] == 0x01 && b[2] == 0x35 && b[3] == SNGW_SN_PUBLISH);
    CHECK_RC(sngw_sn_parse(b, 309, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_PUBLISH && m.data_len == 300 && m.topic_id == 1);
    CHECK_RC(sngw_sn_publish(b, 100, SNGW_SN_QOS_FLAGS(0), 1, 0, payload, sizeof payload), SNGW_ERR_BUFFER);
}

static void parser_reads_the_answers(void) {
    sngw_sn_msg m;
    static const uint8_t connack[] = {0x03, 0x05, 0x00};
    static const uint8_t regack[] = {0x07, 0x0b, 0x00, 0x05, 0x00, 0x07, 0x00};
    static const uint8_t suback[] = {0x08, 0x13, 0x20, 0x00, 0x09, 0x00, 0x02, 0x00};
    static const uint8_t publish[] = {0x0b, 0x0c, 0x40, 0x00, 0x09, 0x00, 0x03, '2', '1', '.', '5'};
    static const uint8_t reg[] = {0x0a, 0x0a, 0x00, 0x0b, 0x00, 0x04, 'a', '/', 'b', 'c'};
    static const uint8_t pubrec[] = {0x04, 0x0f, 0x00, 0x03};
    static const uint8_t sleeping[] = {0x04, 0x18, 0x00, 0x3c};
    static const uint8_t bad_length[] = {0x05, 0x05, 0x00};
    static const uint8_t short_connack[] = {0x02, 0x05};
    CHECK_RC(sngw_sn_parse(connack, sizeof connack, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_CONNACK && m.rc == 0);
    CHECK_RC(sngw_sn_parse(regack, sizeof regack, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_REGACK && m.topic_id == 5 && m.msg_id == 7 && m.rc == 0);
    CHECK_RC(sngw_sn_parse(suback, sizeof suback, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_SUBACK && SNGW_SN_FLAGS_QOS(m.flags) == 1 && m.topic_id == 9 && m.msg_id == 2);
    CHECK_RC(sngw_sn_parse(publish, sizeof publish, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_PUBLISH && SNGW_SN_FLAGS_QOS(m.flags) == 2 && m.topic_id == 9 && m.msg_id == 3);
    CHECK_BYTES(m.data, m.data_len, "21.5", 4);
    CHECK_RC(sngw_sn_parse(reg, sizeof reg, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_REGISTER && m.topic_id == 11 && m.msg_id == 4);
    CHECK_BYTES(m.data, m.data_len, "a/bc", 4);
    CHECK_RC(sngw_sn_parse(pubrec, sizeof pubrec, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_PUBREC && m.msg_id == 3);
    CHECK_RC(sngw_sn_parse(sleeping, sizeof sleeping, &m), SNGW_OK);
    CHECK(m.type == SNGW_SN_DISCONNECT && m.duration == 60);
    CHECK_RC(sngw_sn_parse(bad_length, sizeof bad_length, &m), SNGW_ERR_LENGTH);
    CHECK_RC(sngw_sn_parse(short_connack, sizeof short_connack, &m), SNGW_ERR_LENGTH);
}

int main(void) {
    builders_write_the_spec_layout();
    long_packets_take_the_three_byte_length();
    parser_reads_the_answers();
    return check_summary("MQTT-SN packet tests");
}
