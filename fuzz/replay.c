/*
 * replay: runs a fuzz harness without libFuzzer, on files.  Each argument is
 * a file or a folder of files (corpus or crash fixtures); each file is fed
 * once to LLVMFuzzerTestOneInput.  The regression tests use it in every
 * build, so a crash once found by the fuzzer stays fixed even where clang
 * is not installed.  Exit 0 if every file ran, 2 on a usage or read error.
 */
#include "fuzz_util.h"

#include <sys/stat.h>

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (!buf)
        abort();
    /* An exact-size copy, so ASan sees any read past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact)
        abort();
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0) {
            perror(argv[a]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[a]) != 0)
                return 2;
            files++;
            continue;
        }
        DIR *d = opendir(argv[a]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", argv[a], e->d_name);
            if (run_file(p) != 0) {
                closedir(d);
                return 2;
            }
            files++;
        }
        if (d)
            closedir(d);
    }
    printf("replayed %d file%s without a crash\n", files,
           files == 1 ? "" : "s");
    return 0;
}
