/*
 * fuzz_ini: the INI reader (src/inifile.c) that every staff-edited and
 * configuration file goes through: flow.ini, contacts.ini, and the site
 * settings.  Any bytes must give a vk_ini (or a file:line problem), never a
 * crash, and every value it returns must be a proper string.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "inifile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_write("fuzz.ini", data, size, path, sizeof path);
    vk_diag *diag = vk_diag_create();
    vk_ini *ini = vk_ini_load(path, diag);
    size_t total = 0;
    if (ini) {
        for (int s = 0; s < ini->nsec; s++) {
            const vk_ini_section *sec = &ini->sec[s];
            total += strlen(sec->name);
            if (vk_ini_find(ini, sec->name) == NULL)
                abort(); /* a section it returned must be found by name */
            for (int i = 0; i < sec->nkv; i++) {
                total += strlen(sec->kv[i].key) + strlen(sec->kv[i].value);
                if (vk_ini_get(sec, sec->kv[i].key) == NULL)
                    abort();
            }
        }
    }
    for (int i = 0; i < vk_diag_count(diag); i++)
        total += strlen(vk_diag_get(diag, i));
    vk_ini_destroy(ini);
    vk_diag_destroy(diag);
    return total == (size_t)-1; /* keeps `total` from being optimised out */
}
