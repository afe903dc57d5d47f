/* test_util: see test_util.h. */
#include "test_util.h"

#include <dirent.h>
#include <unistd.h>

char *vk_test_dir(void)
{
    char *dir = strdup("/tmp/vk-test-XXXXXX");
    if (!dir || !mkdtemp(dir))
        abort();
    return dir;
}

void vk_test_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

void vk_test_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

bool vk_test_diag_has(const vk_diag *d, const char *needle)
{
    for (int i = 0; i < vk_diag_count(d); i++)
        if (strstr(vk_diag_get(d, i), needle))
            return true;
    fprintf(stderr, "expected a problem containing: %s\ngot %d:\n", needle,
            vk_diag_count(d));
    vk_diag_print(d, stderr);
    return false;
}
