/*
 * ssml: the small part of SSML that staff may use in prompts, checked
 * before eSpeak NG ever sees it, and stripped for the captions.
 *
 * eSpeak NG reads SSML only when it is asked to (the espeakSSML flag), and
 * it skips what it does not understand without a word, so a typo in a tag
 * would simply go unheard.  This module accepts exactly the tags eSpeak NG
 * acts on and that fit the kiosk's one-sentence-at-a-time speech:
 *
 *   <break time="500ms"/>  <break strength="strong"/>     a pause
 *   <emphasis level="strong">...</emphasis>               stress
 *   <prosody rate="slow" pitch="low" volume="loud">...</prosody>
 *   <say-as interpret-as="characters|tts:char|tts:digits|telephone">...
 *   <sub alias="spoken words">written words</sub>
 *   &amp; &lt; &gt; &quot; &apos; &#NN;
 *
 * A tag must open and close inside one sentence, because the kiosk speaks
 * (and captions) a prompt one sentence at a time.  Everything else
 * (<speak>, <p>, <s>, <voice>, <audio>, <phoneme>, <mark>, HTML) is refused
 * with a hint.  Nothing here allocates except vk_ssml_plain().
 */
#ifndef VK_SSML_H
#define VK_SSML_H

#include <stdbool.h>

#include "diag.h"

/* Checks one spoken value.  Every problem goes to `diag` as
 * file:line: '<what>': message (with a hint).  `file` and `what` are
 * borrowed.  Returns true if the text is fine. */
bool vk_ssml_check(const char *text, const char *file, int line,
                   const char *what, vk_diag *diag);

/* The text as a caption shows it: tags removed and entities decoded.
 * Returns a new string; free with free(). */
char *vk_ssml_plain(const char *text);
/* The end of the sentence that starts at `p`: just past its . ? or !
 * (followed by a space or the end of the text), or the end of the text.
 * The kiosk speaks and captions prompts one such sentence at a time. */
const char *vk_ssml_sentence_end(const char *p);

/* The pauses the text asks for with <break>, in milliseconds (strengths
 * count as eSpeak NG plays them).  For length estimates. */
int vk_ssml_pause_ms(const char *text);

/* True if the text has any tag or entity (so it must be spoken as SSML). */
bool vk_ssml_has_markup(const char *text);

#endif
