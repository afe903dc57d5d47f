/*
 * controls: the session's volume, rate, pause and time, as a table of
 * what each control does and how it is acknowledged.
 */
#include "controls.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *meaning;
    const char *said;    /* [system] prompt once done */
    const char *limited; /* [system] prompt at the limit */
} table[] = {
    {"pause", NULL, NULL}, /* silence is the acknowledgement */
    {"continue", NULL, NULL},
    {"repeat_last", NULL, NULL},
    {"louder", "control.louder", "control.loudest"},
    {"softer", "control.softer", "control.softest"},
    {"slower", "control.slower", "control.slowest"},
    {"faster", "control.faster", "control.fastest"},
    {"more_time", "control.more_time", "control.more_time"},
};
#define N_TABLE (sizeof table / sizeof table[0])

static int find(const char *meaning)
{
    for (size_t i = 0; meaning && i < N_TABLE; i++)
        if (strcmp(table[i].meaning, meaning) == 0)
            return (int)i;
    return -1;
}

void vk_controls_reset(vk_controls *c, const vk_settings *settings)
{
    c->settings = settings;
    c->volume_db = settings->volume_default_db;
    c->rate_wpm = settings->rate_default;
    c->time_factor = 1.0;
    c->paused = false;
}

bool vk_controls_is_control(const char *meaning)
{
    return find(meaning) >= 0;
}

/* Moves *v by `step` within [lo, hi]; false if it was already there. */
static bool nudge_d(double *v, double step, double lo, double hi)
{
    double n = fmin(hi, fmax(lo, *v + step));
    if (fabs(n - *v) < 1e-9)
        return false;
    *v = n;
    return true;
}

static bool nudge_i(int *v, int step, int lo, int hi)
{
    double d = *v;
    if (!nudge_d(&d, step, lo, hi))
        return false;
    *v = (int)d;
    return true;
}

vk_ctl_result vk_controls_apply(vk_controls *c, const char *meaning)
{
    const vk_settings *s = c->settings;
    bool moved = true;
    if (find(meaning) < 0)
        return VK_CTL_NOT_A_CONTROL;
    if (strcmp(meaning, "pause") == 0) {
        c->paused = !c->paused;
        return VK_CTL_DONE;
    }
    if (strcmp(meaning, "continue") == 0) {
        if (!c->paused)
            return VK_CTL_NOTHING;
        c->paused = false;
        return VK_CTL_DONE;
    }
    if (strcmp(meaning, "louder") == 0)
        moved = nudge_d(&c->volume_db, s->volume_step_db, s->volume_min_db,
                        s->volume_max_db);
    else if (strcmp(meaning, "softer") == 0)
        moved = nudge_d(&c->volume_db, -s->volume_step_db, s->volume_min_db,
                        s->volume_max_db);
    else if (strcmp(meaning, "slower") == 0)
        moved = nudge_i(&c->rate_wpm, -s->rate_step, s->rate_min, s->rate_max);
    else if (strcmp(meaning, "faster") == 0)
        moved = nudge_i(&c->rate_wpm, s->rate_step, s->rate_min, s->rate_max);
    else if (strcmp(meaning, "more_time") == 0) {
        /* Asking again doubles again, up to a ceiling. */
        moved = c->time_factor < VK_CONTROLS_MAX_TIME_FACTOR;
        if (moved)
            c->time_factor *= 2.0;
    }
    return moved ? VK_CTL_DONE : VK_CTL_AT_LIMIT;
}

double vk_controls_gain(const vk_controls *c)
{
    return pow(10.0, c->volume_db / 20.0);
}

const char *vk_controls_prompt(const char *meaning, vk_ctl_result r)
{
    int i = find(meaning);
    if (i < 0 || r == VK_CTL_NOTHING)
        return NULL;
    return r == VK_CTL_AT_LIMIT ? table[i].limited : table[i].said;
}
