/*
 * fuzz_site: a site folder's flow.ini laid over the shipped prompts
 * (src/site.c, then the whole script check in src/script.c), as a clinic's
 * /etc/voice-kiosk/<lang>/flow.ini is.  Any bytes must give a script with
 * no problems, or file:line problems and no script; never a crash.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "script.h"

#ifndef FUZZ_SOURCE_DIR
#define FUZZ_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], shipped[1024];
    fuzz_write("flow.ini", data, size, path, sizeof path);
    snprintf(shipped, sizeof shipped, "%s/prompts/en-US", FUZZ_SOURCE_DIR);
    /* The site's language folder is the private folder itself. */
    vk_script_src src = {shipped, fuzz_dir(), ".", false};
    vk_diag *diag = vk_diag_create();
    vk_diag *warnings = vk_diag_create();
    vk_script *s = vk_script_load_src(&src, diag, warnings);
    if ((s != NULL) != (vk_diag_count(diag) == 0))
        abort(); /* a script iff no problems */
    if (s && (!vk_script_start(s) || !vk_script_system(s, "noinput.1")))
        abort();
    vk_script_destroy(s);
    vk_diag_destroy(warnings);
    vk_diag_destroy(diag);
    return 0;
}
