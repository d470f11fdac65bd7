/* errmap.h - the one place core errors (ws_err.h) become Win32 codes.
 *
 * Every WS_ERR_* the core can return has a row in errmap.c saying which
 * WinHTTP/Win32 code an application sees and why. Callers convert once, at
 * the API boundary, and never compare Win32 codes to WS_ERR_* values.
 */
#ifndef WH_ERRMAP_H
#define WH_ERRMAP_H

#include <windows.h>

/* ERROR_SUCCESS for e >= 0 (counts and WS_OK); the mapped code for a known
 * WS_ERR_*; ERROR_INTERNAL_ERROR (1359) for any other negative value, which
 * means the core and this table disagree (tests/unit/win32/test_errmap.c
 * checks that they never do). */
DWORD wh_err_from_ws(int e);

#endif /* WH_ERRMAP_H */
