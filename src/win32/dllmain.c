/* dllmain.c - winhttp.dll's entry point.
 *
 * Runs under the loader lock: it may only do what cannot block on, or load,
 * another DLL. Everything else (OpenSSL, the handle table's objects, the
 * random pool) initialises lazily on first use.
 */
#include <windows.h>

#include <openssl/crypto.h>

#include "handle.h"
#include "winapi.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        /* GetModuleHandleW/GetProcAddress on the already-loaded kernel32:
         * safe under the loader lock. */
        wh_winapi_init();
        wh_handles_init();
        break;
    case DLL_THREAD_DETACH:
        /* OpenSSL keeps per-thread state (random pool, error queue) for
         * every thread that called into it; a static OpenSSL relies on
         * its host DLL to release it, as OpenSSL's own DLL does. */
        OPENSSL_thread_stop();
        break;
    case DLL_PROCESS_DETACH:
        /* At process exit (reserved != NULL) other threads are gone
         * mid-flight: touch nothing. On FreeLibrary, DllCanUnloadNow said
         * no object is left. */
        if (!reserved)
            wh_handles_free();
        break;
    }
    return TRUE;
}
