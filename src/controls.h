/*
 * controls: how the kiosk speaks to this person, in this session.
 *
 * The person can pause and go on, make the voice louder or softer and
 * slower or faster, and ask for more time, by voice or by key, at any
 * point.  These change the presentation, never the answers, so they live
 * here and not in the dialog.  Everything goes back to the site's defaults
 * when a new session starts (a shared kiosk must not keep the last
 * person's volume).  Pure logic: the kiosk loop applies the results.
 */
#ifndef VK_CONTROLS_H
#define VK_CONTROLS_H

#include <stdbool.h>

#include "settings.h"

#define VK_CONTROLS_MAX_TIME_FACTOR 8.0

typedef struct vk_controls {
    const vk_settings *settings; /* borrowed */
    double volume_db;
    int rate_wpm;
    double time_factor; /* 1, or 2 after "more time" */
    bool paused;
} vk_controls;

typedef enum {
    VK_CTL_NOT_A_CONTROL, /* the meaning is not a speech control */
    VK_CTL_DONE,          /* applied */
    VK_CTL_AT_LIMIT,      /* already as loud/soft/slow/fast as allowed */
    VK_CTL_NOTHING        /* nothing to do (continue while not paused) */
} vk_ctl_result;

/* Starts a session at the site's defaults (`settings` is borrowed). */
void vk_controls_reset(vk_controls *c, const vk_settings *settings);
/* True if `meaning` ("pause", "louder", ...) is a speech control. */
bool vk_controls_is_control(const char *meaning);
/* Applies `meaning`.  "pause" while paused means "continue". */
vk_ctl_result vk_controls_apply(vk_controls *c, const char *meaning);
/* The linear gain for the current volume. */
double vk_controls_gain(const vk_controls *c);
/* The [system] prompt that acknowledges the result of `meaning`, or NULL
 * for none ("continue" and "repeat_last" just act). */
const char *vk_controls_prompt(const char *meaning, vk_ctl_result r);

#endif
