/*
 * echo: speexdsp echo canceller + residual echo suppressor, driven frame by
 * frame by the loop (see echo.h for the timing and device settings).
 *
 * The canceller is skipped only once a whole filter length of silence has
 * been fed to it, so its history is all zeros when it stops and is still
 * right when playback starts again.
 *
 * After the suppressor comes a gate: frames that are echo only (the cleaned
 * energy far below the echo's recent level) are replaced by comfort noise
 * at the room's quiet floor, because PocketSphinx's VAD fired on the faint
 * residual (61 false onsets in 379 s of prompts at 0 dB without it).  The
 * same test, "is the cleaned frame far above what the echo leaves?", tells
 * the loop whether a person is speaking (vk_echo_near_end).  A person's
 * first 40 ms (two frames) are gated before it opens.
 */
#include "echo.h"

#include <math.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define VK_ECHO_DEFAULT_FILTER_MS 250
#define VK_ECHO_DEFAULT_SUPPRESS_DB -40
/* Near-end (person) detection: a cleaned frame this far below the echo's
 * level (peak-held, see vk_echo_capture) is echo only.  A person speaking
 * at any usable level keeps the cleaned frame well above that, while the
 * echo alone is taken down by 25-45 dB once the filter has converged. */
#define VK_ECHO_GATE_DB -20.0
#define VK_ECHO_GATE_OPEN 2      /* near-end frames in a row to open */
#define VK_ECHO_GATE_HANG_MS 300 /* then it stays open this long */
/* Until the filter takes this much echo out (smoothed), nothing playing
 * counts as a person: barge-in waits for the canceller to converge. */
#define VK_ECHO_CONVERGED_DB 20.0
/* And a person is told from the kiosk's voice only after this many frames
 * of it (8 s): the smoothed ERLE can pass 20 dB within 4 s, while the
 * residual still swings (a false person at 4 s into the greeting). */
#define VK_ECHO_SETTLE 400
/* Below this mean square (about -50 dBFS) a frame is never a person. */
#define VK_ECHO_FLOOR_MS 1000.0

struct vk_echo {
    vk_echo_opts opts;
    SpeexEchoState *aec;
    SpeexPreprocessState *pp;
    int filter_len; /* samples */
    int16_t *ref;   /* the last frame played */
    int16_t *out;   /* scratch */
    int64_t quiet;  /* samples of silence fed since the last sound */
    int hang;       /* samples left in which the gate stays open */
    int run;        /* near-end frames in a row */
    double floor;   /* quietest frame lately (mean square) */
    double room;   /* the room while nothing plays (mean square), 0 = unknown */
    double hold;   /* microphone level, peak-held over ~250 ms */
    uint32_t seed; /* comfort noise */
    double erle;   /* smoothed echo return loss enhancement, dB */
    int play_frames, loud_frames; /* frames processed / with sound in */
};

void vk_echo_default_opts(vk_echo_opts *o)
{
    memset(o, 0, sizeof *o);
    o->rate = 16000;
    o->frame = 320;
    o->filter_ms = VK_ECHO_DEFAULT_FILTER_MS;
    o->suppress = true;
    o->suppress_db = VK_ECHO_DEFAULT_SUPPRESS_DB;
}

vk_echo *vk_echo_create(const vk_echo_opts *opts)
{
    vk_echo *e = vk_calloc(1, sizeof *e);
    e->opts = *opts;
    if (e->opts.filter_ms <= 0)
        e->opts.filter_ms = VK_ECHO_DEFAULT_FILTER_MS;
    if (e->opts.suppress_db == 0)
        e->opts.suppress_db = VK_ECHO_DEFAULT_SUPPRESS_DB;
    e->filter_len = e->opts.rate / 1000 * e->opts.filter_ms;
    e->aec = speex_echo_state_init(e->opts.frame, e->filter_len);
    if (!e->aec)
        abort(); /* only fails out of memory */
    int rate = e->opts.rate;
    speex_echo_ctl(e->aec, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
    if (e->opts.suppress) {
        e->pp = speex_preprocess_state_init(e->opts.frame, rate);
        if (!e->pp)
            abort();
        /* Residual echo suppression only lives inside the denoiser, so the
         * denoiser is on, but with a 0 dB noise floor: stationary noise is
         * left alone (it hurt recognition) and only echo is suppressed. */
        int on = 1, off = 0, zero = 0, echo_db = e->opts.suppress_db;
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_DENOISE, &on);
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &zero);
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_AGC, &off);
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_DEREVERB, &off);
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS,
                             &echo_db);
        speex_preprocess_ctl(e->pp, SPEEX_PREPROCESS_SET_ECHO_STATE, e->aec);
    }
    e->ref = vk_calloc((size_t)e->opts.frame, sizeof(int16_t));
    e->out = vk_calloc((size_t)e->opts.frame, sizeof(int16_t));
    e->quiet = e->filter_len + e->opts.frame; /* nothing played yet */
    return e;
}

void vk_echo_destroy(vk_echo *e)
{
    if (!e)
        return;
    if (e->pp)
        speex_preprocess_state_destroy(e->pp);
    speex_echo_state_destroy(e->aec);
    free(e->ref);
    free(e->out);
    free(e);
}

