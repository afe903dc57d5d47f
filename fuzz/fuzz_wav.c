/*
 * fuzz_wav: WAV headers and bodies (src/wav.c over libsndfile), read as the
 * kiosk reads recordings for `recognize` and scenario `play` steps: any
 * rate and channel count converted to 16 kHz mono.  Any bytes must give
 * samples or a message naming the file, never a crash.
 */
#include "fuzz_util.h"

#include "wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], err[1024];
    fuzz_write("x.wav", data, size, path, sizeof path);
    int16_t *pcm = NULL;
    size_t n = 0;
    long total = 0;
    if (vk_wav_read16k(path, &pcm, &n, err, sizeof err) == VK_OK) {
        for (size_t i = 0; i < n; i++)
            total += pcm[i];
        free(pcm);
    } else if (err[0] == '\0') {
        abort(); /* a failure must say why */
    }
    return total == -1 && n == 7;
}
