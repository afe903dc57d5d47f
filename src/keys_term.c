/* keys_term: termios raw mode and a non-blocking poll() of standard input. */
#define _POSIX_C_SOURCE 200809L
#include "keys_term.h"

#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "keymap.h"
#include "mem.h"

struct vk_keys_term {
    bool raw;
    bool eof;
    struct termios saved;
};

vk_keys_term *vk_keys_term_create(bool console)
{
    vk_keys_term *k = vk_calloc(1, sizeof *k);
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &k->saved) == 0) {
        struct termios raw = k->saved;
        raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        if (console) {
            raw.c_lflag &= (tcflag_t)~ISIG;
            raw.c_iflag &= (tcflag_t)~IXON;
        }
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        k->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    return k;
}

bool vk_keys_term_none(void)
{
    struct stat in, null;
    if (fstat(STDIN_FILENO, &in) != 0)
        return true;
    return stat("/dev/null", &null) == 0 && S_ISCHR(in.st_mode) &&
           in.st_rdev == null.st_rdev;
}

void vk_keys_term_destroy(vk_keys_term *k)
{
    if (!k)
        return;
    if (k->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &k->saved);
    free(k);
}

static int read_byte(vk_keys_term *k, int wait_ms)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, wait_ms) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
        return -1;
    unsigned char c;
    if (read(STDIN_FILENO, &c, 1) != 1) {
        k->eof = true; /* closed input: keys are simply not available */
        return -1;
    }
    return c;
}

/* The escape sequences terminals send for the keys that print nothing
 * (ESC [ A, or ESC O A in application mode, and so on). */
static int escape_sequence(vk_keys_term *k)
{
    int c = read_byte(k, 5);
    if (c != '[' && c != 'O')
        return VK_KEY_ESCAPE;
    int d = read_byte(k, 5);
    switch (d) {
    case 'A': return VK_KEY_UP;
    case 'B': return VK_KEY_DOWN;
    case 'C': return VK_KEY_RIGHT;
    case 'D': return VK_KEY_LEFT;
    case 'H': return VK_KEY_HOME;
    case 'F': return VK_KEY_END;
    case 'M': return VK_KEY_ENTER; /* keypad Enter in application mode */
    case 'k': return '+';
    case 'm': return '-';
    case 'j': return '*';
    case 'o': return '/';
    default: break;
    }
    if (d >= '0' && d <= '9' && read_byte(k, 5) == '~') {
        switch (d) {
        case '3': return VK_KEY_DELETE;
        case '5': return VK_KEY_PAGEUP;
        case '6': return VK_KEY_PAGEDOWN;
        default: break;
        }
    }
    return 0;
}

int vk_keys_term_poll(void *ctx, int64_t t)
{
    vk_keys_term *k = ctx;
    (void)t;
    if (k->eof)
        return 0;
    int c = read_byte(k, 0);
    switch (c) {
    case -1: return 0;
    case '\033': return escape_sequence(k);
    case '\n':
    case '\r': return VK_KEY_ENTER;
    case 127:
    case '\b': return VK_KEY_BACKSPACE;
    case '\t': return VK_KEY_TAB;
    default: return c;
    }
}
