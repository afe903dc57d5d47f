/* Small helpers shared by the unit tests: temporary folders and files, and
 * searching collected diagnostics. */
#ifndef VK_TEST_UTIL_H
#define VK_TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* A new empty folder under /tmp (free with vk_test_rmdir). */
char *vk_test_dir(void);
/* Writes `text` to dir/name. */
void vk_test_write(const char *dir, const char *name, const char *text);
/* Removes the folder and everything in it, and frees the name. */
void vk_test_rmdir(char *dir);
/* True if a diagnostic starts with or contains `needle`; prints all of
 * them when it does not, so a failure shows both sides. */
bool vk_test_diag_has(const vk_diag *d, const char *needle);

#endif
