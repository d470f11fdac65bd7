/* test_exports.c - is the winhttp.dll in this process ours, and does it
 * export everything a program linked with -lwinhttp binds to?
 *
 * Built like a third-party program (mingw's stock <winhttp.h>, -lwinhttp),
 * run under Wine with WINEDLLOVERRIDES=winhttp=n,b and our DLL beside it.
 *  (a) the loaded module's file is in this exe's directory and its version
 *      resource says ProductName "winhttp-ng" (not Wine's builtin);
 *  (b) all 49 names of Wine 8's builtin resolve with GetProcAddress;
 *  (c) the 45 WinHttp* functions, taken by address (so the loader had to
 *      bind each through the import table), are the same addresses
 *      GetProcAddress gives, inside our image.
 */
#include <windows.h>
#include <winhttp.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static HMODULE our_module(void)
{
    HMODULE mod = GetModuleHandleW(L"winhttp.dll");

    assert_non_null(mod);
    return mod;
}

/* Directory part of |path| (up to the last backslash), in place. */
static void cut_to_dir(wchar_t *path)
{
    wchar_t *slash = wcsrchr(path, L'\\');

    assert_non_null(slash);
    *slash = 0;
}

static void test_loaded_from_exe_dir(void **state)
{
    wchar_t dll[MAX_PATH], exe[MAX_PATH];

    (void)state;
    assert_true(GetModuleFileNameW(our_module(), dll, MAX_PATH) > 0);
    assert_true(GetModuleFileNameW(NULL, exe, MAX_PATH) > 0);
    print_message("winhttp.dll loaded from: %ls\n", dll);
    cut_to_dir(dll);
    cut_to_dir(exe);
    assert_int_equal(CompareStringW(LOCALE_INVARIANT, NORM_IGNORECASE, dll, -1, exe, -1),
                     CSTR_EQUAL);
}

static void test_version_resource_is_ours(void **state)
{
    wchar_t path[MAX_PATH], key[64], *product;
    DWORD ignored, size;
    VS_FIXEDFILEINFO *fixed;
    WORD *trans;
    UINT len;
    void *info;

    (void)state;
    assert_true(GetModuleFileNameW(our_module(), path, MAX_PATH) > 0);
    size = GetFileVersionInfoSizeW(path, &ignored);
    assert_true(size > 0);
    info = HeapAlloc(GetProcessHeap(), 0, size);
    assert_non_null(info);
    assert_true(GetFileVersionInfoW(path, 0, size, info));
    /* Look the strings up under the language the resource declares. */
    assert_true(VerQueryValueW(info, L"\\VarFileInfo\\Translation", (void **)&trans, &len));
    assert_true(len >= 4);
    wsprintfW(key, L"\\StringFileInfo\\%04x%04x\\ProductName", trans[0], trans[1]);
    assert_true(VerQueryValueW(info, key, (void **)&product, &len));
    assert_int_equal(wcscmp(product, L"winhttp-ng"), 0);
    assert_true(VerQueryValueW(info, L"\\", (void **)&fixed, &len));
    assert_int_equal(len, sizeof(*fixed));
    assert_int_equal(fixed->dwSignature, 0xfeef04bd);
    print_message("file version: %u.%u.%u.%u\n", HIWORD(fixed->dwFileVersionMS),
                  LOWORD(fixed->dwFileVersionMS), HIWORD(fixed->dwFileVersionLS),
                  LOWORD(fixed->dwFileVersionLS));
    HeapFree(GetProcessHeap(), 0, info);
}

static const char *const names[49] = {
    "DllCanUnloadNow",
    "DllGetClassObject",
    "DllRegisterServer",
    "DllUnregisterServer",
    "WinHttpAddRequestHeaders",
    "WinHttpCheckPlatform",
    "WinHttpCloseHandle",
    "WinHttpConnect",
    "WinHttpCrackUrl",
    "WinHttpCreateProxyResolver",
    "WinHttpCreateUrl",
    "WinHttpDetectAutoProxyConfigUrl",
    "WinHttpFreeProxyResult",
    "WinHttpFreeProxyResultEx",
    "WinHttpFreeProxySettings",
    "WinHttpGetDefaultProxyConfiguration",
    "WinHttpGetIEProxyConfigForCurrentUser",
    "WinHttpGetProxyForUrl",
    "WinHttpGetProxyForUrlEx",
    "WinHttpGetProxyForUrlEx2",
    "WinHttpGetProxyResult",
    "WinHttpGetProxyResultEx",
    "WinHttpGetProxySettingsVersion",
    "WinHttpOpen",
    "WinHttpOpenRequest",
    "WinHttpQueryAuthSchemes",
    "WinHttpQueryDataAvailable",
    "WinHttpQueryHeaders",
    "WinHttpQueryOption",
    "WinHttpReadData",
    "WinHttpReadProxySettings",
    "WinHttpReceiveResponse",
    "WinHttpResetAutoProxy",
    "WinHttpSendRequest",
    "WinHttpSetCredentials",
    "WinHttpSetDefaultProxyConfiguration",
    "WinHttpSetOption",
    "WinHttpSetStatusCallback",
    "WinHttpSetTimeouts",
    "WinHttpTimeFromSystemTime",
    "WinHttpTimeToSystemTime",
    "WinHttpWebSocketClose",
    "WinHttpWebSocketCompleteUpgrade",
    "WinHttpWebSocketQueryCloseStatus",
    "WinHttpWebSocketReceive",
    "WinHttpWebSocketSend",
    "WinHttpWebSocketShutdown",
    "WinHttpWriteData",
    "WinHttpWriteProxySettings",
};

