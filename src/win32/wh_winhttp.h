/* wh_winhttp.h - <winhttp.h> plus the few constants mingw-w64's copy lacks.
 * Values from Microsoft's current winhttp.h (websocket-api.md §1). Include
 * this instead of <winhttp.h> inside src/win32. */
#ifndef WH_WINHTTP_H
#define WH_WINHTTP_H

#include <windows.h>
#include <winhttp.h>

#ifndef WINHTTP_HANDLE_TYPE_PROXY_RESOLVER
#define WINHTTP_HANDLE_TYPE_PROXY_RESOLVER 4
#endif
#ifndef WINHTTP_HANDLE_TYPE_WEBSOCKET
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 5
#endif
#ifndef WINHTTP_HANDLE_TYPE_PROTOCOL
#define WINHTTP_HANDLE_TYPE_PROTOCOL 6
#endif

#endif /* WH_WINHTTP_H */
