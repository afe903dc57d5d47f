/*
 * check: everything `voice-kiosk check` verifies, as one call, so the
 * command, the reload of a running kiosk and the tests agree on what a
 * good set of files is.
 *
 * On top of the script's own validation (script.h: steps, links, the
 * contacts at the end, sign 3 to the crisis contacts, phones, SSML,
 * placeholders, site overrides) it checks the grammars against the flow (a
 * question needs a grammar that can answer it; every menu topic needs a
 * phrase), every grammar word against the pronunciation dictionary (with
 * the nearest words as a hint), and lists prompts too long to hear
 * comfortably as warnings.
 */
#ifndef VK_CHECK_H
#define VK_CHECK_H

#include <stdbool.h>

#include "diag.h"
#include "script.h"
#include "tts.h"

#define VK_CHECK_LONG_PROMPT_S 25.0
/* [system] wake may be said to an empty room: over this many seconds it is
 * warned about (ACCESSIBILITY.md A10: no more than 3 s). */
#define VK_CHECK_WAKE_S 3.0

typedef struct vk_check_opts {
    vk_script_src src;        /* the prompts, site folder and language */
    const char *grammars_dir; /* grammars/ */
    const char *dict_path; /* NULL = the CMU dictionary of pocketsphinx-en-us */
    bool keys_only;        /* no recognition for this language: skip grammars */
    int rate_wpm;          /* speech rate for the length estimates */
    double long_prompt_s;  /* 0 = VK_CHECK_LONG_PROMPT_S */
    vk_tts *tts;           /* borrowed; measure lengths by synthesis, or
                              NULL to estimate them from the word count */
} vk_check_opts;

/* Runs every check.  Errors go to `errors` and warnings to `warnings`
 * (may be NULL), each as file:line: message.  If `script_out` is not NULL
 * and the files have no errors, *script_out is the loaded script (free
 * with vk_script_destroy()), else NULL.  Returns the number of errors. */
int vk_check_run(const vk_check_opts *o, vk_diag *errors, vk_diag *warnings,
                 vk_script **script_out);

/* The length, in seconds, of `text` spoken with `voice` at `rate_wpm`:
 * synthesised with `tts` if not NULL, else estimated from its words and
 * pauses. */
double vk_check_spoken_seconds(vk_tts *tts, const char *voice, int rate_wpm,
                               const char *text);

#endif
