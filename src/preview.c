/*
 * preview: prompt id -> text -> sentences -> eSpeak NG -> one buffer.
 */
#define _POSIX_C_SOURCE 200809L
#include "preview.h"

#include <stdlib.h>
#include <string.h>

#include "dsp.h"
#include "mem.h"
#include "ssml.h"

/* The ceiling: a whole flow is a few minutes of speech. */
#define MAX_SECONDS 1800

/* Speaks `text` sentence by sentence, as kiosk.c splits it (at . ? !
 * followed by a space or the end). */
static vk_err render_text(const vk_script *s, vk_tts *tts, int rate,
                          const char *id, const char *text, FILE *captions,
                          vk_pcm_buf *b)
{
    if (captions)
        fprintf(captions, "[%s]\n", id);
    const char *p = text;
    while (*p == ' ')
        p++;
    while (*p) {
        const char *e = vk_ssml_sentence_end(p);
        char *sentence = vk_strndup(p, (size_t)(e - p));
        if (captions) {
            char *plain = vk_ssml_plain(sentence);
            fprintf(captions, "%s\n", plain);
            free(plain);
        }
        int16_t *pcm;
        size_t n;
        vk_err err =
            vk_tts_say(tts, vk_script_voice(s), rate, sentence, &pcm, &n);
        free(sentence);
        if (err != VK_OK)
            return err;
        (void)vk_pcm_append(b, pcm, n);
        free(pcm);
        p = e;
        while (*p == ' ')
            p++;
    }
    if (captions)
        fflush(captions);
    return VK_OK;
}

/* The text of prompt `id`, and its step (NULL for system prompts). */
static const char *text_of(const vk_script *s, const char *id,
                           const vk_step **step)
{
    *step = NULL;
    if (strncmp(id, "system.", 7) == 0) {
        const char *t = vk_script_system(s, id + 7);
        return *t ? t : NULL;
    }
    const vk_step *st = vk_script_step(s, id);
    if (st) {
        *step = st;
        return st->text;
    }
    static const char *const parts[] = {".help", ".text_again"};
    for (int k = 0; k < 2; k++) {
        size_t il = strlen(id), pl = strlen(parts[k]);
        if (il <= pl || strcmp(id + il - pl, parts[k]) != 0)
            continue;
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(il - pl), id);
        st = vk_script_step(s, base);
        if (st) {
            *step = st;
            return k == 0 ? st->help : st->text_again;
        }
    }
    return NULL;
}

/* True if `id` is system.KEY for a [system] prompt the script knows. */
static bool is_system_key(const char *id)
{
    const char *name;
    for (size_t i = 0;
         strncmp(id, "system.", 7) == 0 && (name = vk_script_system_key(i));
         i++)
        if (strcmp(name, id + 7) == 0)
            return true;
    return false;
}

static void nearest_ids(const vk_script *s, const char *id, char *out,
                        size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < vk_script_step_count(s) && o + 1 < len; i++) {
        const char *cand = vk_script_step_at(s, i)->id;
        if (vk_diag_edit_distance(id, cand, 3) <= 3)
            o +=
                (size_t)snprintf(out + o, len - o, "%s%s", o ? ", " : "", cand);
    }
}

vk_err vk_preview_render(const vk_script *s, vk_tts *tts, int rate_wpm,
                         const char *id, FILE *captions, int16_t **pcm,
                         size_t *n, char *errbuf, size_t errlen)
{
    *pcm = NULL;
    *n = 0;
    vk_pcm_buf b = {.max = (size_t)MAX_SECONDS * 16000};
    vk_err e = VK_OK;
    if (id) {
        const vk_step *st;
        const char *text = text_of(s, id, &st);
        if (!text && vk_script_voice_only(s) && is_system_key(id)) {
            snprintf(errbuf, errlen,
                     "'%s' says nothing when there are no keys (voice only: "
                     "the keys lines are left out, or its .voice variant is "
                     "empty)",
                     id);
            return VK_ERR_NOTFOUND;
        }
        if (!text) {
            char near[512];
            nearest_ids(s, id, near, sizeof near);
            snprintf(errbuf, errlen,
                     "no prompt called '%s'%s%s%s; a prompt is a step name "
                     "from flow.ini (such as sign.3), STEP.help, "
                     "STEP.text_again, or system.KEY (such as system.help)",
                     id, near[0] ? " (nearest: " : "", near,
                     near[0] ? ")" : "");
            return VK_ERR_NOTFOUND;
        }
        char *full = vk_script_sample_text(s, st, text);
        e = render_text(s, tts, rate_wpm, id, full, captions, &b);
        free(full);
    } else {
        for (int i = 0; e == VK_OK && i < vk_script_step_count(s); i++) {
            const vk_step *st = vk_script_step_at(s, i);
            char *full = vk_script_sample_text(s, st, st->text);
            if (i > 0)
                (void)vk_pcm_append(&b, NULL, VK_PREVIEW_GAP_MS * 16);
            e = render_text(s, tts, rate_wpm, st->id, full, captions, &b);
            free(full);
        }
    }
    if (e != VK_OK) {
        snprintf(errbuf, errlen, "eSpeak NG could not speak with voice '%s'",
                 vk_script_voice(s));
        free(b.pcm);
        return e;
    }
    *pcm = b.pcm;
    *n = b.n;
    return VK_OK;
}
