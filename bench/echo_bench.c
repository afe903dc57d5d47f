/*
 * echo_bench: does the kiosk hear itself?  Every prompt of the shipped
 * walk-through (each step's text, help and the contacts) is synthesised
 * with the kiosk's voice and played, one after another with 0.5 s gaps,
 * into the simulated room (src/audio_sim.c: direct path + 3-tap reverb
 * tail, -66 dBFS floor) at each echo delay and gain, with nobody speaking.
 * The microphone goes through the echo canceller (or not) into the real
 * recogniser listening in the answer context, exactly as the loop does
 * while a question is asked.  Printed per condition:
 *   ERLE     echo return loss enhancement: mic energy / cleaned energy
 *            over frames with echo, after the first 5 s (convergence);
 *   onsets   times the recogniser's VAD found speech;
 *   pauses   onsets the echo module also took for a person, and times
 *            it heard 60 ms of sound well above the echo before any onset
 *            (each would pause a prompt for a moment: a false barge-in
 *            pause);
 *   results  utterances that came back with a meaning (any confidence);
 *   accepted results the loop would act on (stop the prompt, or change
 *            the speech): the confirm band or above after a pause for a
 *            person, the accept band without one; both decoding passes
 *            agreeing on the meaning.
 * usage: echo_bench [PROMPTS_DIR GRAMMARS_DIR]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_sim.h"
#include "diag.h"
#include "echo.h"
#include "mem.h"
#include "recognizer.h"
#include "scenario.h"
#include "script.h"
#include "tts.h"

#ifndef VK_BENCH_SOURCE_DIR
#define VK_BENCH_SOURCE_DIR "."
#endif

typedef struct track {
    int16_t *pcm;
    size_t n;
} track;

/* All prompts back to back, 0.5 s of silence after each. */
static track build_track(const vk_script *s, vk_tts *tts)
{
    track t = {0};
    size_t cap = 0;
    const char *texts[512];
    int nt = 0;
    for (int i = 0; i < vk_script_step_count(s) && nt < 500; i++) {
        const vk_step *st = vk_script_step_at(s, i);
        if (st->text)
            texts[nt++] = st->text;
        if (st->help)
            texts[nt++] = st->help;
    }
    for (int i = 0; i < vk_script_contact_count(s) && nt < 510; i++)
        texts[nt++] = vk_script_contact(s, i)->offer;
    for (int i = 0; i < nt; i++) {
        int16_t *pcm;
        size_t n;
        if (!texts[i] ||
            vk_tts_say(tts, vk_script_voice(s), VK_TTS_DEFAULT_RATE, texts[i],
                       &pcm, &n) != VK_OK)
            continue;
        size_t gap = VK_AUDIO_RATE / 2;
        if (t.n + n + gap > cap) {
            cap = (t.n + n + gap) * 2;
            t.pcm = vk_realloc(t.pcm, cap * sizeof(int16_t));
        }
        memcpy(t.pcm + t.n, pcm, n * sizeof(int16_t));
        memset(t.pcm + t.n + n, 0, gap * sizeof(int16_t));
        t.n += n + gap;
        free(pcm);
    }
    return t;
}

typedef struct result {
    double erle_db;
    int onsets, pauses, results, accepted;
    double cpu_us; /* echo canceller per 20 ms frame */
} result;

