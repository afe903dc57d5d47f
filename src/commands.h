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
    VK_EXIT_FAIL = 1,      /* the run failed (device lost, write error) */
    VK_EXIT_BAD_INPUT = 2, /* usage error, or files with problems */
    VK_EXIT_MISSING = 3,   /* a model, dictionary or voice is not installed */
    VK_EXIT_NO_DEVICE = 4  /* no audio device: try `simulate` */
};

typedef struct vk_cli {
    const char *prompts_dir;
    const char *grammars_dir;
    const char *input_device;
    const char *output_device;
    const char *events_path;
    const char *record_path;
    const char *stats_path;
    const char *context;
    double noinput_s;
    double inactivity_s;
    int end_silence_ms;
    int rate_wpm;
    bool barge_in;      /* --barge-in (off by default; --no-barge-in) */
    bool echo_cancel;   /* on unless --no-echo-cancel */
    bool quiet; /* no captions on stdout */
    char **files;
    int nfiles;
    char default_prompts[4096];
    char default_grammars[4096];
} vk_cli;

/* Fills the defaults (the shipped prompts and grammars). */
void vk_cli_defaults(vk_cli *c);

int vk_cmd_run(const vk_cli *c);
int vk_cmd_list_devices(void);
int vk_cmd_check(const vk_cli *c);
int vk_cmd_recognize(const vk_cli *c);
int vk_cmd_simulate(const vk_cli *c);

#endif
