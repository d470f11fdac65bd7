/* handle.h - WinHTTP objects and the HINTERNET values that name them.
 *
 * Every HINTERNET names a struct wh_obj embedded at the start of a session,
 * connect, request or websocket object. HINTERNET values are slot numbers in
 * a process-wide table with a generation tag, never pointers, so a stale or
 * garbage value fails the lookup (ERROR_INVALID_HANDLE) instead of being
 * dereferenced.
 *
 * Ownership: an object is reference-counted. The handle table holds one
 * reference until WinHttpCloseHandle; every API call holds one while it runs
 * (wh_handle_grab ... wh_obj_release); a child holds one on its parent; any
 * queued work holds one. The object is destroyed, after its HANDLE_CLOSING
 * notification, when the last reference goes, on whatever thread drops it.
 *
 * Locking: the table lock guards only the table. Each object's |lock| guards
 * its own mutable fields; code holds at most one object lock at a time and
 * never while calling the application (wh_notify snapshots under the lock
 * and calls after releasing it).
 */
#ifndef WH_HANDLE_H
#define WH_HANDLE_H

#include <windows.h>
#include "wh_winhttp.h"

struct wh_obj;

struct wh_obj_ops {
    /* WinHttpCloseHandle was called: cancel pending work. Runs once, on the
     * closing thread, with no lock held. May be NULL. */
    void (*close)(struct wh_obj *o);
    /* The last reference is gone: free everything the object owns, and the
     * object itself. HANDLE_CLOSING has been delivered already. */
    void (*destroy)(struct wh_obj *o);
};

struct wh_obj {
    LONG refs;
    DWORD type;                   /* WINHTTP_HANDLE_TYPE_* */
    HINTERNET handle;             /* the value the application holds */
    struct wh_obj *parent;        /* referenced; NULL for a session */
    const struct wh_obj_ops *ops;
    CRITICAL_SECTION lock;        /* guards the fields below and the subtype's state */
    WINHTTP_STATUS_CALLBACK callback;
    DWORD notify_flags;
    DWORD_PTR context;
    BOOL async;                   /* from the session's WINHTTP_FLAG_ASYNC */
    LONG closed;                  /* WinHttpCloseHandle was called */
};

/* Sets up |o| as a child of |parent| (NULL for a session): copies the
 * parent's callback, flags, context and mode, takes a reference on the
 * parent, and enters |o| in the handle table. On success o->handle is valid
 * and the table holds the first reference; returns ERROR_SUCCESS or
 * ERROR_NOT_ENOUGH_MEMORY (then |o| is untouched but for its lock, and the
 * caller frees it with wh_obj_abandon). */
DWORD wh_obj_register(struct wh_obj *o, DWORD type, struct wh_obj *parent,
                      const struct wh_obj_ops *ops);

/* Undoes the preparation of an object wh_obj_register refused. */
void wh_obj_abandon(struct wh_obj *o);

/* Looks up |h|. Returns the object with one more reference and *err =
 * ERROR_SUCCESS, or NULL with *err = ERROR_INVALID_HANDLE (not a live
 * handle) or, when |type| is not 0 and differs,
 * ERROR_WINHTTP_INCORRECT_HANDLE_TYPE. */
struct wh_obj *wh_handle_grab(HINTERNET h, DWORD type, DWORD *err);

void wh_obj_grab(struct wh_obj *o);
void wh_obj_release(struct wh_obj *o);

/* WinHttpCloseHandle's work: ERROR_SUCCESS, or ERROR_INVALID_HANDLE. */
DWORD wh_handle_close(HINTERNET h);

/* Delivers |status| to the object's callback when one is set and its flags
 * ask for it. Never holds a lock during the call. */
void wh_notify(struct wh_obj *o, DWORD status, void *info, DWORD len);

/* Objects alive in the process (DllCanUnloadNow). */
LONG wh_obj_count(void);

/* Process attach/detach of the table (dllmain.c). */
void wh_handles_init(void);
void wh_handles_free(void);

#endif /* WH_HANDLE_H */
