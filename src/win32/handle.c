/* handle.c - the handle table, reference counting and status notifications.
 * Ownership and locking rules: see handle.h. */
#include "handle.h"

#include <stdint.h>

/* HINTERNET = generation << 16 | (slot + 1): never NULL, never a pointer. A
 * slot's generation changes each time it is reused, so a stale value names
 * no object even after its slot holds a new one. */
#define MAX_SLOTS 0xFFFEu
#define GEN_MASK 0x7FFFu
#define NO_SLOT 0xFFFFFFFFu

struct slot {
    struct wh_obj *obj; /* NULL when free */
    DWORD gen;
    DWORD next_free;
};

static CRITICAL_SECTION table_lock;
static struct slot *slots;
static DWORD slot_count, slot_cap;
static DWORD free_head = NO_SLOT;
static LONG live_objects;

void wh_handles_init(void)
{
    InitializeCriticalSection(&table_lock);
}

void wh_handles_free(void)
{
    /* Process exit: objects still alive are the application's leak; only
     * the table itself is ours to free. */
    HeapFree(GetProcessHeap(), 0, slots);
    slots = NULL;
    DeleteCriticalSection(&table_lock);
}

static HINTERNET encode(DWORD index, DWORD gen)
{
    return (HINTERNET)(uintptr_t)((gen << 16) | (index + 1));
}

static BOOL decode(HINTERNET h, DWORD *index, DWORD *gen)
{
    uintptr_t v = (uintptr_t)h;

    if (v == 0 || v > 0x7FFFFFFFu || (v & 0xFFFFu) == 0)
        return FALSE;
    *index = (DWORD)(v & 0xFFFFu) - 1;
    *gen = (DWORD)(v >> 16);
    return TRUE;
}

/* Called with table_lock held. */
static BOOL take_slot(DWORD *index)
{
    struct slot *grown;

    if (free_head != NO_SLOT) {
        *index = free_head;
        free_head = slots[free_head].next_free;
        return TRUE;
    }
    if (slot_count == MAX_SLOTS)
        return FALSE;
    if (slot_count == slot_cap) {
        DWORD cap = slot_cap ? slot_cap * 2 : 64;

        if (cap > MAX_SLOTS)
            cap = MAX_SLOTS;
        grown = slots ? HeapReAlloc(GetProcessHeap(), 0, slots, cap * sizeof(*slots))
                      : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*slots));
        if (!grown)
            return FALSE;
        slots = grown;
        slot_cap = cap;
    }
    *index = slot_count++;
    slots[*index].gen = 0;
    return TRUE;
}

DWORD wh_obj_register(struct wh_obj *o, DWORD type, struct wh_obj *parent,
                      const struct wh_obj_ops *ops)
{
    DWORD index;
    struct slot *s;

    o->refs = 1;
    o->type = type;
    o->ops = ops;
    o->closed = 0;
    o->parent = NULL;
    InitializeCriticalSection(&o->lock);
    if (parent) {
        EnterCriticalSection(&parent->lock);
        o->callback = parent->callback;
        o->notify_flags = parent->notify_flags;
        o->context = parent->context;
        o->async = parent->async;
        LeaveCriticalSection(&parent->lock);
    }
    EnterCriticalSection(&table_lock);
    if (!take_slot(&index)) {
        LeaveCriticalSection(&table_lock);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    s = &slots[index];
    s->gen = (s->gen + 1) & GEN_MASK;
    if (!s->gen)
        s->gen = 1;
    s->obj = o;
    o->handle = encode(index, s->gen);
    LeaveCriticalSection(&table_lock);
    if (parent) {
        wh_obj_grab(parent);
        o->parent = parent;
    }
    InterlockedIncrement(&live_objects);
    return ERROR_SUCCESS;
}

void wh_obj_abandon(struct wh_obj *o)
{
    DeleteCriticalSection(&o->lock);
}

/* Called with table_lock held: the slot's object if |h| names it. */
static struct slot *find(HINTERNET h)
{
    DWORD index, gen;

    if (!decode(h, &index, &gen) || index >= slot_count)
        return NULL;
    if (!slots[index].obj || slots[index].gen != gen)
        return NULL;
    return &slots[index];
}

struct wh_obj *wh_handle_grab(HINTERNET h, DWORD type, DWORD *err)
{
    struct slot *s;
    struct wh_obj *o = NULL;

    EnterCriticalSection(&table_lock);
    s = find(h);
    if (s) {
        o = s->obj;
        InterlockedIncrement(&o->refs);
    }
    LeaveCriticalSection(&table_lock);
    if (!o) {
        *err = ERROR_INVALID_HANDLE;
        return NULL;
    }
    if (type && o->type != type) {
        wh_obj_release(o);
        *err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return NULL;
    }
    *err = ERROR_SUCCESS;
    return o;
}

void wh_obj_grab(struct wh_obj *o)
{
    InterlockedIncrement(&o->refs);
}

void wh_obj_release(struct wh_obj *o)
{
    struct wh_obj *parent;
    HINTERNET h;

    if (InterlockedDecrement(&o->refs) != 0)
        return;
    parent = o->parent;
    h = o->handle;
    /* The WinHttpCloseHandle page: HANDLE_CLOSING goes to a callback only
     * for a handle with a non-zero context value (async-model.md §6). */
    if (o->context)
        wh_notify(o, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, &h, sizeof(h));
    DeleteCriticalSection(&o->lock);
    o->ops->destroy(o);
    InterlockedDecrement(&live_objects);
    if (parent)
        wh_obj_release(parent);
}

DWORD wh_handle_close(HINTERNET h)
{
    struct slot *s;
    struct wh_obj *o = NULL;
    DWORD index;

    EnterCriticalSection(&table_lock);
    s = find(h);
    if (s) {
        o = s->obj;
        index = (DWORD)(s - slots);
        s->obj = NULL;
        s->next_free = free_head;
        free_head = index;
    }
    LeaveCriticalSection(&table_lock);
    if (!o)
        return ERROR_INVALID_HANDLE;
    InterlockedExchange(&o->closed, 1);
    if (o->ops->close)
        o->ops->close(o);
    wh_obj_release(o); /* the table's reference */
    return ERROR_SUCCESS;
}

/* CLOSE_COMPLETE and SHUTDOWN_COMPLETE have no flag of their own in the
 * SDK's masks, yet native delivers them to clients that asked for the
 * completions (websocket-api.md §0.6). */
static BOOL wanted(DWORD flags, DWORD status)
{
    if (flags & status)
        return TRUE;
    if (status == WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE ||
        status == WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE)
        return (flags & (WINHTTP_CALLBACK_FLAG_READ_COMPLETE | WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE |
                         WINHTTP_CALLBACK_FLAG_REQUEST_ERROR)) != 0;
    return FALSE;
}

void wh_notify(struct wh_obj *o, DWORD status, void *info, DWORD len)
{
    WINHTTP_STATUS_CALLBACK cb;
    DWORD flags;
    DWORD_PTR ctx;

    EnterCriticalSection(&o->lock);
    cb = o->callback;
    flags = o->notify_flags;
    ctx = o->context;
    LeaveCriticalSection(&o->lock);
    if (cb && cb != WINHTTP_INVALID_STATUS_CALLBACK && wanted(flags, status))
        cb(o->handle, ctx, status, info, len);
}

LONG wh_obj_count(void)
{
    return live_objects;
}
