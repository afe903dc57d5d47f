/* site_copy: the last good site files, kept in the state folder.
 *   - a save copies exactly the site's files and says when;
 *   - a second save replaces the copy whole (a file the site no longer
 *     has is gone from the copy too);
 *   - no site folder is an empty copy; another language has none;
 *   - a swap cut short (only the old copy left) is still found;
 *   - a state folder that cannot be made is an error naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "mem.h"
#include "site_copy.h"
#include "test_util.h"

static char *read_in(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    return vk_read_file(path, 1 << 20, &n);
}

static bool exists(const char *dir, const char *name)
{
    char path[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void rm_rf(const char *dir)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void save_find_replace(void **state)
{
    (void)state;
    char *site = vk_test_dir(), *st = vk_test_dir();
    char lang_dir[4200], copy[4096], saved[32], err[8400];
    snprintf(lang_dir, sizeof lang_dir, "%s/en-US", site);
    assert_int_equal(mkdir(lang_dir, 0700), 0);
    vk_test_write(site, "settings.ini", "[timing]\nno_answer = 12\n");
    vk_test_write(lang_dir, "flow.ini", "[greeting]\ntext = Hi.\n");
    vk_test_write(lang_dir, "contacts.ini", "[a]\nname = A\n");

    /* Nothing saved yet. */
    assert_false(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                   sizeof saved));
    assert_int_equal(vk_site_copy_save(site, "en-US", st, err, sizeof err),
                     VK_OK);
    assert_true(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    char want[4200];
    snprintf(want, sizeof want, "%s/site-en-US", st);
    assert_string_equal(copy, want);
    assert_int_equal(strlen(saved), 16); /* YYYY-MM-DD HH:MM */
    char *t = read_in(copy, "en-US/flow.ini");
    assert_string_equal(t, "[greeting]\ntext = Hi.\n");
    free(t);
    t = read_in(copy, "settings.ini");
    assert_string_equal(t, "[timing]\nno_answer = 12\n");
    free(t);
    t = read_in(copy, "README");
    assert_non_null(strstr(t, site));
    free(t);
    /* Another language has no copy. */
    assert_false(vk_site_copy_find(st, site, "es-ES", copy, sizeof copy, saved,
                                   sizeof saved));

    /* The site drops its contacts and changes its greeting. */
    char path[4400];
    snprintf(path, sizeof path, "%s/contacts.ini", lang_dir);
    assert_int_equal(remove(path), 0);
    vk_test_write(lang_dir, "flow.ini", "[greeting]\ntext = Hello.\n");
    assert_int_equal(vk_site_copy_save(site, "en-US", st, err, sizeof err),
                     VK_OK);
    assert_true(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    t = read_in(copy, "en-US/flow.ini");
    assert_string_equal(t, "[greeting]\ntext = Hello.\n");
    free(t);
    assert_false(exists(copy, "en-US/contacts.ini"));
    assert_false(exists(st, "site-en-US.old"));
    assert_false(exists(st, "site-en-US.new"));

    /* A copy of another site folder is not this one's. */
    assert_false(vk_site_copy_find(st, "/etc/other-site", "en-US", copy,
                                   sizeof copy, saved, sizeof saved));

    /* No site folder: an empty copy, which is still a copy (of none). */
    assert_int_equal(vk_site_copy_save(NULL, "en-US", st, err, sizeof err),
                     VK_OK);
    assert_false(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                   sizeof saved));
    assert_true(vk_site_copy_find(st, NULL, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    assert_false(exists(copy, "settings.ini"));
    assert_false(exists(copy, "en-US/flow.ini"));
    assert_true(exists(copy, "en-US"));

    rm_rf(site);
    rm_rf(st);
    free(site);
    free(st);
}

/* The copy left as site-en-US<suffix> only, as a swap cut short would. */
static void swap_cut_short(const char *st, const char *site, const char *suffix)
{
    char a[4200], b[4400], copy[4096], saved[32], err[8400];
    snprintf(a, sizeof a, "%s/site-en-US", st);
    snprintf(b, sizeof b, "%s%s", a, suffix);
    assert_int_equal(rename(a, b), 0);
    assert_true(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    assert_string_equal(copy, b);
    assert_int_equal(vk_site_copy_save(site, "en-US", st, err, sizeof err),
                     VK_OK);
    assert_true(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    assert_string_equal(copy, a);
    assert_false(exists(st, b + strlen(st) + 1));
}

static void cut_short_and_unwritable(void **state)
{
    (void)state;
    char *site = vk_test_dir(), *st = vk_test_dir();
    char lang_dir[4200], copy[4096], saved[32], err[8400], a[4200], b[4400];
    snprintf(lang_dir, sizeof lang_dir, "%s/en-US", site);
    assert_int_equal(mkdir(lang_dir, 0700), 0);
    vk_test_write(lang_dir, "flow.ini", "[greeting]\ntext = Hi.\n");
    assert_int_equal(vk_site_copy_save(site, "en-US", st, err, sizeof err),
                     VK_OK);

    /* A power cut between the two renames leaves only the old copy; one
     * after the old copy was cleared, only the new one (whose README says
     * it is complete).  Either is found, and the next save makes a whole
     * copy again and clears it. */
    snprintf(a, sizeof a, "%s/site-en-US", st);
    swap_cut_short(st, site, ".old");
    swap_cut_short(st, site, ".new");

    /* A copy without its README (a save cut short before the swap cannot
     * make one, but a hand-made folder can) is not taken. */
    snprintf(b, sizeof b, "%s/README", a);
    assert_int_equal(remove(b), 0);
    assert_false(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                   sizeof saved));
    assert_int_equal(vk_site_copy_save(site, "en-US", st, err, sizeof err),
                     VK_OK);

    /* A state folder that cannot be made: an error naming it, and the
     * copy there is left alone. */
    char bad[4400];
    snprintf(bad, sizeof bad, "%s/README/state", a);
    err[0] = '\0';
    assert_int_equal(vk_site_copy_save(site, "en-US", bad, err, sizeof err),
                     VK_ERR_IO);
    assert_non_null(strstr(err, bad));
    assert_true(vk_site_copy_find(st, site, "en-US", copy, sizeof copy, saved,
                                  sizeof saved));
    char *t = read_in(copy, "en-US/flow.ini");
    assert_string_equal(t, "[greeting]\ntext = Hi.\n");
    free(t);

    rm_rf(site);
    rm_rf(st);
    free(site);
    free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(save_find_replace),
        cmocka_unit_test(cut_short_and_unwritable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
