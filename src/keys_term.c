/* keys_term: termios raw mode and a non-blocking poll() of standard input. */
#define _POSIX_C_SOURCE 200809L
#include "keys_term.h"

#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "mem.h"

struct vk_keys_term {
    bool raw;
    bool eof;
    struct termios saved;
};

vk_keys_term *vk_keys_term_create(void)
{
    vk_keys_term *k = vk_calloc(1, sizeof *k);
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &k->saved) == 0) {
        struct termios raw = k->saved;
        raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        k->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    return k;
}

void vk_keys_term_destroy(vk_keys_term *k)
{
    if (!k)
        return;
    if (k->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &k->saved);
    free(k);
}

char vk_keys_term_poll(void *ctx, int64_t t)
{
    vk_keys_term *k = ctx;
    (void)t;
    if (k->eof)
        return 0;
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
        return 0;
    char c;
    ssize_t r = read(STDIN_FILENO, &c, 1);
    if (r <= 0) {
        k->eof = true; /* closed input: keys are simply not available */
        return 0;
    }
    return (c == '\n' || c == '\r') ? 0 : c;
}
