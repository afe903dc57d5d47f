/*
 * main: parses the command line into a vk_cli and calls the command.
 * It does nothing else, but open closed standard streams on /dev/null.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "keys_term.h"
#include "settings.h"

static const char usage[] =
    "usage:\n"
    "  voice-kiosk [OPTIONS]                     run the kiosk on the sound "
    "card\n"
    "  voice-kiosk --list-devices                list microphones and "
    "speakers\n"
    "  voice-kiosk check [--site DIR] [--lang L] [--prompts DIR] [--grammars "
    "DIR]\n"
    "                                            check prompt, flow, contact "
    "and grammar files\n"
    "  voice-kiosk preview PROMPT_ID|--all [-o FILE.wav] [--site DIR] [--lang "
    "L]\n"
    "                                            speak a prompt (or the whole "
    "flow) on the\n"
    "                                            speaker, or into FILE.wav; "
    "print captions\n"
    "  voice-kiosk recognize [--context answer|command|menu] FILE.wav...\n"
    "                                            print FILE, MEANING, WORDS, "
    "CONFIDENCE\n"
    "  voice-kiosk simulate SCENARIO [--events OUT.jsonl] [--record OUT.wav]\n"
    "                                            run a session with a virtual "
    "user\n"
    "  voice-kiosk settings                      print a commented "
    "settings.ini\n"
    "  voice-kiosk selftest [OPTIONS]            say \"I can hear you. Say yes "
    "to\n"
    "                                            start.\", listen, report\n"
    "\n"
    "options:\n"
    "  --input-device NAME     microphone (name substring or index)\n"
    "  --output-device NAME    speaker (name substring or index)\n"
    "  --lang L                language of the prompts: prompts/L (default "
    "en-US);\n"
    "                          without a recognition model for L, keys only\n"
    "  --site DIR              site folder with this clinic's files (default:\n"
    "                          $VOICE_KIOSK_SITE, else /etc/voice-kiosk if "
    "present)\n"
    "  --prompts DIR           shipped prompts folder (default: prompts/LANG)\n"
    "  --grammars DIR          grammars folder (default: the shipped one)\n"
    "  The next four override settings.ini ([timing], [speech]):\n"
    "  (in the ranges settings.ini allows)\n"
    "  --noinput-timeout SEC   wait this long for an answer, 7 to 120\n"
    "                          (default 7)\n"
    "  --inactivity-timeout SEC  end and wipe a session after this long with\n"
    "                          no input at all, 20 to 3600 (default 60)\n"
    "  --end-silence MS        silence that ends an answer, 150 to 2000\n"
    "                          (default 300)\n"
    "  --rate WPM              speech rate, 80 to 400 words a minute (default "
    "160)\n"
    "  --barge-in              listen while the kiosk speaks: the prompt\n"
    "                          pauses when a person speaks; an answer or\n"
    "                          command stops a question, a speech control\n"
    "                          acts on any prompt; over the crisis contacts\n"
    "                          nothing heard pauses or stops them, only a\n"
    "                          control that leaves them playing acts (louder,\n"
    "                          slower, \"repeat that\", more time, help,\n"
    "                          repeat) (on by default: settings.ini [audio]\n"
    "                          barge_in; --no-barge-in: off)\n"
    "  --no-echo-cancel        do not remove the kiosk's own voice from the\n"
    "                          microphone (for measuring; see README)\n"
    "  --events FILE           write JSON-lines events (live: without answers\n"
    "                          or words heard, but a crisis shows: a saved\n"
    "                          file is personal data)\n"
    "  --record FILE           simulate: write mic (left) and speaker (right)\n"
    "  --stats FILE            simulate: write timing figures for the "
    "benchmark\n"
    "  --realtime              simulate: deliver the microphone at a sound "
    "card's\n"
    "                          pace (wall clock), not as fast as possible\n"
    "  --headphones-record FILE  simulate: private listening; what the\n"
    "                          headphones get is written to FILE\n"
    "  --sessions N            simulate: run N sessions (the virtual user "
    "starts\n"
    "                          each one after the first with its next step)\n"
    "  --quiet                 do not print captions\n"
    "  --screen TTY            captions in large type on this terminal (such\n"
    "                          as /dev/tty1), even with --quiet\n"
    "  --self-test-once        before the first session, run the self-test\n"
    "                          until it has once heard yes (home set-up)\n"
    "  --voice-only            nobody can press a key: the kiosk never speaks\n"
    "                          of keys (run: also when standard input is\n"
    "                          /dev/null or closed, as in the services)\n"
    "  -o, --output FILE       preview: write the WAV here instead of playing "
    "it\n"
    "  --all                   preview: every prompt of the flow, in order\n"
    "  -h, --help              show this help\n"
    "\n"
    "signals: SIGHUP reloads the prompts before the next session (they are "
    "also\n"
    "reloaded when the files change); a version that fails `check` is refused\n"
    "and the last good one keeps running\n"
    "\n"
    "exit status:\n"
    "  0  success\n"
    "  1  the run failed (a write error; preview: the speaker was lost), or\n"
    "     selftest heard no yes (a device lost while the kiosk runs is not a\n"
    "     failure: the kiosk pauses, logs it and reopens it until it is back)\n"
    "  2  bad input: usage, or files with problems (reported as file:line)\n"
    "  3  a speech model, dictionary or voice is not installed (the message\n"
    "     names the Debian package)\n"
    "  4  no audio device at start (the message lists the devices; try\n"
    "     `voice-kiosk --list-devices` or `simulate`)\n";

enum {
    OPT_INPUT = 256,
    OPT_OUTPUT,
    OPT_PROMPTS,
    OPT_GRAMMARS,
    OPT_NOINPUT,
    OPT_INACTIVE,
    OPT_SILENCE,
    OPT_RATE,
    OPT_BARGE,
    OPT_EVENTS,
    OPT_RECORD,
    OPT_STATS,
    OPT_REALTIME,
    OPT_QUIET,
    OPT_SCREEN,
    OPT_LIST,
    OPT_CONTEXT,
    OPT_SITE,
    OPT_SESSIONS,
    OPT_PHONES,
    OPT_SELFTEST_ONCE,
    OPT_LANG,
    OPT_ALL,
    OPT_NO_BARGE,
    OPT_NO_ECHO,
    OPT_VOICE_ONLY
};

static const struct option options[] = {
    {"input-device", required_argument, 0, OPT_INPUT},
    {"output-device", required_argument, 0, OPT_OUTPUT},
    {"prompts", required_argument, 0, OPT_PROMPTS},
    {"grammars", required_argument, 0, OPT_GRAMMARS},
    {"noinput-timeout", required_argument, 0, OPT_NOINPUT},
    {"inactivity-timeout", required_argument, 0, OPT_INACTIVE},
    {"end-silence", required_argument, 0, OPT_SILENCE},
    {"rate", required_argument, 0, OPT_RATE},
    {"barge-in", no_argument, 0, OPT_BARGE},
    {"no-barge-in", no_argument, 0, OPT_NO_BARGE},
    {"no-echo-cancel", no_argument, 0, OPT_NO_ECHO},
    {"events", required_argument, 0, OPT_EVENTS},
    {"record", required_argument, 0, OPT_RECORD},
    {"stats", required_argument, 0, OPT_STATS},
    {"realtime", no_argument, 0, OPT_REALTIME},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"screen", required_argument, 0, OPT_SCREEN},
    {"list-devices", no_argument, 0, OPT_LIST},
    {"context", required_argument, 0, OPT_CONTEXT},
    {"site", required_argument, 0, OPT_SITE},
    {"sessions", required_argument, 0, OPT_SESSIONS},
    {"headphones-record", required_argument, 0, OPT_PHONES},
    {"self-test-once", no_argument, 0, OPT_SELFTEST_ONCE},
    {"voice-only", no_argument, 0, OPT_VOICE_ONLY},
    {"lang", required_argument, 0, OPT_LANG},
    {"output", required_argument, 0, 'o'},
    {"all", no_argument, 0, OPT_ALL},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int number(const char *opt, const char *s, double lo, double hi,
                  double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || v < lo || v > hi) {
        fprintf(stderr, "voice-kiosk: %s must be a number from %g to %g\n", opt,
                lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

/* An option that sets what [section] name of settings.ini sets: the same
 * range, so that no option can undercut a floor that protects people
 * (a shorter wait for an answer than settings.ini allows). */
