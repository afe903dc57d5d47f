/* Unit tests for service: sd_notify against a socket the test creates, as
 * systemd would (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "service.h"
#include "test_util.h"

typedef struct fixture {
    char *dir;
    int fd;
} fixture;

/* A datagram socket in a fresh folder, named by NOTIFY_SOCKET. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = vk_test_dir();
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/notify", f->dir);
    f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(f->fd >= 0);
    assert_int_equal(bind(f->fd, (struct sockaddr *)&a, sizeof a), 0);
    setenv("NOTIFY_SOCKET", a.sun_path, 1);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    close(f->fd);
    vk_test_rmdir(f->dir);
    free(f);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    return 0;
}

/* Every datagram waiting on the socket, joined with '|'. */
static void drain(fixture *f, char *out, size_t len)
{
    out[0] = '\0';
    char buf[1024];
    ssize_t n;
    while ((n = recv(f->fd, buf, sizeof buf - 1, 0)) > 0) {
        buf[n] = '\0';
        if (out[0])
            strncat(out, "|", len - strlen(out) - 1);
        strncat(out, buf, len - strlen(out) - 1);
    }
}

static void set_watchdog(const char *usec, long pid)
{
    char p[32];
    snprintf(p, sizeof p, "%ld", pid);
    setenv("WATCHDOG_USEC", usec, 1);
    setenv("WATCHDOG_PID", p, 1);
}

static void ready_status_stopping(void **state)
{
    fixture *f = *state;
    char got[4096];
    vk_service *s = vk_service_create();
    assert_true(vk_service_active(s));
    assert_int_equal(vk_service_watchdog_usec(s), 0);
    vk_service_ready(s, "listening");
    drain(f, got, sizeof got);
    assert_string_equal(got, "READY=1\nSTATUS=listening");
    vk_service_status(s, "failed: bad configuration, see the log");
    drain(f, got, sizeof got);
    assert_string_equal(got, "STATUS=failed: bad configuration, see the log");
    /* No watchdog asked for: the loop's ticks send nothing. */
    assert_false(vk_service_tick(s, 0));
    assert_false(vk_service_tick(s, 60000000));
    vk_service_stopping(s, NULL);
    drain(f, got, sizeof got);
    assert_string_equal(got, "STOPPING=1");
    assert_int_equal(vk_service_sent(s), 3);
    vk_service_destroy(s);
    vk_service_destroy(NULL);
}

/* WatchdogSec=2s: a ping on the first tick, then one each second of the
 * loop clock, however often the loop ticks (every 20 ms here). */
static void watchdog_every_half_period(void **state)
{
    fixture *f = *state;
    char got[4096];
    set_watchdog("2000000", (long)getpid());
    vk_service *s = vk_service_create();
    assert_int_equal(vk_service_watchdog_usec(s), 2000000);
    int pings = 0;
    for (uint64_t t = 0; t <= 5000000; t += 20000)
        pings += vk_service_tick(s, t);
    assert_int_equal(pings, 6); /* at 0, 1, 2, 3, 4 and 5 s */
    drain(f, got, sizeof got);
    assert_string_equal(got, "WATCHDOG=1|WATCHDOG=1|WATCHDOG=1|WATCHDOG=1|"
                             "WATCHDOG=1|WATCHDOG=1");
    /* A stalled loop (no ticks) sends nothing by itself. */
    drain(f, got, sizeof got);
    assert_string_equal(got, "");
    vk_service_destroy(s);
}

/* The watchdog belongs to another process (WATCHDOG_PID): no pings. */
static void watchdog_for_another_pid(void **state)
{
    fixture *f = *state;
    char got[256];
    set_watchdog("2000000", (long)getpid() + 1);
    vk_service *s = vk_service_create();
    assert_int_equal(vk_service_watchdog_usec(s), 0);
    assert_false(vk_service_tick(s, 0));
    drain(f, got, sizeof got);
    assert_string_equal(got, "");
    vk_service_destroy(s);
}

/* Outside systemd every call is a no-op. */
static void no_systemd(void **state)
{
    (void)state;
    unsetenv("NOTIFY_SOCKET");
    set_watchdog("2000000", (long)getpid());
    vk_service *s = vk_service_create();
    assert_false(vk_service_active(s));
    vk_service_ready(s, "listening");
    assert_false(vk_service_tick(s, 0));
    vk_service_stopping(s, "stopping");
    assert_int_equal(vk_service_sent(s), 0);
    vk_service_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ready_status_stopping, setup, teardown),
        cmocka_unit_test_setup_teardown(watchdog_every_half_period, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(watchdog_for_another_pid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(no_systemd, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
