/*
 * lab: experiment driver for src/asr.c.  It #includes asr.c so it can read
 * the per-utterance measurements (vk_asr_feats) and change the tuning knobs
 * without exporting them from the real module.
 *
 * usage: lab [-snr dB] [-end ms] [-ctx answer|menu] manifest.tsv datadir >
 * out.tsv Every clip is padded with 0.5 s of silence each side and fed in 20 ms
 * chunks, one fresh stream (vk_asr_reset) per clip.  With -snr, clips whose
 * label is yes/no are mixed with the scnoise recordings (round robin, random
 * offset, noise over the whole padded clip) at that speech-to-noise ratio.
 * Output: one line per utterance with the raw features and timings.
 */
#include "../../src/asr.c"

#include "../../src/grammar.h"
#include "../../src/recognizer.h"

#include <sndfile.h>
#include <time.h>

static const char *ANSWER_JSGF =
    "#JSGF V1.0;\n"
    "grammar answer;\n"
    "public <answer> = <yes> | <no> | <unsure> | <cmd>;\n"
    "<yes> = yes {yes} | yeah {yes} | yep {yes} | yes please {yes} | sure "
    "{yes} | i do {yes} | that's right {yes};\n"
    "<no> = no {no} | nope {no} | not really {no} | no thanks {no} | i don't "
    "{no};\n"
    "<unsure> = not sure | i'm not sure | i don't know | maybe;\n"
    "<cmd> = help | repeat | say that again | go back | back | skip | stop | "
    "pause | continue;\n";
static const char *ANSWER_WORDS[] = {
    "yes",   "yeah",  "yep",  "please", "sure",    "i",      "do",    "that's",
    "right", "no",    "nope", "not",    "really",  "thanks", "don't", "i'm",
    "know",  "maybe", "help", "repeat", "say",     "that",   "again", "go",
    "back",  "skip",  "stop", "pause",  "continue"};

/* Wall and CPU time of every feed call: [1] and [3] those that returned
 * DONE (the turn's compute inside the recogniser), [0] and [2] every other
 * one (what the audio thread pays per 20 ms block). */
static double *times[4];
static size_t ntimes[4], captimes[4];

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void feed_time(int done, double ms)
{
    if (ntimes[done] == captimes[done]) {
        captimes[done] = captimes[done] ? 2 * captimes[done] : 4096;
        times[done] = realloc(times[done], captimes[done] * sizeof(double));
        if (!times[done])
            abort();
    }
    times[done][ntimes[done]++] = ms;
}

