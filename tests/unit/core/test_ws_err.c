/* test_ws_err.c - the error enum's close codes, names and band helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <string.h>

#include "ws/ws_err.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Every value of the enum, with the close code RFC 6455 §7.4.1 asks for
 * after it (0: not the peer's fault, nothing to send). */
static const struct {
    int err;
    const char *name;
    uint16_t close;
    int peer, fatal;
} k_all[] = {
    {WS_OK, "WS_OK", 0, 0, 0},
    {WS_ERR_AGAIN, "WS_ERR_AGAIN", 0, 0, 0},
    {WS_ERR_PROTO, "WS_ERR_PROTO", 1002, 1, 0},
    {WS_ERR_MASKED, "WS_ERR_MASKED", 1002, 1, 0},
    {WS_ERR_RSV, "WS_ERR_RSV", 1002, 1, 0},
    {WS_ERR_OPCODE, "WS_ERR_OPCODE", 1002, 1, 0},
    {WS_ERR_CTRL_TOO_LONG, "WS_ERR_CTRL_TOO_LONG", 1002, 1, 0},
    {WS_ERR_CTRL_FRAGMENTED, "WS_ERR_CTRL_FRAGMENTED", 1002, 1, 0},
    {WS_ERR_CONT_NO_MSG, "WS_ERR_CONT_NO_MSG", 1002, 1, 0},
    {WS_ERR_MSG_OPEN, "WS_ERR_MSG_OPEN", 1002, 1, 0},
    {WS_ERR_LEN_TOP_BIT, "WS_ERR_LEN_TOP_BIT", 1002, 1, 0},
    {WS_ERR_CLOSE_LEN, "WS_ERR_CLOSE_LEN", 1002, 1, 0},
    {WS_ERR_CLOSE_CODE, "WS_ERR_CLOSE_CODE", 1002, 1, 0},
    {WS_ERR_UTF8, "WS_ERR_UTF8", 1007, 1, 0},
    {WS_ERR_CLOSE_UTF8, "WS_ERR_CLOSE_UTF8", 1007, 1, 0},
    {WS_ERR_MISUSE, "WS_ERR_MISUSE", 0, 0, 0},
    {WS_ERR_BAD_TYPE, "WS_ERR_BAD_TYPE", 0, 0, 0},
    {WS_ERR_STATE, "WS_ERR_STATE", 0, 0, 0},
    {WS_ERR_BAD_CLOSE_CODE, "WS_ERR_BAD_CLOSE_CODE", 0, 0, 0},
    {WS_ERR_REASON_TOO_LONG, "WS_ERR_REASON_TOO_LONG", 0, 0, 0},
    {WS_ERR_TOO_BIG, "WS_ERR_TOO_BIG", 1009, 1, 0},
    {WS_ERR_FATAL, "WS_ERR_FATAL", 0, 0, 1},
    {WS_ERR_NOMEM, "WS_ERR_NOMEM", 0, 0, 1},
};

static void test_close_codes(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_all); i++)
        if (ws_err_close_code(k_all[i].err) != k_all[i].close)
            fail_msg("%s: close code %u, want %u", k_all[i].name,
                     (unsigned)ws_err_close_code(k_all[i].err), (unsigned)k_all[i].close);
    /* Counts are not errors. */
    assert_int_equal(ws_err_close_code(5), 0);
}

static void test_names(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_all); i++)
        assert_string_equal(ws_err_name(k_all[i].err), k_all[i].name);
    assert_string_equal(ws_err_name(-12345), "WS_ERR_UNKNOWN");
    assert_string_equal(ws_err_name(-299), "WS_ERR_UNKNOWN");
    assert_string_equal(ws_err_name(42), "WS_OK");
}

static void test_bands(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_all); i++) {
        if (!ws_err_is_peer(k_all[i].err) != !k_all[i].peer)
            fail_msg("%s: ws_err_is_peer wrong", k_all[i].name);
        if (!ws_err_is_fatal(k_all[i].err) != !k_all[i].fatal)
            fail_msg("%s: ws_err_is_fatal wrong", k_all[i].name);
        /* The header's promise: a peer error always has a close code. */
        if (k_all[i].peer && ws_err_close_code(k_all[i].err) == 0)
            fail_msg("%s: peer error without close code", k_all[i].name);
    }
}

/* Values are part of the contract between core and errmap.c: pin them. */
static void test_values_pinned(void **state)
{
    (void)state;
    assert_int_equal(WS_ERR_AGAIN, -100);
    assert_int_equal(WS_ERR_PROTO, -200);
    assert_int_equal(WS_ERR_UTF8, -220);
    assert_int_equal(WS_ERR_MISUSE, -300);
    assert_int_equal(WS_ERR_TOO_BIG, -400);
    assert_int_equal(WS_ERR_FATAL, -900);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_codes),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_values_pinned),
    };
    return cmocka_run_group_tests_name("ws_err", tests, NULL, NULL);
}
