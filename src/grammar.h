/*
 * grammar: the JSGF grammars in grammars/, and what each phrase means.
 *
 * Each context (answer, command, menu) is the public rule of
 * grammars/<context>.gram.  Rules may refer to rules of any other .gram
 * file in the folder (so every context can include <command> from
 * command.gram).  A tag in braces after a group, such as
 * `(yes | yeah) {yes}`, gives the meaning the dialog acts on.
 *
 * The module reads the subset of JSGF that a kiosk needs (sequences,
 * alternatives, groups, optional [ ] parts, rule references and tags),
 * expands each context into its finite list of phrases, and hands the
 * recogniser a flat grammar of those phrases.  Problems are reported as
 * file:line into a vk_diag.  As with the INI files (see utf8.h), a UTF-8
 * byte order mark is skipped and text that is not UTF-8 is reported.
 */
#ifndef VK_GRAMMAR_H
#define VK_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct vk_grammar vk_grammar;

/* Loads context `name` from folder `dir`.  Every problem in any .gram file
 * of the folder is added to `diag`.  Returns NULL if there was any problem.
 * Free with vk_grammar_destroy(). */
vk_grammar *vk_grammar_load(const char *dir, const char *name, vk_diag *diag);

/* Frees the grammar.  NULL is a no-op. */
void vk_grammar_destroy(vk_grammar *g);

/* The context's name (borrowed). */
const char *vk_grammar_name(const vk_grammar *g);

/* A flat JSGF text of every phrase, for the recogniser (borrowed). */
const char *vk_grammar_jsgf(const vk_grammar *g);

/* The distinct words used, in first-use order (borrowed array). */
const char *const *vk_grammar_words(const vk_grammar *g, size_t *count);

/* The meaning tag of a recognised phrase (words separated by single
 * spaces), or NULL if the phrase is not in the grammar (borrowed). */
const char *vk_grammar_meaning(const vk_grammar *g, const char *words);

/* True if `words` are a phrase with a meaning and no longer phrase that
 * starts with them means something else ("i don't" is no, but "i don't
 * know" is unsure; "no" may go on to "no thanks", also no): the
 * recogniser may end such an utterance early. */
bool vk_grammar_phrase_complete(const vk_grammar *g, const char *words);

/* True if some phrase of the grammar carries this tag. */
bool vk_grammar_has_tag(const vk_grammar *g, const char *tag);

/* Number of phrases, and phrase i with its tag (borrowed), for listing. */
size_t vk_grammar_phrase_count(const vk_grammar *g);
const char *vk_grammar_phrase(const vk_grammar *g, size_t i, const char **tag);

/* The line in `file` where a word is first used, for check messages
 * (0 if unknown). */
int vk_grammar_word_line(const vk_grammar *g, const char *word,
                         const char **file);

#endif
