/*
 * content: a last-good script, a fingerprint of the watched files, and a
 * reload flag a signal handler may set.
 */
#define _POSIX_C_SOURCE 200809L
#include "content.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "site.h"

#define N_WATCHED 5

typedef struct stamp {
    bool exists;
    long long size;
    long long mtime_ns;
} stamp;

struct vk_content {
    vk_check_opts opts;
    char *prompts_dir, *site_dir, *lang, *grammars_dir, *dict_path;
    char watched[N_WATCHED][4096];
    stamp stamps[N_WATCHED];
    vk_script *script;  /* in use */
    vk_script *retired; /* the one before, kept one more round */
    /* Checked on a reload asked for while a session may run
     * (vk_content_check_reload), taken by the next refresh if no watched
     * file changed since. */
    vk_script *pending;
    int refused;
    bool last_refused;      /* the last reload was refused */
    bool from_copy;         /* the script in use came from the copy */
    bool started_from_copy; /* ... and it did at the start */
    stamp settings_told;    /* settings.ini as the log last described it */
};

static volatile sig_atomic_t reload_requested;

void vk_content_request_reload(void)
{
    reload_requested = 1;
}

static char *dup_or_null(const char *s)
{
    return s ? vk_strdup(s) : NULL;
}

static stamp stamp_of(const char *path)
{
    struct stat st;
    stamp s = {0};
    if (path[0] && stat(path, &st) == 0) {
        s.exists = true;
        s.size = (long long)st.st_size;
        s.mtime_ns =
            (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    }
    return s;
}

static void take_stamps(vk_content *c)
{
    for (int i = 0; i < N_WATCHED; i++)
        c->stamps[i] = stamp_of(c->watched[i]);
}

static bool changed(const vk_content *c)
{
    for (int i = 0; i < N_WATCHED; i++) {
        stamp s = stamp_of(c->watched[i]);
        if (s.exists != c->stamps[i].exists || s.size != c->stamps[i].size ||
            s.mtime_ns != c->stamps[i].mtime_ns)
            return true;
    }
    return false;
}

vk_content *vk_content_create(const vk_check_opts *o, const char *copy_dir,
                              vk_diag *errors)
{
    vk_content *c = vk_calloc(1, sizeof *c);
    c->prompts_dir = dup_or_null(o->src.prompts_dir);
    c->site_dir = dup_or_null(o->src.site_dir);
    c->lang = dup_or_null(o->src.lang);
    c->grammars_dir = dup_or_null(o->grammars_dir);
    c->dict_path = dup_or_null(o->dict_path);
    c->opts = *o;
    c->opts.src = (vk_script_src){c->prompts_dir, c->site_dir, c->lang,
                                  o->src.voice_only};
    c->opts.grammars_dir = c->grammars_dir;
    c->opts.dict_path = c->dict_path;
    c->opts.tts = NULL;
    snprintf(c->watched[0], sizeof c->watched[0], "%s/flow.ini",
             c->prompts_dir);
    snprintf(c->watched[1], sizeof c->watched[1], "%s/contacts.ini",
             c->prompts_dir);
    vk_site_path(c->site_dir, c->lang, "flow.ini", c->watched[2],
                 sizeof c->watched[2]);
    vk_site_path(c->site_dir, c->lang, "contacts.ini", c->watched[3],
                 sizeof c->watched[3]);
    vk_site_path(c->site_dir, NULL, "settings.ini", c->watched[4],
                 sizeof c->watched[4]);
    take_stamps(c);
    c->settings_told = c->stamps[4];
    reload_requested = 0;
    vk_check_opts first = c->opts;
    if (copy_dir)
        first.src.site_dir = copy_dir;
    c->from_copy = copy_dir != NULL;
    c->started_from_copy = c->from_copy;
    if (vk_check_run(&first, errors, NULL, &c->script) != 0) {
        vk_content_destroy(c);
        return NULL;
    }
    return c;
}

void vk_content_destroy(vk_content *c)
{
    if (!c)
        return;
    vk_script_destroy(c->script);
    vk_script_destroy(c->retired);
    vk_script_destroy(c->pending);
    free(c->prompts_dir);
    free(c->site_dir);
    free(c->lang);
    free(c->grammars_dir);
    free(c->dict_path);
    free(c);
}

const vk_script *vk_content_script(const vk_content *c)
{
    return c->script;
}

bool vk_content_from_copy(const vk_content *c)
{
    return c->from_copy;
}

int vk_content_refused(const vk_content *c)
{
    return c->refused;
}

const char *vk_content_state(const vk_content *c)
{
    if (c->last_refused && c->from_copy)
        return "running the last good copy of the site files; the changed "
               "files still have problems, see the log";
    if (c->last_refused)
        return "the changed prompts were refused and the last good version "
               "runs, see the log";
    if (c->from_copy)
        return "started from the last good copy of the site files, see the "
               "log";
    if (c->started_from_copy)
        return "the fixed site files are in use; their settings.ini applies "
               "at the next restart";
    return NULL;
}

bool vk_content_reload_asked(void)
{
    return reload_requested != 0;
}

/* Checks the watched files (stamped first: a file saved again while they
 * are read is seen next time).  On problems, refuses them: they go to
 * `log` and *fresh is NULL.  Returns the number of problems. */
static int check_files(vk_content *c, FILE *log, vk_script **fresh)
{
    take_stamps(c);
    vk_diag *errors = vk_diag_create();
    *fresh = NULL;
    int n = vk_check_run(&c->opts, errors, NULL, fresh);
    if (n != 0) {
        c->refused++;
        c->last_refused = true;
        if (log) {
            fprintf(log,
                    "voice-kiosk: the changed prompts were refused (%d "
                    "problem%s); the last good version keeps running:\n",
                    n, n == 1 ? "" : "s");
            vk_diag_print(errors, log);
            fflush(log);
        }
    }
    vk_diag_destroy(errors);
    return n;
}

bool vk_content_check_reload(vk_content *c, FILE *log)
{
    if (!reload_requested)
        return false;
    reload_requested = 0;
    vk_script_destroy(c->pending);
    c->pending = NULL;
    vk_script *fresh = NULL;
    if (check_files(c, log, &fresh) != 0)
        return true;
    c->pending = fresh;
    c->last_refused = false;
    if (log) {
        fprintf(log, "voice-kiosk: reload asked for: the prompts pass the "
                     "check and are used from the next session\n");
        fflush(log);
    }
    return true;
}

bool vk_content_refresh(vk_content *c, FILE *log)
{
    bool asked = reload_requested;
    vk_script *fresh = NULL;
    if (c->pending && !asked && !changed(c)) {
        /* Checked when the reload was asked for, and unchanged since. */
        fresh = c->pending;
        c->pending = NULL;
        asked = true;
    } else {
        bool had_pending = c->pending != NULL;
        vk_script_destroy(c->pending);
        c->pending = NULL;
        if (!asked && !changed(c) && !had_pending)
            return false;
        reload_requested = 0;
        asked = asked || had_pending;
        if (check_files(c, log, &fresh) != 0)
            return false;
    }
    c->last_refused = false;
    vk_script_destroy(c->retired);
    c->retired = c->script;
    c->script = fresh;
    /* The settings (timeouts, keys, volume, devices) are the kiosk's
     * own from its start: a changed settings.ini was checked with the
     * rest, and staff are told when it will apply. */
    stamp st = c->stamps[4];
    bool settings = st.exists != c->settings_told.exists ||
                    st.size != c->settings_told.size ||
                    st.mtime_ns != c->settings_told.mtime_ns;
    c->settings_told = st;
    /* Started from the copy: its settings.ini is the one in use. */
    settings = settings || (c->from_copy && st.exists);
    bool was_copy = c->from_copy;
    c->from_copy = false;
    if (log) {
        fprintf(log, "voice-kiosk: prompts reloaded (%s)%s\n",
                asked ? "asked to" : "the files changed",
                was_copy ? "; the site files pass the check now and are "
                           "used instead of the last good copy"
                         : "");
        if (settings)
            fprintf(log, "voice-kiosk: settings.ini changed: it passed "
                         "the check, and takes effect when the kiosk "
                         "restarts (systemctl restart voice-kiosk)\n");
        fflush(log);
    }
    return true;
}
