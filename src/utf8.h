/*
 * utf8: the UTF-8 checks every staff-edited text file gets.
 *
 * Staff edit the INI files and the .gram grammars with whatever editor is
 * at hand.  Windows Notepad starts a UTF-8 file with a byte order mark,
 * which is no part of the first line; an editor set to Latin-1 or
 * Windows-1252 writes bytes that are not UTF-8 at all, which would break
 * the --events JSON and eSpeak NG.  The readers (inifile, grammar) skip the
 * mark with vk_utf8_bom() and report such text, at its line and column,
 * with vk_utf8_check_line() or vk_utf8_check_text().
 */
#ifndef VK_UTF8_H
#define VK_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* The length of the UTF-8 byte order mark at the start of s[0..n): 3 if
 * there is one, else 0. */
size_t vk_utf8_bom(const char *s, size_t n);

/* Checks one line, str[0..n), read from line `line` of `file`.  The first
 * byte that is not UTF-8 text is reported into `diag` as "file:line: not
 * UTF-8 text (byte 0xNN at column C); save the file as UTF-8" (columns
 * count characters), and every such byte is turned into '?' so that none
 * reaches a value.  RFC 3629 allows no overlong forms, no surrogates and
 * nothing above U+10FFFF.  `cut` says the line goes on past str[n]: a
 * sequence cut there is not wrong.  Returns true if the line was UTF-8. */
bool vk_utf8_check_line(vk_diag *diag, const char *file, int line, char *str,
                        size_t n, bool cut);

/* Checks a whole text, text[0..n), line by line as vk_utf8_check_line()
 * does, the first line being line 1 of `file`.  Returns true if all of it
 * was UTF-8. */
bool vk_utf8_check_text(vk_diag *diag, const char *file, char *text, size_t n);

#endif
