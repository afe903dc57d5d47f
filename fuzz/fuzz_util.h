/*
 * fuzz_util: what every fuzz harness needs to hand its input to a parser
 * that reads files: a private temporary folder (made once, removed at exit)
 * and a way to write bytes into it.
 *
 * The parsers of voice-kiosk read staff-edited files by path, so the
 * harnesses write the fuzzer's bytes to a file and call the real loader,
 * exactly as `check` and the kiosk do.  Header-only (static functions) so
 * each harness stays one file.
 */
#ifndef VK_FUZZ_UTIL_H
#define VK_FUZZ_UTIL_H

#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every harness defines this: libFuzzer calls it, and so does replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz__dir[256];

static inline void fuzz__cleanup(void)
{
    DIR *d = opendir(fuzz__dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", fuzz__dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(fuzz__dir);
}

/* The harness's private folder, made on first use and removed at exit.
 * Aborts if it cannot be made: a harness without it would test nothing. */
static inline const char *fuzz_dir(void)
{
    if (fuzz__dir[0])
        return fuzz__dir;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz__dir, sizeof fuzz__dir, "%s/vk-fuzz.XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz__dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(fuzz__cleanup);
    return fuzz__dir;
}

/* Writes `size` bytes to `name` in the private folder; returns its path in
 * `path`.  Aborts on a write error (a full disk is not a finding). */
static inline void fuzz_write(const char *name, const uint8_t *data,
                              size_t size, char *path, size_t pathlen)
{
    snprintf(path, pathlen, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz: write");
        abort();
    }
}

/* Copies a shipped file (from the source tree) into the private folder. */
static inline void fuzz_copy(const char *src, const char *name)
{
    FILE *f = fopen(src, "rb");
    if (!f) {
        perror(src);
        abort();
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char path[512];
    fuzz_write(name, buf, n, path, sizeof path);
}

#endif