bool vk_echo_converged(const vk_echo *e)
{
    /* No echo path: at least 5 s played and under a tenth of it heard. */
    bool no_path =
        e->play_frames >= 250 && e->loud_frames * 10 < e->play_frames;
    return e->erle >= VK_ECHO_CONVERGED_DB || no_path;
}

/* Until the filter has settled, the kiosk's own voice can pass for a
 * person, also in a pause between two sentences (the canceller is then
 * bypassed while the room's tail still arrives). */
bool vk_echo_settled(const vk_echo *e)
{
    return vk_echo_converged(e) && e->play_frames >= VK_ECHO_SETTLE;
}

bool vk_echo_near_end(const vk_echo *e)
{
    /* Nothing played yet: nothing to mistake for a person. */
    if (e->play_frames == 0)
        return true;
    return vk_echo_settled(e) && (!vk_echo_active(e) || e->hang > 0);
}

int vk_echo_near_frames(const vk_echo *e)
{
    return vk_echo_settled(e) && vk_echo_active(e) ? e->run : 0;
}

bool vk_echo_active(const vk_echo *e)
{
    return e->quiet < e->filter_len + e->opts.frame;
}

/* Mean square of one frame. */
static double frame_ms(const int16_t *x, int n)
{
    double acc = 0;
    for (int i = 0; i < n; i++)
        acc += (double)x[i] * x[i];
    return acc / n;
}

void vk_echo_capture(vk_echo *e, int16_t *mic)
{
    if (!vk_echo_active(e)) {
        /* The room while the kiosk is quiet: the comfort noise's level. */
        double q = frame_ms(mic, e->opts.frame);
        /* Its quiet floor, not its mean: people speak while it listens.
         * Falls at once, rises ~0.2 dB/s. */
        if (e->room <= 0 || q < e->room)
            e->room = q + 1e-3;
        else
            e->room *= 1.001;
        /* The run is of frames with echo: a person who spoke into a
         * paused prompt is not still "above the echo" when it resumes. */
        e->run = 0;
        return;
    }
    speex_echo_cancellation(e->aec, mic, e->ref, e->out);
    if (e->pp)
        speex_preprocess_run(e->pp, e->out);
    /* The gate (a "non-linear processor" with comfort noise): even 45 dB
     * down, the residual of the kiosk's voice is loud enough for the
     * recogniser's VAD, which adapts to a quiet room, to call it speech.
     * So frames that are echo only are replaced by noise at the room's own
     * floor; the VAD then sees a steady room until a person speaks. */
    double ein = 0, eout = 0;
    for (int i = 0; i < e->opts.frame; i++) {
        ein += (double)mic[i] * mic[i];
        eout += (double)e->out[i] * e->out[i];
    }
    ein /= e->opts.frame;
    eout /= e->opts.frame;
    /* The comfort noise's level: the room as heard while the kiosk was
     * quiet; until it has been, the quietest frame so far (rising
     * ~0.4 dB/s). */
    if (e->floor <= 0 || ein < e->floor)
        e->floor = ein;
    else
        e->floor *= 1.002;
    double cn = e->room > 0 ? e->room : e->floor;
    /* Compared with the echo of the last ~250 ms, not of this frame: the
     * residual lags the echo's level (the filter's memory), so a frame
     * where the kiosk's voice dips would otherwise look like a person. */
    e->hold = fmax(ein, e->hold * 0.83); /* -10 dB over 250 ms */
    bool near = eout > VK_ECHO_FLOOR_MS &&
                eout > e->hold * pow(10.0, VK_ECHO_GATE_DB / 10.0);
    /* How well the filter does, measured on frames with echo in them;
     * once converged, only on echo-only frames, so a person talking over
     * the prompt does not count as the filter failing. */
    bool loud = ein > 100.0 * cn && ein > VK_ECHO_FLOOR_MS;
    if (loud && (!near || !vk_echo_converged(e)))
        e->erle = 0.98 * e->erle + 0.02 * 10.0 * log10(ein / (eout + 1.0));
    /* And whether any echo reaches the microphone at all (headphones, a
     * directional microphone): then there is nothing to converge on. */
    e->play_frames++;
    e->loud_frames += loud;
    if (e->play_frames >= 5000) { /* 100 s: forget slowly */
        e->play_frames /= 2;
        e->loud_frames /= 2;
    }
    e->run = near ? e->run + 1 : 0;
    if (e->run >= VK_ECHO_GATE_OPEN)
        e->hang = e->opts.rate / 1000 * VK_ECHO_GATE_HANG_MS;
    else if (e->hang > 0)
        e->hang -= e->opts.frame;
    if (e->hang <= 0) {
        double a = sqrt(3.0 * cn);
        for (int i = 0; i < e->opts.frame; i++) {
            e->seed = e->seed * 1664525u + 1013904223u;
            double u = (double)(e->seed >> 8) / 16777216.0 * 2.0 - 1.0;
            e->out[i] = (int16_t)lrint(u * a);
        }
    }
    memcpy(mic, e->out, (size_t)e->opts.frame * sizeof(int16_t));
}

void vk_echo_playback(vk_echo *e, const int16_t *spk)
{
    bool silent = true;
    for (int i = 0; i < e->opts.frame && silent; i++)
        silent = spk[i] == 0;
    memcpy(e->ref, spk, (size_t)e->opts.frame * sizeof(int16_t));
    e->quiet = silent ? e->quiet + e->opts.frame : 0;
}
