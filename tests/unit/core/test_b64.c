/* test_b64.c - base64 encoding (b64.h) against RFC 4648 §9-10 vectors and
 * a reference decoder over every byte value and length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "ws/b64.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void check(const void *in, size_t len, const char *want)
{
    char out[64];
    size_t n;

    memset(out, '#', sizeof(out));
    n = b64_encode(in, len, out);
    assert_int_equal(n, strlen(want));
    assert_int_equal(n, B64_ENCODED_LEN(len));
    assert_string_equal(out, want);
    assert_int_equal(out[n + 1], '#'); /* nothing written past the NUL */
}

/* RFC 4648 §10. */
static void test_rfc4648_vectors(void **state)
{
    static const struct {
        const char *in, *out;
    } k[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++)
        check(k[i].in, strlen(k[i].in), k[i].out);
    check(NULL, 0, "");
}

/* RFC 4648 §9's binary examples, and the two characters above 'z'/'9'. */
static void test_binary_vectors(void **state)
{
    static const uint8_t a[] = {0x14, 0xfb, 0x9c, 0x03, 0xd9, 0x7e};
    static const uint8_t b[] = {0xfb, 0xff, 0xbf};
    static const uint8_t z[] = {0, 0, 0, 0};

    (void)state;
    check(a, 6, "FPucA9l+");
    check(a, 5, "FPucA9k=");
    check(a, 4, "FPucAw==");
    check(b, 3, "+/+/");
    check(b, 2, "+/8=");
    check(b, 1, "+w==");
    check(z, 4, "AAAAAA==");
    /* The RFC 6455 §1.3 key: base64 of the 16-byte "the sample nonce". */
    check("the sample nonce", 16, "dGhlIHNhbXBsZSBub25jZQ==");
}

static int ref_value(char c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(alphabet, c);

    assert_non_null(p);
    assert_true(c != '\0');
    return (int)(p - alphabet);
}

/* Decodes |s| bit by bit and checks it gives back |in|; checks padding. */
static void ref_roundtrip(const uint8_t *in, size_t len, const char *s, size_t n)
{
    uint8_t back[300];
    size_t i, bits = 0, pad = 0, m = 0;
    uint32_t acc = 0;

    assert_int_equal(n % 4, 0);
    for (i = 0; i < n; i++) {
        if (s[i] == '=') {
            pad++;
            continue;
        }
        assert_int_equal(pad, 0); /* '=' only at the end */
        acc = acc << 6 | (uint32_t)ref_value(s[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            back[m++] = (uint8_t)(acc >> bits);
        }
    }
    assert_int_equal(pad, (3 - len % 3) % 3);
    assert_int_equal(acc & ((1u << bits) - 1), 0); /* canonical: unused bits zero */
    assert_int_equal(m, len);
    if (len)
        assert_memory_equal(back, in, len);
}

static void test_every_byte_and_length(void **state)
{
    uint8_t in[256];
    char out[B64_ENCODED_LEN(256) + 1];
    size_t len, start, n;

    (void)state;
    for (len = 0; len < 256; len++)
        in[len] = (uint8_t)(len * 7 + 3);
    for (len = 0; len <= 256; len++) {
        for (start = 0; start + len <= 256 && start < 3; start++) {
            n = b64_encode(in + start, len, out);
            assert_int_equal(n, B64_ENCODED_LEN(len));
            assert_int_equal(out[n], '\0');
            ref_roundtrip(in + start, len, out, n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_binary_vectors),
        cmocka_unit_test(test_every_byte_and_length),
    };
    return cmocka_run_group_tests_name("b64", tests, NULL, NULL);
}
