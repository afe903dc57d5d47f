/* Small helpers shared by the unit tests: temporary folders and files,
 * searching collected diagnostics, and a dialog over the shipped prompts. */
#ifndef VK_TEST_UTIL_H
#define VK_TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "dialog.h"
#include "script.h"
#include "session.h"

/* A new empty folder under /tmp (free with vk_test_rmdir). */
char *vk_test_dir(void);
/* Writes `text` to dir/name. */
void vk_test_write(const char *dir, const char *name, const char *text);
/* Removes the folder and everything in it, and frees the name. */
void vk_test_rmdir(char *dir);
/* True if a diagnostic starts with or contains `needle`; prints all of
 * them when it does not, so a failure shows both sides. */
bool vk_test_diag_has(const vk_diag *d, const char *needle);

/* The shipped English walk-through, a session and its dialog (accept band
 * 0.8, confirm band 0.4), and the actions the test collects: a cmocka
 * fixture (vk_test_dialog_setup / vk_test_dialog_teardown). */
typedef struct vk_test_dialog {
    vk_script *script;
    vk_session *session;
    vk_dialog *dialog;
    vk_actions acts;
} vk_test_dialog;
int vk_test_dialog_setup(void **state);
int vk_test_dialog_teardown(void **state);

#endif
