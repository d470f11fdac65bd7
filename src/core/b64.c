/* b64.c - base64 encoding (b64.h, RFC 4648 §4). */
#include "ws/b64.h"

static const char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t i = 0, o = 0;
    uint32_t v;

    for (; len - i >= 3; i += 3) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = k_alphabet[v >> 18];
        out[o++] = k_alphabet[v >> 12 & 63];
        out[o++] = k_alphabet[v >> 6 & 63];
        out[o++] = k_alphabet[v & 63];
    }
    if (len - i > 0) {
        /* 1 or 2 bytes left: RFC 4648 §4 cases (2) and (3). */
        v = (uint32_t)in[i] << 16 | (len - i == 2 ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = k_alphabet[v >> 18];
        out[o++] = k_alphabet[v >> 12 & 63];
        out[o++] = len - i == 2 ? k_alphabet[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}
