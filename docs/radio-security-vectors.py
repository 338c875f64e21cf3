#!/usr/bin/env python3
"""Known-answer vectors for the radio link security format (docs/radio-security.md).

Writes docs/radio-security-vectors.txt to stdout: `python3 docs/radio-security-vectors.py > docs/radio-security-vectors.txt`.
Needs only Python's `cryptography` package. The Java and the C tests check their output against these exact bytes.

V1: DATA uplink, counter 1, a PINGREQ.
V2: DATA downlink, counter 0x00010000, a PUBLISH QoS 1 (topic id 1, msg id 1, "21.5").
V3: pairing with install code; sensor private key 32 x 0x11, gateway private key 32 x 0x22 (X25519 clamps them).
V4: the same pairing without install code (salt = 16 zero bytes).
"""
import hmac
import hashlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

K = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
DEVID = bytes.fromhex("0013a20041b2c3d4")
IC = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")
CLIENT_ID = "sn-0013a20041b2c3d4"

DATA, PAIR_HELLO, PAIR_OFFER, PAIR_CONFIRM, PAIR_ACCEPT = 0x01, 0x10, 0x11, 0x12, 0x13
UPLINK, DOWNLINK = 0x00, 0x01


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def link_keys(root, devid):
    k_up = hkdf(b"sngw radio v1", root, b"up" + devid, 16)
    k_down = hkdf(b"sngw radio v1", root, b"down" + devid, 16)
    return k_up, k_down


def header(kind, devid, total_length):
    return bytes([0x00, kind]) + total_length.to_bytes(2, "big") + devid


def sealed(kind, key, devid, counter, direction, plaintext):
    """A DATA-shaped frame: header || counter || CCM ciphertext || 8-byte MIC; AAD = header || counter."""
    aad = header(kind, devid, 12 + 4 + len(plaintext) + 8) + counter.to_bytes(4, "big")
    nonce = devid + counter.to_bytes(4, "big") + bytes([direction])
    return aad + AESCCM(key, tag_length=8).encrypt(nonce, plaintext, aad)


def x25519_public(private):
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def section(title):
    """Sections are separated by one blank line; the file has no comments and no trailing blank line."""
    if title != "V1":
        print()
    print(f"[{title}]")


def line(name, value):
    print(f"{name} = {value.hex()}")


def data_vector(title, counter, direction, plaintext):
    k_up, k_down = link_keys(K, DEVID)
    section(title)
    line("k_up", k_up)
    line("k_down", k_down)
    line("frame", sealed(DATA, k_up if direction == UPLINK else k_down, DEVID, counter, direction, plaintext))


def pairing_vector(title, install_code):
    sensor_private, gw_private = bytes([0x11] * 32), bytes([0x22] * 32)
    sensor_pub, gw_pub = x25519_public(sensor_private), x25519_public(gw_private)
    shared = X25519PrivateKey.from_private_bytes(sensor_private).exchange(
        X25519PrivateKey.from_private_bytes(gw_private).public_key())
    transcript = DEVID + sensor_pub + gw_pub
    salt = install_code if install_code is not None else bytes(16)
    okm = hkdf(salt, shared, b"sngw pair v1" + transcript, 48)
    k_confirm, root = okm[:32], okm[32:48]
    gw_confirm = hmac.new(k_confirm, b"gw" + transcript, hashlib.sha256).digest()[:16]
    sensor_confirm = hmac.new(k_confirm, b"sensor" + transcript, hashlib.sha256).digest()[:16]
    _, k_down = link_keys(root, DEVID)
    section(title)
    line("sensor_pub", sensor_pub)
    line("gw_pub", gw_pub)
    line("shared", shared)
    line("okm", okm)
    line("k", root)
    line("gw_confirm", gw_confirm)
    line("sensor_confirm", sensor_confirm)
    line("pair_hello", header(PAIR_HELLO, DEVID, 44) + sensor_pub)
    line("pair_offer", header(PAIR_OFFER, DEVID, 60) + gw_pub + gw_confirm)
    line("pair_confirm", header(PAIR_CONFIRM, DEVID, 28) + sensor_confirm)
    line("pair_accept", sealed(PAIR_ACCEPT, k_down, DEVID, 1, DOWNLINK, CLIENT_ID.encode("utf-8")))


data_vector("V1", 1, UPLINK, bytes.fromhex("0216"))
data_vector("V2", 0x00010000, DOWNLINK, bytes.fromhex("0b0c200001000132312e35"))
pairing_vector("V3", IC)
pairing_vector("V4", None)
