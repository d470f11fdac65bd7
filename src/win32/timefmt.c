/* timefmt.c - WinHttpTimeFromSystemTime and WinHttpTimeToSystemTime.
 *
 * Pure functions over caller memory: no allocation, no locale, no CRT
 * formatting (so output never depends on the C runtime's wide printf).
 *
 * Output is the RFC 1123 form HTTP uses ("Mon, 28 Jul 2008 10:05:52 GMT",
 * RFC 7231 §7.1.1.1). Input is read leniently, as native does: the RFC 1123,
 * RFC 850 ("Monday, 28-Jul-08 10:05:52 GMT") and asctime ("Mon Jul 28
 * 10:05:52 2008") forms, and loose variants such as " mon 28 jul 2008 10 05
 * 52\n" [T]: letters and digits are read as words, everything else
 * separates them, case does not matter, missing time fields are 0.
 */
#include <windows.h>
#include <winhttp.h>

static const char day_names[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The one exit of both exports: BOOL APIs set the last error, 0 on success. */
static BOOL finish(DWORD err)
{
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

static int is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Day of the week (0 = Sunday) in the proleptic Gregorian calendar,
 * Sakamoto's method. m is 1..12. */
static WORD day_of_week(unsigned y, unsigned m, unsigned d)
{
    static const unsigned char t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};

    if (m < 3)
        y -= 1;
    return (WORD)((y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7);
}

/* --- SYSTEMTIME -> string ----------------------------------------------- */

static WCHAR *put_name(WCHAR *p, const char *name)
{
    while (*name)
        *p++ = (WCHAR)*name++;
    return p;
}

static WCHAR *put_num(WCHAR *p, unsigned v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        p[i] = (WCHAR)(L'0' + v % 10);
        v /= 10;
    }
    return p + digits;
}

BOOL WINAPI WinHttpTimeFromSystemTime(const SYSTEMTIME *time, LPWSTR string)
{
    WCHAR buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)], *p = buf;
    WORD wday;

    if (!time || !string)
        return finish(ERROR_INVALID_PARAMETER);
    /* Fields a valid SYSTEMTIME cannot hold would print a date no parser
     * accepts (or overflow the 62-byte buffer): refuse them. */
    if (time->wMonth < 1 || time->wMonth > 12 || time->wDay < 1 || time->wDay > 31 ||
        time->wYear > 9999 || time->wHour > 23 || time->wMinute > 59 || time->wSecond > 59)
        return finish(ERROR_INVALID_PARAMETER);
    /* The caller's weekday is printed as given, like native; only one that
     * cannot be a weekday at all is recomputed from the date. */
    wday = time->wDayOfWeek <= 6 ? time->wDayOfWeek
                                 : day_of_week(time->wYear, time->wMonth, time->wDay);
    p = put_name(p, day_names[wday]);
    p = put_name(p, ", ");
    p = put_num(p, time->wDay, 2);
    *p++ = L' ';
    p = put_name(p, month_names[time->wMonth - 1]);
    *p++ = L' ';
    p = put_num(p, time->wYear, 4);
    *p++ = L' ';
    p = put_num(p, time->wHour, 2);
    *p++ = L':';
    p = put_num(p, time->wMinute, 2);
    *p++ = L':';
    p = put_num(p, time->wSecond, 2);
    p = put_name(p, " GMT");
    *p++ = 0;
    CopyMemory(string, buf, (size_t)(p - buf) * sizeof(WCHAR));
    return finish(ERROR_SUCCESS);
}

/* --- string -> SYSTEMTIME ----------------------------------------------- */

#define MAX_TOKENS 10

struct token {
    int alpha;      /* letters (1) or digits (0) */
    const WCHAR *s; /* first character */
    unsigned len;   /* characters */
    unsigned value; /* digits: the number (capped) */
};