static int cmp_d(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void print_times(void)
{
    static const char *what[4] = {
        "other feeds, wall", "feeds ending an utterance, wall",
        "other feeds, CPU", "feeds ending an utterance, CPU"};
    for (int d = 0; d < 4; d++) {
        size_t n = ntimes[d];
        if (!n)
            continue;
        qsort(times[d], n, sizeof(double), cmp_d);
        fprintf(stderr, "%s: n=%zu median %.3f p95 %.3f p99 %.3f max %.3f ms\n",
                what[d], n, times[d][n / 2], times[d][n * 95 / 100],
                times[d][n * 99 / 100], times[d][n - 1]);
        free(times[d]);
    }
}

/* -kiosk: the early end of src/recognizer.c (vk_grammar_phrase_complete). */
static int lab_complete(void *user, const char *context, const char *words)
{
    (void)context;
    return user && vk_grammar_phrase_complete(user, words);
}

/* -kiosk: the phrases src/recognizer.c spares from the clean veto. */
static int lab_spared(void *user, const char *context, const char *words)
{
    (void)context;
    return vk_recognizer_spared_phrase(user, words);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int16_t *load(const char *path, size_t *n)
{
    SF_INFO si;
    memset(&si, 0, sizeof si);
    SNDFILE *sf = sf_open(path, SFM_READ, &si);
    if (!sf)
        return NULL;
    if (si.samplerate != 16000 || si.channels != 1) {
        fprintf(stderr, "%s: not 16k mono\n", path);
        sf_close(sf);
        return NULL;
    }
    int16_t *b = vk_malloc((size_t)si.frames * sizeof *b + 2);
    *n = (size_t)sf_readf_short(sf, b, si.frames);
    sf_close(sf);
    return b;
}

static double rms_active(const int16_t *x, size_t n)
{
    /* mean power of the 10 ms frames within 20 dB of the loudest */
    size_t nf = n / 160;
    double mx = 0, *pw = vk_calloc(nf + 1, sizeof *pw);
    for (size_t f = 0; f < nf; f++) {
        double s = 0;
        for (int i = 0; i < 160; i++)
            s += (double)x[f * 160 + i] * x[f * 160 + i];
        pw[f] = s / 160;
        if (pw[f] > mx)
            mx = pw[f];
    }
    double s = 0;
    int c = 0;
    for (size_t f = 0; f < nf; f++)
        if (pw[f] >= mx / 100) {
            s += pw[f];
            c++;
        }
    free(pw);
    return c ? s / c : 0;
}

int main(int argc, char **argv)
{
    double snr = 1e9;
    int end_ms = 0, ai = 1, mixall = 0, kiosk = 0, nopad = 0;
    const char *gdir = NULL, *pllm = NULL;
    /* the kiosk's adapted means (run from bench/asr_lab); -means stock:
     * the model's own */
    const char *means = "../../acoustic/en-us/means";
    const char *rivals = "../../acoustic/en-us/rivals";
    const char *dict = NULL; /* the package's CMU dictionary */
    vk_grammar *gr[3] = {0};
    static const char *CTXS[3] = {"answer", "command", "menu"};
    const char *ctx = "answer";
    const char *grammar = ANSWER_JSGF;
    while (ai < argc && argv[ai][0] == '-') {
        if (!strcmp(argv[ai], "-snr"))
            snr = atof(argv[++ai]);
        else if (!strcmp(argv[ai], "-end"))
            end_ms = atoi(argv[++ai]);
        else if (!strcmp(argv[ai], "-g")) {
            size_t gl;
            grammar = vk_read_file(argv[++ai], 1 << 20, &gl);
        } else if (!strcmp(argv[ai], "-gdir"))
            gdir = argv[++ai];
        else if (!strcmp(argv[ai], "-means")) {
            means = argv[++ai];
            if (!strcmp(means, "stock"))
                means = NULL;
        } else if (!strcmp(argv[ai], "-rivals")) {
            rivals = argv[++ai];
            if (!strcmp(rivals, "none"))
                rivals = NULL;
        } else if (!strcmp(argv[ai], "-dict"))
            dict = argv[++ai];
        else if (!strcmp(argv[ai], "-ctx"))
            ctx = argv[++ai];
        else if (!strcmp(argv[ai], "-mixall"))
            mixall = 1;
        else if (!strcmp(argv[ai], "-gx") || !strcmp(argv[ai], "-plx") ||
                 !strcmp(argv[ai], "-g2x") || !strcmp(argv[ai], "-p2x")) {
            /* -gx/-plx: the live pass, -g2x/-p2x: the second pass */
            int which = (argv[ai][1] == 'p') + 2 * (strchr(argv[ai], '2') != 0);
            int k = 0;
            while (vk_asr_extra[which][k])
                k += 2;
            vk_asr_extra[which][k] = argv[++ai];
            vk_asr_extra[which][k + 1] = argv[++ai];
        } else if (!strcmp(argv[ai], "-noblank"))
            vk_asr_blank_below_reject = 0;
        else if (!strcmp(argv[ai], "-nopl"))
            vk_asr_use_phone_loop = 0;
        else if (!strcmp(argv[ai], "-no2"))
            vk_asr_use_second_pass = 0;
        else if (!strcmp(argv[ai], "-both"))
            vk_asr_keep_live_accept = 0;
        else if (!strcmp(argv[ai], "-kiosk"))
            kiosk = 1;
        else if (!strcmp(argv[ai], "-nopad"))
            nopad = 1; /* clips already padded (bench_items.py) */
        else if (!strcmp(argv[ai], "-pre"))
            vk_asr_pre_ms = atoi(argv[++ai]);
        ai++;
    }
    if (argc - ai < 2) {
        fprintf(stderr,
                "usage: lab [-snr dB] [-end ms] manifest.tsv datadir\n");
        return 2;
    }
    const char *man = argv[ai], *dir = argv[ai + 1];
    vk_asr_opts o = {0};
    o.end_silence_ms = end_ms;
    o.means_path = means;
    o.rivals_path = rivals;
    o.dict_path = dict;
    vk_asr *a;
    char eb[256];
    double t0 = now_ms();
    if (vk_asr_create(&o, &a, eb, sizeof eb) != VK_OK) {
        fprintf(stderr, "create: %s\n", eb);
        return 1;
    }
    if (pllm && a->pl) {
        if (ps_set_allphone_file(a->pl, "pllm", pllm) < 0 ||
            ps_set_search(a->pl, "pllm") < 0) {
            fprintf(stderr, "phone lm %s failed\n", pllm);
            return 1;
        }
    }
    double t1 = now_ms();
    if (gdir) {
        /* the shipped grammars, added exactly as src/recognizer.c does */
        vk_diag *dg = vk_diag_create();
        for (int i = 0; i < 3; i++) {
            gr[i] = vk_grammar_load(gdir, CTXS[i], dg);
            size_t nw;
            const char *const *w = gr[i] ? vk_grammar_words(gr[i], &nw) : NULL;
            if (!gr[i] || vk_asr_add_context(a, CTXS[i], vk_grammar_jsgf(gr[i]),
                                             w, nw, eb, sizeof eb) != VK_OK) {
                fprintf(stderr, "grammar %s: %s\n", CTXS[i], eb);
                return 1;
            }
        }
        vk_diag_destroy(dg);
        if (vk_asr_set_context(a, ctx) != VK_OK) {
            fprintf(stderr, "no context %s\n", ctx);
            return 1;
        }
    } else if (vk_asr_add_context(a, "answer", grammar, ANSWER_WORDS,
                                  sizeof ANSWER_WORDS / sizeof *ANSWER_WORDS,
                                  eb, sizeof eb) != VK_OK) {
        fprintf(stderr, "ctx: %s\n", eb);
        return 1;
    }
    const vk_grammar *cg = NULL;
    for (int i = 0; i < 3; i++)
        if (gr[i] && !strcmp(CTXS[i], ctx))
            cg = gr[i];
    if (kiosk && cg) {
        vk_asr_set_complete(a, lab_complete, (void *)cg);
        vk_asr_set_spared(a, lab_spared, (void *)cg);
    }
    double t2 = now_ms();
    fprintf(stderr, "create %.1f ms, add_context %.1f ms\n", t1 - t0, t2 - t1);

    /* noise clips for mixing */
    FILE *mf = fopen(man, "r");
    char line[2048], path[4096];
    int16_t *noise[64];
    size_t nnoise[64];
    int nn = 0;
    while (fgets(line, sizeof line, mf))
        if (strstr(line, "/scnoise/") && nn < 64) {
            *strchr(line, '\t') = 0;
            snprintf(path, sizeof path, "%s/%s", dir, line);
            noise[nn] = load(path, &nnoise[nn]);
            if (noise[nn])
                nn++;
        }
    rewind(mf);
    srand(7);
    int ci = 0;
    printf("path\tlabel\tspeaker\tuidx\twords\tconf\tnframes\tg_ascr\tpl_"
           "ascr\tg_score\tnwords\traw\td\tstart\tend\tturn_ms\tclip_ms\tclip_"
           "s\twframes\tw_ascr\tw_pl\tdw\tminw\tmeaning\tlabel_meaning\tlive_"
           "z\tpass2\tl_meaning\tl_raw\tl_dw\tl_"
           "d\tl_wframes\tl_nframes\tl_minw\trival_won\trival_margin\trival_"
           "veto\trival_hyp\tspare\tl_spare\trival_far\tsnr\trival_strange\n");
    while (fgets(line, sizeof line, mf)) {
        char *f[5];
        int nf = 0;
        char *p = line;
        line[strcspn(line, "\r\n")] = 0;
        while (nf < 5 && p) {
            f[nf++] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        if (nf < 3 || !strcmp(f[0], "path"))
            continue;
        int isyn = !strcmp(f[1], "yes") || !strcmp(f[1], "no") ||
                   (mixall && strcmp(f[1], "noise") != 0);
        if (snr < 1e8 && !isyn)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, f[0]);
        size_t n;
        int16_t *x = load(path, &n);
        if (!x)
            continue;
        /* -kiosk: 1 s more of digital silence after the padded clip (and
         * after its noise), as `voice-kiosk recognize` feeds */
        size_t pad = nopad ? 0 : 8000, tot = n + 2 * pad,
               tail = kiosk ? 16000 : 0;
        int16_t *y = vk_calloc(tot + tail, sizeof *y);
        memcpy(y + pad, x, n * sizeof *x);
        if (snr < 1e8 && nn) {
            int k = ci++ % nn;
            double ps = rms_active(x, n);
            /* a clip longer than the noise wraps around it */
            size_t nk = nnoise[k],
                   off = (size_t)rand() % (nk > tot ? nk - tot : nk);
            double pn = 0;
            for (size_t i = 0; i < tot; i++)
                pn +=
                    (double)noise[k][(off + i) % nk] * noise[k][(off + i) % nk];
            pn /= tot;
            double g = pn > 0 ? sqrt(ps / pn / pow(10, snr / 10)) : 0;
            for (size_t i = 0; i < tot; i++) {
                double v = y[i] + g * noise[k][(off + i) % nk];
                y[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
            }
        }
        vk_asr_reset(a);
        int u = 0;
        double c0 = now_ms();
        tot += tail;
        for (size_t i = 0; i <= tot; i += 320) {
            size_t k = tot - i < 320 ? tot - i : 320;
            double s0 = now_ms(), u0 = cpu_ms();
            vk_asr_state st = k ? vk_asr_feed(a, y + i, k) : vk_asr_flush(a);
            double s1 = now_ms(), u1 = cpu_ms();
            feed_time(st == VK_ASR_DONE, s1 - s0);
            feed_time(2 + (st == VK_ASR_DONE), u1 - u0);
            if (st == VK_ASR_DONE) {
                vk_asr_result r;
                vk_asr_get_result(a, &r);
                vk_asr_feats *fe = &a->feats;
                const char *m =
                    cg && r.words[0] ? vk_grammar_meaning(cg, r.words) : NULL;
                const char *lm = cg ? vk_grammar_meaning(cg, f[1]) : NULL;
                vk_asr_feats *lf = &a->lfeats;
                const char *lwm = cg && r.live_words[0]
                                      ? vk_grammar_meaning(cg, r.live_words)
                                      : NULL;
                printf(
                    "%s\t%s\t%s\t%d\t%s\t%.4f\t%d\t%ld\t%ld\t%ld\t%d\t%."
                    "4f\t%.2f\t%.2f\t%.2f\t%.3f\t%.2f\t%.2f\t%d\t%ld\t%."
                    "0f\t%.2f\t%d\t%s\t%s\t%.3f\t%d\t%s\t%.4f\t%.2f\t%."
                    "2f\t%d\t%d\t%d\t%d\t%ld\t%d\t%s\t%d\t%d\t%d\t%.1f\t%d\n",
                    f[0], f[1], f[2], u++, r.words, r.confidence, fe->nframes,
                    fe->g_ascr, fe->pl_ascr, fe->g_score, fe->nwords, fe->raw,
                    fe->d, r.start_s, r.end_s, s1 - s0, 0.0, tot / 16000.0,
                    fe->wframes, fe->w_ascr, fe->w_pl, fe->dw, fe->minw,
                    m ? m : "", lm ? lm : (cg ? "" : f[1]), fe->live_z, a->did2,
                    lwm ? lwm : "", lf->raw, lf->dw, lf->d, lf->wframes,
                    lf->nframes, lf->minw, a->did2 && a->rv_won,
                    fe->rival_margin, fe->rival_veto, a->did2 ? a->rv_hyp : "",
                    fe->spare, lf->spare, a->did2 && a->rv_far,
                    a->did2 ? fe->snr : 0.0, a->did2 && fe->rival_strange);
            }
            if (!k)
                break;
        }
        double c1 = now_ms();
        if (!u)
            printf("%s\t%s\t%s\t-1\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t%.2f\t%."
                   "2f\t0\t0\t0\t0\t0\t\t\t0\t0\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
                   "\t0\n",
                   f[0], f[1], f[2], c1 - c0, tot / 16000.0);
        else
            printf("%s\t%s\t%s\t-2\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t%.2f\t%."
                   "2f\t0\t0\t0\t0\t0\t\t\t0\t0\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
                   "\t0\n",
                   f[0], f[1], f[2], c1 - c0, tot / 16000.0);
        free(x);
        free(y);
    }
    fclose(mf);
#ifdef VK_ASR_AHEAD_MAX /* absent in builds of asr.c before it */
    fprintf(stderr, "second pass ready at the end: %lu, run at the end: %lu\n",
            a->ahead_hits, a->ahead_misses);
#endif
    print_times();
    vk_asr_destroy(a);
    for (int i = 0; i < 3; i++)
        vk_grammar_destroy(gr[i]);
    return 0;
}
