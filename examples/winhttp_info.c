/* winhttp_info.c - an ordinary Windows program that reports which winhttp.dll
 * it got: the file it was loaded from, its version resource, and the names
 * it exports. Built like any third-party program: mingw's stock <winhttp.h>
 * and -lwinhttp, nothing from this project. Under Wine, run it with
 * WINEDLLOVERRIDES=winhttp=n,b and our winhttp.dll beside it.
 */
#include <windows.h>
#include <winhttp.h>
#include <stdio.h>

static void print_version(const wchar_t *path)
{
    DWORD ignored, size = GetFileVersionInfoSizeW(path, &ignored);
    void *info;
    wchar_t *value;
    UINT len;

    if (!size || !(info = HeapAlloc(GetProcessHeap(), 0, size)))
        return;
    if (GetFileVersionInfoW(path, 0, size, info)) {
        if (VerQueryValueW(info, L"\\StringFileInfo\\040904b0\\ProductName", (void **)&value, &len))
            wprintf(L"product:  %ls\n", value);
        if (VerQueryValueW(info, L"\\StringFileInfo\\040904b0\\FileVersion", (void **)&value, &len))
            wprintf(L"version:  %ls\n", value);
    }
    HeapFree(GetProcessHeap(), 0, info);
}

/* Walks the loaded image's export directory: what GetProcAddress searches. */
static void print_exports(HMODULE mod)
{
    const BYTE *base = (const BYTE *)mod;
    const IMAGE_NT_HEADERS *nt =
        (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    const IMAGE_DATA_DIRECTORY *dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    const IMAGE_EXPORT_DIRECTORY *exp = (const IMAGE_EXPORT_DIRECTORY *)(base + dir->VirtualAddress);
    const DWORD *names = (const DWORD *)(base + exp->AddressOfNames);
    DWORD i;

    printf("exports:  %lu named\n", (unsigned long)exp->NumberOfNames);
    for (i = 0; i < exp->NumberOfNames; i++)
        printf("  %s\n", (const char *)(base + names[i]));
}

int main(void)
{
    HMODULE mod = GetModuleHandleW(L"winhttp.dll");
    wchar_t path[MAX_PATH], date[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];
    SYSTEMTIME now;

    if (!mod || !GetModuleFileNameW(mod, path, MAX_PATH)) {
        printf("winhttp.dll is not loaded\n");
        return 1;
    }
    wprintf(L"loaded:   %ls\n", path);
    print_version(path);
    printf("WinHttpCheckPlatform: %s\n", WinHttpCheckPlatform() ? "TRUE" : "FALSE");
    GetSystemTime(&now);
    if (WinHttpTimeFromSystemTime(&now, date))
        wprintf(L"WinHttpTimeFromSystemTime(now): %ls\n", date);
    else
        printf("WinHttpTimeFromSystemTime failed: %lu\n", GetLastError());
    print_exports(mod);
    return 0;
}
