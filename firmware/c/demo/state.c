/* The demo sensor's state file, "key = value" lines. See state.h. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hex_to_bytes(const char *hex, uint8_t *out, size_t n) {
    if (strlen(hex) != 2 * n) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static void bytes_to_hex(const uint8_t *b, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", b[i]);
    }
}

int state_load(const char *path, sensor_state *s, char *err, size_t err_cap) {
    char line[256];
    int seen = 0;
    FILE *f = fopen(path, "r");
    memset(s, 0, sizeof *s);
    if (f == NULL) {
        snprintf(err, err_cap, "cannot read state %s: %s (pair first)", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char key[32], value[128];
        if (line[0] == '#' || sscanf(line, "%31s = %127s", key, value) != 2) {
            continue;
        }
        if (strcmp(key, "radio-id") == 0 && hex_to_bytes(value, s->devid, 8) == 0) {
            seen |= 1;
        } else if (strcmp(key, "root-key") == 0 && hex_to_bytes(value, s->root_key, 16) == 0) {
            seen |= 2;
        } else if (strcmp(key, "client-id") == 0 && strlen(value) < sizeof s->client_id) {
            strcpy(s->client_id, value);
            seen |= 4;
        } else if (strcmp(key, "up-reserved") == 0) {
            s->up_reserved = (uint32_t)strtoul(value, NULL, 10);
            seen |= 8;
        } else if (strcmp(key, "down-last") == 0) {
            s->down_last = (uint32_t)strtoul(value, NULL, 10);
            seen |= 16;
        } else if (strcmp(key, "install-code") == 0) {
            s->with_install_code = strcmp(value, "yes") == 0;
        }
    }
    fclose(f);
    if (seen != 31) {
        snprintf(err, err_cap, "state %s is incomplete (radio-id, root-key, client-id, up-reserved, down-last)", path);
        return -1;
    }
    return 0;
}

int state_save(const char *path, const sensor_state *s, char *err, size_t err_cap) {
    char tmp[4096], devid[17], key[33], dir[4096], *slash;
    FILE *f;
    int fd, ok;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, err_cap, "state path too long");
        return -1;
    }
    bytes_to_hex(s->devid, 8, devid);
    bytes_to_hex(s->root_key, 16, key);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600); /* the root key: owner only */
    f = fd < 0 ? NULL : fdopen(fd, "w");
    if (f == NULL) {
        snprintf(err, err_cap, "cannot write state %s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    ok = fprintf(f,
                 "# sngw-sensor state: the device root key is a secret\n"
                 "radio-id = %s\nroot-key = %s\nclient-id = %s\ninstall-code = %s\n"
                 "up-reserved = %" PRIu32 "\ndown-last = %" PRIu32 "\n",
                 devid, key, s->client_id, s->with_install_code ? "yes" : "no", s->up_reserved, s->down_last) > 0;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, err_cap, "cannot write state %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    /* the rename itself must reach the disk too */
    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return 0;
}
