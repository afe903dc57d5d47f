/*
 * fuzz_settings: the site's settings.ini (src/settings.c) through the same
 * loader the kiosk and `check` use.  Any bytes must either load, with every
 * value inside its documented range and no two actions on one key, or be
 * refused with file:line problems and the settings left as they were.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_write("settings.ini", data, size, path, sizeof path);
    vk_settings before, s;
    vk_settings_default(&before);
    s = before;
    vk_diag *diag = vk_diag_create();
    bool ok = vk_settings_load(&s, path, diag);
    if (ok) {
        const char *a, *b;
        if (vk_diag_count(diag) != 0 || s.volume_default_db < s.volume_min_db ||
            s.volume_default_db > s.volume_max_db ||
            s.volume_max_db - s.volume_min_db < 18 ||
            s.rate_default < s.rate_min || s.rate_default > s.rate_max ||
            s.noinput_s < 7 || s.warn_s >= s.inactivity_s ||
            vk_keymap_conflict(&s.keys, &a, &b))
            abort(); /* loaded, but not what the table promises */
    } else if (vk_diag_count(diag) == 0 || memcmp(&s, &before, sizeof s) != 0) {
        abort(); /* refused without saying why, or half applied */
    }
    vk_diag_destroy(diag);
    return 0;
}
