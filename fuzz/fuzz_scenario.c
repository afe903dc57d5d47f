/*
 * fuzz_scenario: the scenario files that drive `simulate` (src/scenario.c).
 * A small WAV, a.wav, lies beside the fuzzed file so `play` and `noise`
 * steps reach the recording loader too.  Any bytes must give a scenario or
 * file:line problems, never a crash.
 *
 * Inputs naming device or kernel files (/dev/, /proc/, /sys/) are skipped:
 * reading /dev/stdin would block the fuzzer, and that is not a parser bug.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "scenario.h"
#include "wav.h"

static int names_special_file(const uint8_t *data, size_t size)
{
    static const char *const bad[] = {"/dev", "/proc", "/sys", "/run"};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        size_t n = strlen(bad[b]);
        for (size_t i = 0; i + n <= size; i++)
            if (memcmp(data + i, bad[b], n) == 0)
                return 1;
    }
    return 0;
}

static void make_wav(void)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/a.wav", fuzz_dir());
    vk_wav_writer *w;
    if (vk_wav_open(path, 16000, 1, &w, err, sizeof err) != VK_OK)
        abort();
    int16_t pcm[1600];
    for (int i = 0; i < 1600; i++)
        pcm[i] = (int16_t)((i % 40) * 400 - 8000);
    if (vk_wav_write(w, pcm, 1600) != VK_OK)
        abort();
    vk_wav_close(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        make_wav();
        ready = 1;
    }
    if (names_special_file(data, size))
        return 0;
    char path[512];
    fuzz_write("s.scn", data, size, path, sizeof path);
    vk_diag *diag = vk_diag_create();
    vk_scenario *s = vk_scenario_load(path, diag);
    size_t total = 0;
    if (s) {
        for (int i = 0; i < s->count; i++) {
            const vk_sc_step *st = &s->steps[i];
            if (st->line < 1)
                abort();
            total += st->text ? strlen(st->text) : 0;
            if (st->n && !st->pcm)
                abort();
            for (size_t k = 0; k < st->n; k += 997)
                total += (size_t)(st->pcm[k] & 1);
        }
    } else if (vk_diag_count(diag) == 0) {
        abort();
    }
    vk_scenario_destroy(s);
    vk_diag_destroy(diag);
    return total == (size_t)-1;
}