static int setting(const char *opt, const char *s, const char *section,
                   const char *name, double *out)
{
    double lo = 0, hi = 0;
    if (!vk_settings_range(section, name, &lo, &hi))
        abort(); /* every option names a setting in the table */
    return number(opt, s, lo, hi, out);
}

/* A standard stream the kiosk was started without (closed) is opened on
 * /dev/null: else the next file opened would take its number, and the
 * key reader would read an audio device or a socket as keys. */
static void fill_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
            open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            return;
}

int main(int argc, char **argv)
{
    fill_standard_fds();
    /* A reader of --events (a display) that goes away must not kill the
     * kiosk: the write fails instead, and the kiosk goes on (events.c). */
    signal(SIGPIPE, SIG_IGN);
    vk_cli c;
    vk_cli_defaults(&c);
    const char *command = "run";
    if (argc > 1 && argv[1][0] != '-') {
        command = argv[1];
        argv++;
        argc--;
    }
    bool list = false;
    double v;
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
        switch (opt) {
        case OPT_INPUT: c.input_device = optarg; break;
        case OPT_OUTPUT: c.output_device = optarg; break;
        case OPT_PROMPTS:
            c.prompts_dir = optarg;
            c.prompts_set = true;
            break;
        case OPT_SITE: c.site_opt = optarg; break;
        case OPT_LANG: c.lang = optarg; break;
        case 'o': c.output_path = optarg; break;
        case OPT_ALL: c.preview_all = true; break;
        case OPT_GRAMMARS: c.grammars_dir = optarg; break;
        case OPT_EVENTS: c.events_path = optarg; break;
        case OPT_RECORD: c.record_path = optarg; break;
        case OPT_STATS: c.stats_path = optarg; break;
        case OPT_REALTIME: c.realtime = true; break;
        case OPT_CONTEXT: c.context = optarg; break;
        case OPT_PHONES: c.headphones_record = optarg; break;
        case OPT_SESSIONS:
            if (!number("--sessions", optarg, 1, 100000, &v))
                return VK_EXIT_BAD_INPUT;
            c.sessions = (int)v;
            break;
        case OPT_BARGE: c.barge_in = 1; break;
        case OPT_NO_BARGE: c.barge_in = 0; break;
        case OPT_NO_ECHO: c.echo_cancel = false; break;
        case OPT_QUIET: c.quiet = true; break;
        case OPT_SCREEN: c.screen = optarg; break;
        case OPT_SELFTEST_ONCE: c.self_test_once = true; break;
        case OPT_VOICE_ONLY: c.voice_only = true; break;
        case OPT_LIST: list = true; break;
        case OPT_NOINPUT:
            if (!setting("--noinput-timeout", optarg, "timing", "no_answer",
                         &c.noinput_s))
                return VK_EXIT_BAD_INPUT;
            break;
        case OPT_INACTIVE:
            if (!setting("--inactivity-timeout", optarg, "timing", "inactivity",
                         &c.inactivity_s))
                return VK_EXIT_BAD_INPUT;
            break;
        case OPT_SILENCE:
            if (!setting("--end-silence", optarg, "timing", "end_of_speech",
                         &v))
                return VK_EXIT_BAD_INPUT;
            c.end_silence_ms = (int)v;
            break;
        case OPT_RATE:
            if (!number("--rate", optarg, 80, 400, &v))
                return VK_EXIT_BAD_INPUT;
            c.rate_wpm = (int)v;
            break;
        case 'h': fputs(usage, stdout); return VK_EXIT_OK;
        default: fputs(usage, stderr); return VK_EXIT_BAD_INPUT;
        }
    }
    c.files = argv + optind;
    c.nfiles = argc - optind;
    vk_cli_resolve(&c);
    if (list)
        return vk_cmd_list_devices();
    if (strcmp(command, "run") == 0 && c.nfiles == 0) {
        /* The packaged services read no keys unless the keypad drop-in
         * gives them a terminal: then the kiosk never speaks of keys. */
        if (!c.voice_only && vk_keys_term_none())
            c.voice_only = c.voice_only_auto = true;
        return vk_cmd_run(&c);
    }
    if (strcmp(command, "check") == 0 && c.nfiles == 0)
        return vk_cmd_check(&c);
    if (strcmp(command, "recognize") == 0)
        return vk_cmd_recognize(&c);
    if (strcmp(command, "simulate") == 0)
        return vk_cmd_simulate(&c);
    if (strcmp(command, "settings") == 0 && c.nfiles == 0)
        return vk_cmd_settings(&c);
    if (strcmp(command, "selftest") == 0 && c.nfiles == 0)
        return vk_cmd_selftest(&c);
    if (strcmp(command, "preview") == 0)
        return vk_cmd_preview(&c);
    /* Internal, not in the usage: the trial runs of the headphones, of
     * the main device and of PortAudio's start. */
    if (strcmp(command, "probe-output") == 0 && c.nfiles == 1)
        return vk_cmd_probe_output(c.files[0]);
    if (strcmp(command, "probe-device") == 0 && c.nfiles == 2)
        return vk_cmd_probe_device(c.files[0], c.files[1]);
    if (strcmp(command, "probe-init") == 0 && c.nfiles == 0)
        return vk_cmd_probe_init();
    fprintf(stderr, "voice-kiosk: unknown command '%s'\n\n%s", command, usage);
    return VK_EXIT_BAD_INPUT;
}