static void test_all_names_resolve(void **state)
{
    HMODULE mod = our_module();
    size_t i, missing = 0;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!GetProcAddress(mod, names[i])) {
            print_error("GetProcAddress(\"%s\") = NULL\n", names[i]);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

/* &WinHttpX in a program built without dllimport is the import stub the
 * linker made: "jmp *slot", where the loader wrote the bound address into
 * |slot|. Follow it, so the test sees what the loader bound. */
static void *bound_address(void (*fn)(void))
{
    const unsigned char *p = (const unsigned char *)fn;
    void **slot;

    if (p[0] != 0xff || p[1] != 0x25)
        return (void *)fn; /* called directly through the IAT already */
#ifdef _WIN64
    {
        int32_t disp;

        memcpy(&disp, p + 2, sizeof(disp)); /* RIP-relative */
        slot = (void **)(p + 6 + disp);
    }
#else
    memcpy(&slot, p + 2, sizeof(slot)); /* absolute */
#endif
    return *slot;
}

#define F(name)                                                                                    \
    {                                                                                              \
#name, (void (*)(void))name                                                                \
    }
static const struct {
    const char *name;
    void (*fn)(void);
} imported[45] = {
    F(WinHttpAddRequestHeaders),
    F(WinHttpCheckPlatform),
    F(WinHttpCloseHandle),
    F(WinHttpConnect),
    F(WinHttpCrackUrl),
    F(WinHttpCreateProxyResolver),
    F(WinHttpCreateUrl),
    F(WinHttpDetectAutoProxyConfigUrl),
    F(WinHttpFreeProxyResult),
    F(WinHttpFreeProxyResultEx),
    F(WinHttpFreeProxySettings),
    F(WinHttpGetDefaultProxyConfiguration),
    F(WinHttpGetIEProxyConfigForCurrentUser),
    F(WinHttpGetProxyForUrl),
    F(WinHttpGetProxyForUrlEx),
    F(WinHttpGetProxyForUrlEx2),
    F(WinHttpGetProxyResult),
    F(WinHttpGetProxyResultEx),
    F(WinHttpGetProxySettingsVersion),
    F(WinHttpOpen),
    F(WinHttpOpenRequest),
    F(WinHttpQueryAuthSchemes),
    F(WinHttpQueryDataAvailable),
    F(WinHttpQueryHeaders),
    F(WinHttpQueryOption),
    F(WinHttpReadData),
    F(WinHttpReadProxySettings),
    F(WinHttpReceiveResponse),
    F(WinHttpResetAutoProxy),
    F(WinHttpSendRequest),
    F(WinHttpSetCredentials),
    F(WinHttpSetDefaultProxyConfiguration),
    F(WinHttpSetOption),
    F(WinHttpSetStatusCallback),
    F(WinHttpSetTimeouts),
    F(WinHttpTimeFromSystemTime),
    F(WinHttpTimeToSystemTime),
    F(WinHttpWebSocketClose),
    F(WinHttpWebSocketCompleteUpgrade),
    F(WinHttpWebSocketQueryCloseStatus),
    F(WinHttpWebSocketReceive),
    F(WinHttpWebSocketSend),
    F(WinHttpWebSocketShutdown),
    F(WinHttpWriteData),
    F(WinHttpWriteProxySettings),
};
#undef F

static void test_imports_bound_to_our_exports(void **state)
{
    HMODULE mod = our_module();
    const BYTE *base = (const BYTE *)mod;
    const IMAGE_NT_HEADERS *nt =
        (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    size_t image = nt->OptionalHeader.SizeOfImage, i, bad = 0;

    (void)state;
    for (i = 0; i < sizeof(imported) / sizeof(imported[0]); i++) {
        const BYTE *bound = bound_address(imported[i].fn);
        const BYTE *exported = (const BYTE *)GetProcAddress(mod, imported[i].name);

        if (!bound || bound != exported || bound < base || bound >= base + image) {
            print_error("%s: bound %p, GetProcAddress %p, image %p+%lx\n", imported[i].name,
                        (const void *)bound, (const void *)exported, (const void *)base,
                        (unsigned long)image);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_from_exe_dir),
        cmocka_unit_test(test_version_resource_is_ours),
        cmocka_unit_test(test_all_names_resolve),
        cmocka_unit_test(test_imports_bound_to_our_exports),
    };
    return cmocka_run_group_tests_name("exports", tests, NULL, NULL);
}
