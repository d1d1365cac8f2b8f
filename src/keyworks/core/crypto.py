"""Personal data encrypted at rest (GB/T 22239 数据保密性, 个人信息保护): SM4 in GCM mode (the
national standard cipher, through `cryptography`), with a key from the environment.

`KEYWORKS_DATA_KEY` holds 32 hex digits (16 bytes); without it the key is derived from the
secret key, so that a development or demo install works with nothing more. A stored value
reads "sm4:" + base64(nonce ‖ ciphertext ‖ tag); a value without that prefix is taken
as plain text (a row written before encryption), and encrypted when next saved."""

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4:"
NONCE = 12
TAG = 16


def data_key() -> bytes:
    configured = getattr(settings, "DATA_KEY", "")
    if configured:
        try:
            key = bytes.fromhex(configured)
        except ValueError:
            key = b""
        if len(key) != 16:
            raise ImproperlyConfigured("KEYWORKS_DATA_KEY must be 32 hex digits (16 bytes)")
        return key
    return hashlib.sha256(f"keyworks-data-key:{settings.SECRET_KEY}".encode()).digest()[:16]


def encrypt(text: str) -> str:
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.SM4(data_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(text.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption
    raw = base64.b64decode(stored[len(PREFIX) :])
    nonce, body, tag = raw[:NONCE], raw[NONCE:-TAG], raw[-TAG:]
    decryptor = Cipher(algorithms.SM4(data_key()), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise ValueError("an encrypted value does not match the data key") from exc


def mask_phone(value: str) -> str:
    """138****5678: the first three and last four digits of a phone number."""
    digits = value.strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
