/* test_errmap.c - wh_err_from_ws maps every core error as errmap.c
 * documents, and no WS_ERR_* the core knows (ws_err_name) is left to the
 * ERROR_INTERNAL_ERROR default by accident. Runs under Wine, linked with
 * the win32 layer's objects.
 */
#include <windows.h>
#include <winhttp.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "errmap.h"
#include "ws/ws_err.h"

static const struct {
    int ws;
    DWORD win32;
} expected[] = {
    {WS_ERR_PROTO, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_MASKED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_RSV, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_OPCODE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CTRL_TOO_LONG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CTRL_FRAGMENTED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CONT_NO_MSG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_MSG_OPEN, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_LEN_TOP_BIT, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_LEN, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_CODE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_UTF8, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_UTF8, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_TOO_BIG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_MALFORMED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_CONTENT_LENGTH, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_CHUNKED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_STATUS, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_UPGRADE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_CONNECTION, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_ACCEPT, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_EXTENSION, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_PROTOCOL, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_TOO_BIG, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW},
    {WS_ERR_HTTP_TOO_MANY_HEADERS, ERROR_WINHTTP_HEADER_COUNT_EXCEEDED},
    {WS_ERR_MISUSE, ERROR_INVALID_PARAMETER},
    {WS_ERR_BAD_TYPE, ERROR_INVALID_PARAMETER},
    {WS_ERR_BAD_CLOSE_CODE, ERROR_INVALID_PARAMETER},
    {WS_ERR_REASON_TOO_LONG, ERROR_INVALID_PARAMETER},
    {WS_ERR_STATE, ERROR_INVALID_OPERATION},
    {WS_ERR_NOMEM, ERROR_NOT_ENOUGH_MEMORY},
    {WS_ERR_AGAIN, ERROR_INTERNAL_ERROR},
    {WS_ERR_FATAL, ERROR_INTERNAL_ERROR},
};
#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static void test_numbers(void **state)
{
    (void)state;
    /* The Win32 values the table promises, spelled as numbers once. */
    assert_int_equal(ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 12152);
    assert_int_equal(ERROR_INVALID_PARAMETER, 87);
    assert_int_equal(ERROR_INVALID_OPERATION, 4317);
    assert_int_equal(ERROR_NOT_ENOUGH_MEMORY, 8);
    assert_int_equal(ERROR_INTERNAL_ERROR, 1359);
    assert_int_equal(ERROR_WINHTTP_HEADER_COUNT_EXCEEDED, 12181);
    assert_int_equal(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW, 12182);
}

static void test_every_error_maps_as_documented(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        DWORD got = wh_err_from_ws(expected[i].ws);

        if (got != expected[i].win32)
            fail_msg("%s (%d) -> %lu, expected %lu", ws_err_name(expected[i].ws), expected[i].ws,
                     got, expected[i].win32);
    }
}

static void test_success_values(void **state)
{
    (void)state;
    assert_int_equal(wh_err_from_ws(WS_OK), ERROR_SUCCESS);
    assert_int_equal(wh_err_from_ws(1), ERROR_SUCCESS);
    assert_int_equal(wh_err_from_ws(125), ERROR_SUCCESS);
    assert_int_equal(wh_err_from_ws(INT_MAX), ERROR_SUCCESS);
}

static void test_unknown_values(void **state)
{
    static const int unknown[] = {-1,   -99,  -101, -199, -222, -299, -305, -399,  -401,   -503,
                                  -509, -516, -549, -552, -600, -899, -902, -1000, INT_MIN};

    (void)state;
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        assert_int_equal(wh_err_from_ws(unknown[i]), ERROR_INTERNAL_ERROR);
}

/* Every value the core has a name for is in |expected|: a new WS_ERR_*
 * must get a deliberate row in errmap.c and here, not the default. */
static void test_table_covers_the_core_enum(void **state)
{
    size_t named = 0;

    (void)state;
    for (int e = -1000; e < 0; e++) {
        size_t i;

        if (strcmp(ws_err_name(e), "WS_ERR_UNKNOWN") == 0)
            continue;
        named++;
        for (i = 0; i < N_EXPECTED && expected[i].ws != e; i++)
            ;
        if (i == N_EXPECTED)
            fail_msg("%s (%d) has no row in the expected table", ws_err_name(e), e);
    }
    assert_int_equal(named, N_EXPECTED);
}

/* The bands of ws_err.h and the Win32 classes agree: peer errors are
 * always "bad server response", caller errors never are. */
static void test_bands(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        int e = expected[i].ws;
        DWORD w = wh_err_from_ws(e);

        if (ws_err_is_peer(e))
            assert_int_equal(w, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
        if (e <= -300 && e > -400)
            assert_true(w == ERROR_INVALID_PARAMETER || w == ERROR_INVALID_OPERATION);
        if (e <= -500 && e > -550) /* the server's HTTP */
            assert_int_equal(w, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
        if (e <= -550 && e > -600)
            assert_true(w == ERROR_WINHTTP_HEADER_SIZE_OVERFLOW ||
                        w == ERROR_WINHTTP_HEADER_COUNT_EXCEEDED);
        if (ws_err_is_fatal(e))
            assert_true(w == ERROR_NOT_ENOUGH_MEMORY || w == ERROR_INTERNAL_ERROR);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_every_error_maps_as_documented),
        cmocka_unit_test(test_success_values),
        cmocka_unit_test(test_unknown_values),
        cmocka_unit_test(test_table_covers_the_core_enum),
        cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests_name("errmap", tests, NULL, NULL);
}
