/*
 * captions: plain lines, or a redrawn screen with VT100 escape sequences
 * (ESC # 3 / ESC # 4 draw one line as the top and bottom halves of
 * double-size letters; xterm, the Linux console and most terminals have
 * them).
 *
 * The terminal of vk_captions_open is written without blocking: each
 * update is drawn in memory and sent in one write, and what the terminal
 * cannot take at once (a serial line held by flow control or without
 * carrier, a console nobody drains) is dropped.  The next update redraws
 * the whole screen, so a dropped one only leaves the screen behind.  The
 * log (standard error) says so once, at the first update dropped, and
 * how many were when the captions close: never the text itself, which is
 * the person's (their summary).
 */
#define _POSIX_C_SOURCE 200809L
#include "captions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

#define WIDTH                                                                  \
    36 /* double-width characters on an 80-column screen, with margin */

struct vk_captions {
    FILE *out;  /* vk_captions_create's stream, or NULL */
    int fd;     /* vk_captions_open's terminal (non-blocking), or -1 */
    char *path; /* the terminal's path, for the log */
    long updates, dropped; /* sent to the terminal; dropped (EAGAIN) */
    bool large;
    char *sentence, *say, *keys, *status;
};

vk_captions *vk_captions_create(FILE *out, bool large)
{
    vk_captions *c = vk_calloc(1, sizeof *c);
    c->out = out;
    c->fd = -1;
    c->large = large;
    return c;
}

vk_captions *vk_captions_open(const char *path)
{
    /* Without O_NONBLOCK, opening a serial line without carrier waits for
     * it, and the kiosk would never start. */
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    /* Only a screen: captions hold the person's results (the summary), and
     * a file would keep them. */
    if (!isatty(fd)) {
        close(fd);
        errno = ENOTTY;
        return NULL;
    }
    vk_captions *c = vk_captions_create(NULL, true);
    c->fd = fd;
    c->path = vk_strdup(path);
    return c;
}

/* Where one update is drawn: the caller's stream, or for the terminal a
 * memory stream that send() writes out.  Free with send(). */
static FILE *begin(vk_captions *c, char **buf, size_t *len)
{
    if (c->fd < 0)
        return c->out;
    FILE *o = open_memstream(buf, len);
    if (!o)
        abort(); /* out of memory */
    return o;
}

/* Ends an update begun with begin(): flushes the caller's stream, or
 * writes the drawing to the terminal in one go.  What the terminal cannot
 * take now (EAGAIN: its output is full) or at all (EIO: it hung up) is
 * dropped: the kiosk must never wait for its screen.  The first update
 * the screen cannot keep up with is logged, once: staff then know why the
 * screen lags behind the speech. */
static void send(vk_captions *c, FILE *o, char **buf, size_t *len)
{
    if (c->fd < 0) {
        fflush(o);
        return;
    }
    if (fclose(o) != 0)
        abort(); /* a memory stream fails only when out of memory */
    c->updates++;
    for (size_t done = 0; done < *len;) {
        ssize_t n = write(c->fd, *buf + done, *len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            c->dropped++ == 0)
            fprintf(stderr,
                    "voice-kiosk: the screen %s is not keeping up: caption "
                    "updates it cannot take are dropped (the speech goes "
                    "on); is the terminal held by flow control, or without "
                    "carrier?\n",
                    c->path);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    free(*buf);
}

void vk_captions_destroy(vk_captions *c)
{
    if (!c)
        return;
    if (c->large) {
        char *buf;
        size_t len;
        FILE *o = begin(c, &buf, &len);
        fputs("\033[0m\n", o);
        send(c, o, &buf, &len);
    }
    if (c->dropped)
        fprintf(stderr,
                "voice-kiosk: the screen %s did not keep up: %ld of %ld "
                "caption updates were dropped\n",
                c->path, c->dropped, c->updates);
    if (c->fd >= 0)
        close(c->fd);
    free(c->path);
    free(c->sentence);
    free(c->say);
    free(c->keys);
    free(c->status);
    free(c);
}

static void replace(char **slot, const char *text)
{
    free(*slot);
    *slot = text ? vk_strdup(text) : NULL;
}

/* One line of double-size text: top half, then bottom half. */
static void big_line(FILE *out, const char *s, int n)
{
    fprintf(out, "\033#3\033[1;7m %.*s \033[0m\n", n, s);
    fprintf(out, "\033#4\033[1;7m %.*s \033[0m\n", n, s);
}

/* Word-wraps `text` into double-size lines. */
static void big_text(FILE *out, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        int len = (int)strlen(p);
        int n = len;
        if (len > WIDTH) {
            n = WIDTH;
            while (n > 0 && p[n] != ' ')
                n--;
            if (n == 0)
                n = WIDTH;
        }
        if (n > 0)
            big_line(out, p, n);
        p += n;
    }
}

static void redraw(vk_captions *c)
{
    char *buf;
    size_t len;
    FILE *o = begin(c, &buf, &len);
    fputs("\033[2J\033[H", o);
    if (c->status)
        fprintf(o, "\033[1m[ %s ]\033[0m\n", c->status);
    fputs("\n", o);
    if (c->sentence)
        big_text(o, c->sentence);
    fputs("\n", o);
    if (c->say)
        fprintf(o, "\033[1mYou can say:\033[0m %s\n", c->say);
    if (c->keys)
        fprintf(o, "\033[1mKeys:\033[0m %s\n", c->keys);
    send(c, o, &buf, &len);
}

void vk_captions_sentence(vk_captions *c, const char *text)
{
    replace(&c->sentence, text);
    replace(&c->say, NULL);
    replace(&c->keys, NULL);
    if (c->large) {
        redraw(c);
        return;
    }
    fprintf(c->out, "%s\n", text);
    fflush(c->out);
}

void vk_captions_expect(vk_captions *c, const char *say, const char *keys)
{
    replace(&c->say, say);
    replace(&c->keys, keys);
    if (c->large) {
        redraw(c);
        return;
    }
    if (say)
        fprintf(c->out, "  (say: %s)\n", say);
    if (keys)
        fprintf(c->out, "  (keys: %s)\n", keys);
    fflush(c->out);
}

void vk_captions_status(vk_captions *c, const char *status)
{
    replace(&c->status, status);
    if (c->large) {
        redraw(c);
        return;
    }
    if (status) {
        fprintf(c->out, "[%s]\n", status);
        fflush(c->out);
    }
}
