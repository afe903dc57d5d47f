/*
 * commands: what each voice-kiosk command does, once main() has parsed
 * the command line into a vk_cli.  Each returns the process exit status
 * (see VK_EXIT_*), and none of them exits by itself.
 */
#ifndef VK_COMMANDS_H
#define VK_COMMANDS_H

#include <stdbool.h>

enum {
    VK_EXIT_OK = 0,
    VK_EXIT_FAIL = 1, /* the run failed (a write error; not a lost device) */
    VK_EXIT_BAD_INPUT = 2, /* usage error, or files with problems */
    VK_EXIT_MISSING = 3,   /* a model, dictionary or voice is not installed */
    VK_EXIT_NO_DEVICE = 4  /* no audio device at start: try `simulate` */
};

typedef struct vk_cli {
    const char *prompts_dir; /* shipped prompts of the language */
    const char *site_opt;    /* --site DIR, or NULL */
    const char *site_dir;    /* the site folder in use (see site.h), or NULL;
                                its settings.ini is read too */
    const char *lang;        /* --lang, such as "en-US" or "es-ES" */
    const char *output_path; /* preview -o FILE.wav */
    bool preview_all;        /* preview --all */
    bool prompts_set;        /* --prompts was given */
    const char *grammars_dir;
    const char *means_path;  /* the adapted acoustic means (asr.h) */
    const char *rivals_path; /* the rival words (asr.h) */
    const char *input_device;
    const char *output_device;
    const char *events_path;
    const char *record_path;
    const char *stats_path;
    bool realtime;                 /* simulate: paced by the wall clock */
    const char *headphones_record; /* simulate: headphones into this WAV */
    const char *context;
    /* 0 = not given: settings.ini (or its defaults) decides */
    double noinput_s;
    double inactivity_s;
    int end_silence_ms;
    int rate_wpm;
    int sessions;        /* simulate */
    int barge_in;        /* --barge-in 1, --no-barge-in 0, -1: settings.ini's */
    bool echo_cancel;    /* on unless --no-echo-cancel */
    bool quiet;          /* no captions on stdout */
    const char *screen;  /* captions to this terminal instead */
    bool self_test_once; /* run: the first-start self-test, until it passes */
    bool voice_only;     /* nobody can press a key: never speak of keys
                            (--voice-only; run: also when standard input
                            can give none, as in the packaged services) */
    bool voice_only_auto; /* voice_only because standard input gives none */
    char **files;
    int nfiles;
    char default_prompts[4096];
    char default_grammars[4096];
    char default_means[4096];
    char default_rivals[4096 + sizeof "/rivals"];
} vk_cli;

/* Fills the defaults (the shipped prompts, grammars and acoustic means). */
void vk_cli_defaults(vk_cli *c);
/* After parsing: picks the prompts of --lang (unless --prompts was given)
 * and the site folder (--site, $VOICE_KIOSK_SITE or /etc/voice-kiosk). */
void vk_cli_resolve(vk_cli *c);

/* The hidden `probe-output NAME` (see vk_audio_pa_probe_output). */
int vk_cmd_probe_output(const char *name);
/* The hidden `probe-device IN OUT` (see vk_audio_pa_probe_device). */
int vk_cmd_probe_device(const char *input, const char *output);
/* The hidden `probe-init` (see vk_audio_pa_init_trial). */
int vk_cmd_probe_init(void);
int vk_cmd_run(const vk_cli *c);
int vk_cmd_list_devices(void);
int vk_cmd_check(const vk_cli *c);
int vk_cmd_recognize(const vk_cli *c);
int vk_cmd_simulate(const vk_cli *c);
/* Prints a fully commented settings.ini at the defaults. */
int vk_cmd_settings(const vk_cli *c);
/* Speaks the self-test line on the sound card, listens, reports; 0 if it
 * heard yes, VK_EXIT_FAIL if not. */
int vk_cmd_selftest(const vk_cli *c);
int vk_cmd_preview(const vk_cli *c);

#endif