static int is_alpha(WCHAR c)
{
    return (c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z');
}

static int is_digit(WCHAR c)
{
    return c >= L'0' && c <= L'9';
}

/* Splits |s| into words of letters or digits; returns how many were kept. */
static unsigned tokenize(const WCHAR *s, struct token *t)
{
    unsigned n = 0;

    while (*s && n < MAX_TOKENS) {
        int alpha = is_alpha(*s);

        if (!alpha && !is_digit(*s)) {
            s++;
            continue;
        }
        t[n].alpha = alpha;
        t[n].s = s;
        t[n].len = 0;
        t[n].value = 0;
        while (*s && (alpha ? is_alpha(*s) : is_digit(*s))) {
            /* Cap keeps the arithmetic defined; any value this large fails
             * validation later anyway. */
            if (!alpha && t[n].value < 100000)
                t[n].value = t[n].value * 10 + (unsigned)(*s - L'0');
            t[n].len++;
            s++;
        }
        n++;
    }
    return n;
}

/* Index (0-based) of the 3-letter name |t| starts with, or -1. */
static int match_name(const struct token *t, const char (*names)[4], int count)
{
    if (!t->alpha || t->len < 3)
        return -1;
    for (int i = 0; i < count; i++) {
        int j;

        for (j = 0; j < 3; j++)
            if ((t->s[j] | 0x20) != (WCHAR)(names[i][j] | 0x20))
                break;
        if (j == 3)
            return i;
    }
    return -1;
}

/* Reads token |i| into *v if it exists and is a number. */
static int number_at(const struct token *t, unsigned n, unsigned i, unsigned *v)
{
    if (i >= n || t[i].alpha)
        return 0;
    *v = t[i].value;
    return 1;
}

struct fields {
    unsigned year, month, day, hour, minute, second;
};

/* Fills |f| from the tokens in one of the two orders HTTP dates use:
 * day month year time (RFC 1123, RFC 850) or month day time year (asctime). */
static int read_fields(const struct token *t, unsigned n, struct fields *f)
{
    unsigned i = 0, year_at;
    int m;

    if (n > 0 && match_name(&t[0], day_names, 7) >= 0)
        i = 1; /* the weekday follows from the date; it is recomputed */
    if (i < n && (m = match_name(&t[i], month_names, 12)) >= 0) {
        /* asctime: Jul 28 10:05:52 2008 -- the year comes last, so every
         * field must be there. */
        year_at = i + 5;
        if (!number_at(t, n, i + 1, &f->day) || !number_at(t, n, i + 2, &f->hour) ||
            !number_at(t, n, i + 3, &f->minute) || !number_at(t, n, i + 4, &f->second) ||
            !number_at(t, n, year_at, &f->year))
            return 0;
    } else {
        unsigned *hms[3] = {&f->hour, &f->minute, &f->second};

        year_at = i + 2;
        if (!number_at(t, n, i, &f->day) || i + 1 >= n ||
            (m = match_name(&t[i + 1], month_names, 12)) < 0 || !number_at(t, n, year_at, &f->year))
            return 0;
        /* The time is optional and ends at the first word ("GMT"): missing
         * fields stay 0. */
        for (unsigned k = 0; k < 3 && number_at(t, n, year_at + 1 + k, hms[k]); k++)
            ;
    }
    f->month = (unsigned)m + 1;
    /* RFC 850's two-digit years: RFC 7231 §7.1.1.1 says to read one that
     * looks more than 50 years ahead as the past century. */
    if (t[year_at].len <= 2)
        f->year += f->year < 50 ? 2000 : 1900;
    return 1;
}

BOOL WINAPI WinHttpTimeToSystemTime(LPCWSTR string, SYSTEMTIME *time)
{
    struct token t[MAX_TOKENS];
    struct fields f = {0, 0, 0, 0, 0, 0};
    unsigned n;

    if (!string || !time)
        return finish(ERROR_INVALID_PARAMETER);
    n = tokenize(string, t);
    /* A string that is not a date: 87 (native's code here is unconfirmed;
     * its page only lists internal errors). *time stays untouched. */
    if (!read_fields(t, n, &f) || f.month < 1 || f.month > 12 || f.year < 1601 || f.year > 30827 ||
        f.day < 1 || f.day > days_in_month(f.year, f.month) || f.hour > 23 || f.minute > 59 ||
        f.second > 59)
        return finish(ERROR_INVALID_PARAMETER);
    time->wYear = (WORD)f.year;
    time->wMonth = (WORD)f.month;
    time->wDayOfWeek = day_of_week(f.year, f.month, f.day);
    time->wDay = (WORD)f.day;
    time->wHour = (WORD)f.hour;
    time->wMinute = (WORD)f.minute;
    time->wSecond = (WORD)f.second;
    time->wMilliseconds = 0;
    return finish(ERROR_SUCCESS);
}
