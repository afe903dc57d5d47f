/*
 * site_copy: write the copy beside the old one, then swap (see site_copy.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "site_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site.h"
#include "state.h"

#define NAME_FMT "%s/site-%s"
#define NO_SITE "(no site folder: the shipped files)"

/* The site folder's files, relative to it: [0] is the shared settings, the
 * others are per language. */
static const char *const files[] = {"settings.ini", "flow.ini", "contacts.ini"};
#define N_FILES (sizeof files / sizeof files[0])

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* rm -rf, for the copy's own folders only.  A missing folder is fine. */
static bool remove_tree(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return errno == ENOENT;
    return nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS) == 0;
}

/* Copies from to to, synced to disk before it counts. */
static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return false;
    FILE *out = fopen(to, "wb");
    bool ok = out != NULL;
    char buf[16384];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    fclose(in);
    if (out) {
        ok = fflush(out) == 0 && fsync(fileno(out)) == 0 && ok;
        ok = fclose(out) == 0 && ok;
    }
    return ok;
}

static bool write_readme(const char *dir, const char *site_dir)
{
    char path[4400], when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    snprintf(path, sizeof path, "%s/README", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f,
            "saved %s UTC from %s\n\n"
            "Written by voice-kiosk: the last site files that passed its "
            "check.\nIf the site files have problems when the kiosk starts, "
            "it starts from\nthese and says so in its log.  Do not edit "
            "them here: edit the site\nfolder, run `voice-kiosk check`, and "
            "this copy follows.\n",
            when, site_dir ? site_dir : NO_SITE);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    return fclose(f) == 0 && ok;
}

/* Fills the new copy's folder `dir` (made empty here). */
static bool fill(const char *dir, const char *site_dir, const char *lang,
                 char *err, size_t errlen)
{
    char sub[4400], from[4400], to[4400];
    snprintf(sub, sizeof sub, "%s/%s", dir, lang);
    if (!remove_tree(dir) || mkdir(dir, 0700) != 0 || mkdir(sub, 0700) != 0) {
        snprintf(err, errlen, "cannot make %s: %s", sub, strerror(errno));
        return false;
    }
    for (size_t i = 0; site_dir && i < N_FILES; i++) {
        const char *l = i == 0 ? NULL : lang;
        vk_site_path(site_dir, l, files[i], from, sizeof from);
        if (!vk_site_file_exists(from))
            continue;
        vk_site_path(dir, l, files[i], to, sizeof to);
        if (!copy_file(from, to)) {
            snprintf(err, errlen, "cannot copy %s to %s: %s", from, to,
                     strerror(errno));
            return false;
        }
    }
    if (!write_readme(dir, site_dir)) {
        snprintf(err, errlen, "cannot write %s/README: %s", dir,
                 strerror(errno));
        return false;
    }
    return true;
}

vk_err vk_site_copy_save(const char *site_dir, const char *lang,
                         const char *state_dir, char *err, size_t errlen)
{
    char dir[4096], fresh[4200], old[4200];
    int n = snprintf(dir, sizeof dir, NAME_FMT, state_dir, lang);
    if (n < 0 || (size_t)n + 64 >= sizeof dir) {
        snprintf(err, errlen, "the state folder's path is too long");
        return VK_ERR_LIMIT;
    }
    snprintf(fresh, sizeof fresh, "%s.new", dir);
    snprintf(old, sizeof old, "%s.old", dir);
    if (!vk_state_make_dirs(state_dir)) {
        snprintf(err, errlen, "cannot make %s: %s", state_dir, strerror(errno));
        return VK_ERR_IO;
    }
    if (!fill(fresh, site_dir, lang, err, errlen)) {
        remove_tree(fresh);
        return VK_ERR_IO;
    }
    /* The swap: at every moment one complete copy is dir, old or fresh
     * (whose README, written last, says it is complete). */
    if (!remove_tree(old) || (rename(dir, old) != 0 && errno != ENOENT) ||
        rename(fresh, dir) != 0) {
        snprintf(err, errlen, "cannot replace %s: %s", dir, strerror(errno));
        return VK_ERR_IO;
    }
    remove_tree(old);
    /* The renames themselves reach the disk before a power cut can undo
     * them. */
    int fd = open(state_dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return VK_OK;
}

/* True if the README's first line says the copy is of site_dir; its time
 * goes into saved. */
static bool is_copy_of(const char *readme, const char *site_dir, char *saved,
                       size_t savedlen)
{
    FILE *f = fopen(readme, "r");
    if (!f)
        return false;
    char line[4400] = "", day[17], hm[6];
    int from = 0;
    bool ok = fgets(line, sizeof line, f) &&
              sscanf(line, "saved %16[0-9-] %5[0-9:] UTC from %n", day, hm,
                     &from) == 2 &&
              from > 0;
    fclose(f);
    if (!ok)
        return false;
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line + from, site_dir ? site_dir : NO_SITE) != 0)
        return false;
    snprintf(saved, savedlen, "%s %s", day, hm);
    return true;
}

bool vk_site_copy_find(const char *state_dir, const char *site_dir,
                       const char *lang, char *out, size_t len, char *saved,
                       size_t savedlen)
{
    char dir[4096], readme[4400], sub[4400];
    snprintf(dir, sizeof dir, NAME_FMT, state_dir, lang);
    /* A swap cut short leaves only the old copy, or only the new one. */
    const char *tries[3] = {"", ".old", ".new"};
    for (int i = 0; i < 3; i++) {
        int n = snprintf(out, len, "%s%s", dir, tries[i]);
        if (n < 0 || (size_t)n >= len)
            return false;
        snprintf(readme, sizeof readme, "%s/README", out);
        snprintf(sub, sizeof sub, "%s/%s", out, lang);
        if (vk_site_dir_exists(sub) &&
            is_copy_of(readme, site_dir, saved, savedlen))
            return true;
    }
    return false;
}
