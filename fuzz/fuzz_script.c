/*
 * fuzz_script: the prompts and flow (src/script.c), the most important file
 * staff edit.  Built twice: FUZZ_FILE=flow.ini fuzzes the flow with the
 * shipped contacts beside it, FUZZ_FILE=contacts.ini fuzzes the contacts
 * with the shipped flow.  The loader validates the whole script (steps,
 * placeholders, phone numbers, the path to the crisis contacts); any bytes
 * must give a script or file:line problems, never a crash.  A script that
 * loads is walked as the kiosk would walk it.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "script.h"

#ifndef FUZZ_FILE
#define FUZZ_FILE "flow.ini"
#endif
#ifndef FUZZ_SOURCE_DIR
#define FUZZ_SOURCE_DIR "."
#endif

static const char *other(void)
{
    return strcmp(FUZZ_FILE, "flow.ini") == 0 ? "contacts.ini" : "flow.ini";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        char src[1024];
        snprintf(src, sizeof src, "%s/prompts/en-US/%s", FUZZ_SOURCE_DIR,
                 other());
        fuzz_copy(src, other());
        ready = 1;
    }
    char path[512];
    fuzz_write(FUZZ_FILE, data, size, path, sizeof path);
    vk_diag *diag = vk_diag_create();
    vk_script *s = vk_script_load(fuzz_dir(), diag);
    size_t total = 0;
    if (s) {
        if (vk_diag_count(diag) != 0)
            abort(); /* a script with problems must not load */
        total += strlen(vk_script_voice(s));
        total += strlen(vk_script_system(s, "noinput.1"));
        for (int i = 0; i < vk_script_step_count(s); i++) {
            const vk_step *st = vk_script_step_at(s, i);
            if (vk_script_step(s, st->id) != st)
                abort();
            const char *file = NULL;
            total += (size_t)vk_script_step_line(s, st->id, &file);
            total += strlen(st->text ? st->text : "");
            for (int o = 0; o < st->noptions; o++)
                total += strlen(st->options[o].topic) +
                         strlen(st->options[o].target);
        }
        for (int i = 0; i < vk_script_contact_count(s); i++)
            total += strlen(vk_script_contact(s, i)->phone);
        if (!vk_script_start(s))
            abort();
    } else if (vk_diag_count(diag) == 0) {
        abort(); /* refused without saying why */
    }
    vk_script_destroy(s);
    vk_diag_destroy(diag);
    return total == (size_t)-1;
}
