/* dllmain.c - winhttp.dll's entry point.
 *
 * Runs under the loader lock: it may only do what cannot block on, or load,
 * another DLL. Everything else (OpenSSL, the handle table's objects, the
 * random pool) initialises lazily on first use.
 */
#include <windows.h>

#include "winapi.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        /* No per-thread state: spare every thread start/exit a call here. */
        DisableThreadLibraryCalls(instance);
        /* GetModuleHandleW/GetProcAddress on the already-loaded kernel32:
         * safe under the loader lock. */
        wh_winapi_init();
    }
    return TRUE;
}
