/* The demo sensor's state file: what pairing gave it and where its counters stand. */
#ifndef SNGW_DEMO_STATE_H
#define SNGW_DEMO_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t devid[8];
    uint8_t root_key[16];
    char client_id[24];
    int with_install_code;
    uint32_t up_reserved; /* every uplink counter up to this one may have been used: resume above it */
    uint32_t down_last;   /* highest downlink counter accepted when last written */
} sensor_state;

/* 0 on success; otherwise -1 and a one-line reason in err. */
int state_load(const char *path, sensor_state *s, char *err, size_t err_cap);

/* Writes atomically (temporary file, fsync, rename): a power cut leaves the old or the new state, never half. */
int state_save(const char *path, const sensor_state *s, char *err, size_t err_cap);

#endif
