/* test_util: see test_util.h. */
#include "test_util.h"

#include <dirent.h>
#include <unistd.h>

#include "mem.h"

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

int vk_test_dialog_setup(void **state)
{
    vk_test_dialog *f = vk_calloc(1, sizeof *f);
    vk_diag *d = vk_diag_create();
    f->script = vk_script_load(VK_TEST_SOURCE_DIR "/prompts/en-US", d);
    vk_diag_print(d, stderr);
    vk_diag_destroy(d);
    if (!f->script) {
        free(f);
        return -1;
    }
    f->session = vk_session_create();
    vk_dialog_opts o = {.accept = 0.8, .confirm = 0.4};
    f->dialog = vk_dialog_create(f->script, f->session, &o);
    *state = f;
    return 0;
}

int vk_test_dialog_teardown(void **state)
{
    vk_test_dialog *f = *state;
    vk_actions_clear(&f->acts);
    vk_dialog_destroy(f->dialog);
    vk_session_destroy(f->session);
    vk_script_destroy(f->script);
    free(f);
    return 0;
}
