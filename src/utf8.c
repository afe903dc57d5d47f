/* utf8: the byte order mark and UTF-8 checks of staff-edited files. */
#include "utf8.h"

#include <string.h>

size_t vk_utf8_bom(const char *s, size_t n)
{
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 if it is not one,
 * or -1 if the n bytes end in the middle of one. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF; /* what the second byte may be */
    int len;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        lo = s[0] == 0xE0 ? 0xA0 : lo; /* overlong below U+0800 */
        hi = s[0] == 0xED ? 0x9F : hi; /* surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        lo = s[0] == 0xF0 ? 0x90 : lo; /* overlong below U+10000 */
        hi = s[0] == 0xF4 ? 0x8F : hi; /* above U+10FFFF */
    } else {
        return 0; /* a continuation byte alone, C0, C1 or F5-FF */
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        if (i == 1 ? s[1] < lo || s[1] > hi : (s[i] & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

bool vk_utf8_check_line(vk_diag *diag, const char *file, int line, char *str,
                        size_t n, bool cut)
{
    unsigned char *s = (unsigned char *)str;
    int column = 1, reported = 0;
    for (size_t i = 0; i < n; column++) {
        int len = utf8_len(s + i, n - i);
        if (len > 0) {
            i += (size_t)len;
            continue;
        }
        if (len < 0 && cut)
            break;
        if (!reported++)
            vk_diag_add(diag, file, line,
                        "not UTF-8 text (byte 0x%02X at column %d); save the "
                        "file as UTF-8",
                        s[i], column);
        s[i++] = '?';
    }
    return !reported;
}

bool vk_utf8_check_text(vk_diag *diag, const char *file, char *text, size_t n)
{
    bool ok = true;
    int line = 1;
    for (size_t i = 0; i < n; line++) {
        char *nl = memchr(text + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - text) : n;
        if (!vk_utf8_check_line(diag, file, line, text + i, end - i, false))
            ok = false;
        i = nl ? end + 1 : n;
    }
    return ok;
}
