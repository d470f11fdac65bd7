/* com.c - the COM entry points of winhttp.dll.
 *
 * Native winhttp.dll serves one class, WinHttp.WinHttpRequest.5.1
 * (CLSID {2087C2F4-2CEF-4953-A8AB-66779B670495}). We do not implement it
 * yet, so no COM object of ours can exist: the class factory refuses every
 * CLSID, and registration has nothing to write.
 */
#include <windows.h>
#include <objbase.h>
#include <olectl.h>

#include "handle.h"

/* A live handle may still call back into this DLL (callbacks, timers),
 * so unloading is only safe once every object is gone. */
STDAPI DllCanUnloadNow(void)
{
    return wh_obj_count() ? S_FALSE : S_OK;
}

STDAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    (void)rclsid;
    (void)riid;
    /* COM's rule: clear the out pointer on failure, when there is one. */
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    return CLASS_E_CLASSNOTAVAILABLE;
}

/* No class to register: success without touching the registry, so
 * regsvr32 and installers that register winhttp.dll keep working. */
STDAPI DllRegisterServer(void)
{
    return S_OK;
}

STDAPI DllUnregisterServer(void)
{
    return S_OK;
}