static result run(const track *tr, vk_recognizer *rec, vk_tts *tts,
                  int delay_ms, int gain_db, double reverb, bool aec)
{
    result r = {0};
    char path[] = "/tmp/echo_bench_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "echo %d %d %.2f\nsilent 1\n", delay_ms, gain_db, reverb);
    fclose(f);
    vk_diag *diag = vk_diag_create();
    vk_scenario *sc = vk_scenario_load(path, diag);
    remove(path);
    vk_diag_destroy(diag);
    vk_sim_opts so = {.tts = tts};
    vk_audio *room;
    char err[256];
    if (!sc || vk_audio_sim_create(sc, &so, &room, err, sizeof err) != VK_OK)
        abort();
    vk_audio_sim_on_listen(room, 0, NULL); /* applies the echo step */
    vk_echo_opts eo;
    vk_echo_default_opts(&eo);
    vk_echo *ec = aec ? vk_echo_create(&eo) : NULL;
    vk_recognizer_listen(rec, "answer");
    int16_t mic[VK_AUDIO_FRAME], raw[VK_AUDIO_FRAME], spk[VK_AUDIO_FRAME];
    double e_in = 0, e_out = 0;
    struct timespec a, b;
    double cpu = 0;
    size_t frames = 0;
    for (size_t pos = 0; pos < tr->n + VK_AUDIO_RATE; pos += VK_AUDIO_FRAME) {
        if (vk_audio_read(room, mic, VK_AUDIO_FRAME) != VK_OK)
            abort();
        memcpy(raw, mic, sizeof mic);
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (ec)
            vk_echo_capture(ec, mic);
        clock_gettime(CLOCK_MONOTONIC, &b);
        cpu += (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
        frames++;
        if (pos > 5 * VK_AUDIO_RATE) {
            double ei = 0, eo2 = 0;
            for (int i = 0; i < VK_AUDIO_FRAME; i++) {
                ei += (double)raw[i] * raw[i];
                eo2 += (double)mic[i] * mic[i];
            }
            /* frames with echo well above the room floor */
            if (ei > VK_AUDIO_FRAME * 300.0 * 300.0) {
                e_in += ei;
                e_out += eo2;
            }
        }
        vk_heard h;
        vk_asr_state st = vk_recognizer_feed(rec, mic, VK_AUDIO_FRAME, &h);
        /* As the loop does: a prompt pauses on speech the echo module
         * confirms as a person; a paused-for result acts from the confirm
         * band, any other from the accept band. */
        static bool in_speech, paused;
        bool near = !ec || vk_echo_near_end(ec);
        if (st == VK_ASR_SPEECH && !in_speech) {
            r.onsets++;
            if (getenv("ECHO_BENCH_DEBUG"))
                fprintf(stderr, "onset %.2f s near=%d\n",
                        (double)pos / VK_AUDIO_RATE, near);
        }
        if (st == VK_ASR_SPEECH && near && !paused) {
            paused = true;
            r.pauses++;
        }
        /* And, as the loop does, on 3 frames in a row of sound well above
         * the echo before the VAD (an early pause: counted, not held). */
        if (st == VK_ASR_IDLE && ec &&
            vk_echo_near_frames(ec) == VK_ECHO_EARLY_FRAMES)
            r.pauses++;
        in_speech = st == VK_ASR_SPEECH;
        if (st == VK_ASR_DONE && h.meaning[0]) {
            r.results++;
            /* What the loop acts on: the accept band, after a pause for
             * a person also the confirm band, when the live pass heard
             * the same meaning (kiosk.c, passes_agree). */
            if (strcmp(h.live_meaning, h.meaning) == 0 &&
                h.confidence >= (paused ? VK_ASR_CONFIRM : VK_ASR_ACCEPT))
                r.accepted++;
        }
        if (st == VK_ASR_DONE)
            paused = false;
        for (int i = 0; i < VK_AUDIO_FRAME; i++)
            spk[i] = pos + i < tr->n ? tr->pcm[pos + i] : 0;
        if (ec)
            vk_echo_playback(ec, spk);
        if (vk_audio_write(room, spk, VK_AUDIO_FRAME) != VK_OK)
            abort();
    }
    r.erle_db = e_out > 0 ? 10 * log10(e_in / e_out) : 0;
    r.cpu_us = cpu / (double)frames;
    vk_echo_destroy(ec);
    vk_audio_destroy(room);
    vk_scenario_destroy(sc);
    return r;
}

int main(int argc, char **argv)
{
    const char *prompts =
        argc > 2 ? argv[1] : VK_BENCH_SOURCE_DIR "/prompts/en-US";
    const char *grammars = argc > 2 ? argv[2] : VK_BENCH_SOURCE_DIR "/grammars";
    vk_diag *diag = vk_diag_create();
    vk_script *s = vk_script_load(prompts, diag);
    vk_recognizer *rec = NULL;
    vk_tts *tts = NULL;
    char err[1024];
    vk_asr_opts ao = {.means_path = VK_BENCH_SOURCE_DIR "/acoustic/en-us/means",
                      .rivals_path =
                          VK_BENCH_SOURCE_DIR "/acoustic/en-us/rivals"};
    if (!s ||
        vk_recognizer_create(grammars, &ao, diag, &rec, err, sizeof err) !=
            VK_OK ||
        vk_tts_create(&tts, err, sizeof err) != VK_OK) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "echo_bench: cannot start: %s\n", err);
        return 1;
    }
    vk_diag_destroy(diag);
    track tr = build_track(s, tts);
    printf("prompts: %.1f s of the kiosk's speech, nobody speaking\n\n",
           (double)tr.n / VK_AUDIO_RATE);
    printf("| delay ms | gain dB | reverb s | AEC | ERLE dB | VAD onsets | "
           "pauses | results | accepted | AEC us/frame |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    static const int delays[] = {20, 60, 120};
    static const int gains[] = {0, -6, -20};
    /* ECHO_BENCH_QUICK=1: the hardest case only (120 ms, 0 dB). */
    bool quick = getenv("ECHO_BENCH_QUICK") != NULL;
    for (size_t d = quick ? 2 : 0; d < sizeof delays / sizeof *delays; d++)
        for (size_t g = 0; g < (quick ? 1 : sizeof gains / sizeof *gains); g++)
            /* AEC off only at 0 dB: the comparison. */
            for (int aec = 1; aec >= (gains[g] == 0 ? 0 : 1); aec--) {
                double reverb = 0.3;
                result r = run(&tr, rec, tts, delays[d], gains[g], reverb, aec);
                printf("| %d | %d | %.1f | %s | %.1f | %d | %d | %d | %d | "
                       "%.0f |\n",
                       delays[d], gains[g], reverb, aec ? "on" : "off",
                       aec ? r.erle_db : 0.0, r.onsets, r.pauses, r.results,
                       r.accepted, r.cpu_us);
                fflush(stdout);
            }
    free(tr.pcm);
    vk_recognizer_destroy(rec);
    vk_tts_destroy(tts);
    vk_script_destroy(s);
    return 0;
}
