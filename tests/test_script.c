/* Unit tests for script: the shipped prompts load, and the rules hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "script.h"
#include "site.h"
#include "ssml.h"
#include "test_util.h"

static void shipped_prompts_load(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load(VK_TEST_SOURCE_DIR "/prompts/en-US", d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    for (int n = 1; n <= VK_SIGNS; n++) {
        char id[16];
        snprintf(id, sizeof id, "sign.%d", n);
        const vk_step *st = vk_script_step(s, id);
        assert_non_null(st);
        assert_int_equal(st->type, VK_STEP_QUESTION);
        assert_int_equal(st->sign, n);
    }
    const vk_step *s3 = vk_script_step(s, "sign.3");
    assert_int_equal(vk_script_step(s, s3->on_yes)->type, VK_STEP_CRISIS);
    assert_int_equal(vk_script_step(s, s3->on_unsure)->type, VK_STEP_CRISIS);
    assert_true(vk_script_contact_count(s) >= 2);
    vk_script_destroy(s);
    vk_diag_destroy(d);
}

/* A minimal flow: greeting, one question per sign, contacts, end. */
static char *minimal_flow(const char *sign3_yes, const char *extra)
{
    static const char *sys =
        "[system]\nnoinput.1 = a.\nnoinput.2 = {choices} {keys}\n"
        "noinput.3 = c.\nnomatch.1 = a.\nnomatch.2 = b.\nnomatch.3 = c.\n"
        "confirm = I heard {heard}.\nconfirm.retry = r.\nstop.confirm = s?\n"
        "stop.cancel = c.\nback.first = f.\nskip.done = s.\ntimeout = t.\n"
        "choices.answer = c.\nkeys.answer = k.\nchoices.menu = c.\n"
        "keys.menu = k.\nhelp = h.\nheard.yes = yes\nheard.no = no\n"
        "heard.unsure = not sure\ncontact = {name} {phone}.\n"
        "control.paused = p.\ncontrol.louder = l.\ncontrol.softer = s.\n"
        "control.loudest = l.\ncontrol.softest = s.\ncontrol.slower = s.\n"
        "control.faster = f.\ncontrol.slowest = s.\ncontrol.fastest = f.\n"
        "control.more_time = m.\ncontrol.warning = w.\n"
        "control.choose = c.\nchoice.next = n.\nchoice.done = d.\n";
    char *buf = malloc(16384);
    int o = snprintf(buf, 16384, "[kiosk]\nstart = sign.1\n%s%s", sys, extra);
    for (int n = 1; n <= VK_SIGNS; n++) {
        o += snprintf(buf + o, (size_t)(16384 - o),
                      "[sign.%d]\ntype = question\nsign = %d\ntext = Q%d?\n"
                      "next = %s\n",
                      n, n, n, n < VK_SIGNS ? "" : "contacts");
        if (n < VK_SIGNS) {
            o--; /* replace the newline after "next = " */
            o += snprintf(buf + o, (size_t)(16384 - o), "sign.%d\n", n + 1);
        }
        if (n == 3)
            o += snprintf(buf + o, (size_t)(16384 - o),
                          "on_yes = %s\non_unsure = crisis\n", sign3_yes);
    }
    snprintf(
        buf + o, (size_t)(16384 - o),
        "[crisis]\ntype = crisis\ntext = {crisis_contacts}\nnext = resume\n"
        "[contacts]\ntype = contacts\ntext = {contacts}\nnext = bye\n"
        "[bye]\ntype = end\ntext = Bye.\n");
    return buf;
}

static const char *contacts =
    "[desk]\nname = Desk\nphone = 555 0100\ncrisis = yes\n";

static void minimal_flow_is_valid(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    char *flow = minimal_flow("crisis", "");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", contacts);
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load(dir, d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    vk_script_destroy(s);
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

static void sign_3_must_lead_to_crisis(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    char *flow = minimal_flow("sign.4", "");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", contacts);
    vk_diag *d = vk_diag_create();
    assert_null(vk_script_load(dir, d));
    assert_true(vk_test_diag_has(d, "must have on_yes = a crisis step"));
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

static void every_problem_is_reported_with_its_line(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    /* Three problems at known lines: a bad key, a bad placeholder, a line
     * that is not key = value. */
    char *flow =
        minimal_flow("crisis", "[extra]\ntype = say\ntext = Hi {who}.\n"
                               "colour = blue\nnext = sign.1\n"
                               "this line is wrong\n");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", "[desk]\nname = Desk\nphone = 12AB\n");
    vk_diag *d = vk_diag_create();
    assert_null(vk_script_load(dir, d));
    /* The line numbers count from the [extra] section's own line. */
    int extra = 1;
    for (const char *p = flow; p < strstr(flow, "[extra]"); p++)
        extra += *p == '\n';
    char want[4300];
    snprintf(want, sizeof want, "%s/flow.ini:%d: unknown placeholder {who}",
             dir, extra + 2);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/flow.ini:%d: 'colour' is not used", dir,
             extra + 3);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/flow.ini:%d: expected 'key = value'", dir,
             extra + 5);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/contacts.ini:3: phone '12AB' has 'A'", dir);
    assert_true(vk_test_diag_has(d, want));
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

/* The SSML subset: what eSpeak NG acts on passes; each kind of mistake is
 * caught with its own message. */
static void ssml_accepts_the_subset(void **state)
{
    (void)state;
    static const char *const good[] = {
        "Plain text, with no tags at all.",
        "Wait <break time=\"500ms\"/> and <break strength=\"strong\"/> go on.",
        "This is <emphasis level=\"strong\">important</emphasis>.",
        "<prosody rate=\"slow\" pitch=\"-2st\">Take your time.</prosody>",
        "<prosody volume=\"+10%\">Louder.</prosody> Then normal.",
        "Call <say-as interpret-as=\"characters\">NHS</say-as> now.",
        "Dial <say-as interpret-as=\"tts:digits\">988</say-as>.",
        "See <sub alias=\"doctor\">Dr</sub> Smith &amp; Jones &#38; co.",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        vk_diag *d = vk_diag_create();
        bool ok = vk_ssml_check(good[i], "f.ini", 7, "text", d);
        if (!ok)
            vk_diag_print(d, stderr);
        assert_true(ok);
        assert_int_equal(vk_diag_count(d), 0);
        vk_diag_destroy(d);
    }
}

static void ssml_refuses_mistakes(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"Less <than this.", "f.ini:7: 'text': '<' without a closing '>'"},
        {"Tom & Jerry.", "a bare '&' is not allowed"},
        {"<emphasis>Open.", "<emphasis> is never closed"},
        {"<emphasis>One. Two.</emphasis>",
         "is still open at the end of a sentence"},
        {"<emphasis><prosody rate=\"slow\">x</emphasis></prosody>",
         "</emphasis> found where </prosody> was expected"},
        {"Stray </emphasis>.",
         "</emphasis> closes a tag that was never opened"},
        {"<break time=\"2 seconds\"/>", "is not a pause eSpeak NG can play"},
        {"<break time=\"500ms\">", "write <break .../> with a slash"},
        {"<emphasis level=\"huge\">x</emphasis>", "use one of: none reduced"},
        {"<prosody>x</prosody>", "changes nothing without an attribute"},
        {"<say-as>x</say-as>", "<say-as> needs interpret-as"},
        {"<say-as interpret-as=\"date\">x</say-as>",
         "is not a value eSpeak NG knows"},
        {"<audio src=\"bell.wav\"/>",
         "<audio> is not supported here: the kiosk speaks text only"},
        {"<speak>Hi.</speak>", "<speak> is not supported here"},
        {"<blink>x</blink>",
         "<blink> is not supported here: use break, emphasis"},
        {"<emphasis lvl=\"strong\">x</emphasis>",
         "<emphasis> has no attribute 'lvl'"},
        {"<sub alias=strong>x</sub>", "put the value of 'alias' in quotes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vk_diag *d = vk_diag_create();
        assert_false(vk_ssml_check(bad[i].text, "f.ini", 7, "text", d));
        assert_true(vk_test_diag_has(d, bad[i].want));
        vk_diag_destroy(d);
    }
}

static void ssml_plain_is_the_caption(void **state)
{
    (void)state;
    char *p = vk_ssml_plain("Say <emphasis level=\"strong\">help</emphasis> "
                            "now.<break time=\"1s\"/>Then A &amp; B &lt; C.");
    assert_string_equal(p, "Say help now. Then A & B < C.");
    free(p);
    assert_int_equal(vk_ssml_pause_ms("a <break time=\"1.5s\"/> b "
                                      "<break time=\"250ms\"/>"),
                     1750);
    assert_false(vk_ssml_has_markup("No tags, no entities."));
    assert_true(vk_ssml_has_markup("A &amp; B"));
}

/* A shipped folder with the minimal flow, and a site folder with an empty
 * xx-XX language folder (its path in lang, 4200 bytes). */
static void shipped_and_site(char **shipped, char **site, char *lang)
{
    *shipped = vk_test_dir();
    *site = vk_test_dir();
    snprintf(lang, 4200, "%s/xx-XX", *site);
    assert_int_equal(mkdir(lang, 0700), 0);
    char *flow = minimal_flow("crisis", "");
    vk_test_write(*shipped, "flow.ini", flow);
    free(flow);
}

/* The site folder overrides the shipped files key by key; every value keeps
 * the file and line it came from. */
static void site_overrides_entry_by_entry(void **state)
{
    (void)state;
    char *shipped, *site, lang[4200];
    shipped_and_site(&shipped, &site, lang);
    vk_test_write(shipped, "contacts.ini",
                  "[desk]\nname = Desk\nphone = 555 0100\ncrisis = yes\n"
                  "[old]\nname = Old line\nphone = 0800 123 456\n");
    vk_test_write(lang, "flow.ini",
                  "[kiosk]\nclinic = Hill Clinic\n[sign.2]\n"
                  "text = At {clinic}, Q2 again?\n");
    vk_test_write(lang, "contacts.ini",
                  "[desk]\nphone = 612 555 2368\n[old]\nremove = yes\n"
                  "[new]\nname = New line\nphone = 111\n");
    vk_diag *d = vk_diag_create(), *w = vk_diag_create();
    vk_script_src src = {shipped, site, "xx-XX", false};
    vk_script *s = vk_script_load_src(&src, d, w);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    assert_int_equal(vk_diag_count(w), 0); /* the site replaced the sample */
    assert_string_equal(vk_script_clinic(s), "Hill Clinic");
    const vk_step *q2 = vk_script_step(s, "sign.2");
    assert_string_equal(q2->text, "At Hill Clinic, Q2 again?");
    assert_string_equal(q2->next, "sign.3"); /* untouched keys stay */
    const char *file;
    int line = vk_script_value_line(s, "sign.2", "text", &file);
    char want[4400];
    snprintf(want, sizeof want, "%s/flow.ini", lang);
    assert_string_equal(file, want);
    assert_int_equal(line, 4);
    line = vk_script_value_line(s, "sign.2", "next", &file);
    snprintf(want, sizeof want, "%s/flow.ini", shipped);
    assert_string_equal(file, want);
    assert_int_equal(vk_script_contact_count(s), 2);
    /* The site's own new contact is local: read first. */
    assert_string_equal(vk_script_contact(s, 0)->name, "New line");
    assert_string_equal(vk_script_contact(s, 1)->phone, "612 555 2368");
    assert_string_equal(vk_script_contact(s, 1)->name, "Desk");
    char *spoken = vk_script_contacts_text(s, true);
    assert_string_equal(spoken, "Desk 6 1 2, 5 5 5, 2 3 6 8.");
    free(spoken);
    vk_script_destroy(s);
    vk_diag_destroy(d);
    vk_diag_destroy(w);

    /* Without the site, the shipped sample is a warning, not an error. */
    d = vk_diag_create();
    w = vk_diag_create();
    src.site_dir = NULL;
    s = vk_script_load_src(&src, d, w);
    assert_non_null(s);
    assert_true(
        vk_test_diag_has(w, "warning: contact [desk] is a shipped sample"));
    vk_script_destroy(s);
    vk_diag_destroy(d);
    vk_diag_destroy(w);
    snprintf(want, sizeof want, "%s/flow.ini", lang);
    unlink(want);
    snprintf(want, sizeof want, "%s/contacts.ini", lang);
    unlink(want);
    rmdir(lang);
    vk_test_rmdir(site);
    vk_test_rmdir(shipped);
}

/* A [kiosk] value may use {clinic} too: it is read after the name is
 * filled in (it was read before, and then freed under it). */
static void kiosk_values_use_the_clinic_name(void **state)
{
    (void)state;
    char *shipped, *site, lang[4200];
    shipped_and_site(&shipped, &site, lang);
    vk_test_write(shipped, "contacts.ini", contacts);
    vk_test_write(lang, "flow.ini",
                  "[kiosk]\nclinic = Hill\nstart = {clinic}\n");
    vk_diag *d = vk_diag_create();
    vk_script_src src = {shipped, site, "xx-XX", false};
    assert_null(vk_script_load_src(&src, d, NULL));
    assert_true(vk_test_diag_has(d, "start: no step called 'Hill'"));
    vk_diag_destroy(d);
    vk_test_rmdir(site);
    vk_test_rmdir(shipped);
}

/* With nobody to press a key (voice_only), a value's ".voice" variant is
 * said in its place and the [system] keys.* lines are empty; a site that
 * rewrites a value without its variant is said as the site wrote it. */
static void voice_variants_replace_their_values(void **state)
{
    (void)state;
    char *shipped, *site, lang[4200];
    shipped_and_site(&shipped, &site, lang);
    char *flow = minimal_flow("crisis", "help.voice = hv.\nwake.voice = wv.\n");
    char *q2 = strstr(flow, "text = Q2?\n");
    assert_non_null(q2);
    char *with = malloc(strlen(flow) + 64);
    snprintf(with, strlen(flow) + 64, "%.*stext = Q2?\ntext.voice = V2?\n%s",
             (int)(q2 - flow), flow, q2 + strlen("text = Q2?\n"));
    vk_test_write(shipped, "flow.ini", with);
    vk_test_write(shipped, "contacts.ini", contacts);
    vk_script_src src = {shipped, NULL, "xx-XX", false};
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load_src(&src, d, NULL);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    assert_string_equal(vk_script_system(s, "help"), "h.");
    assert_string_equal(vk_script_system(s, "keys.answer"), "k.");
    assert_string_equal(vk_script_step(s, "sign.2")->text, "Q2?");
    assert_false(vk_script_said_voice(s, "sign.2", "text"));
    vk_script_destroy(s);

    src.voice_only = true;
    s = vk_script_load_src(&src, d, NULL);
    assert_non_null(s);
    assert_string_equal(vk_script_system(s, "help"), "hv.");
    assert_string_equal(vk_script_system(s, "wake"), "wv.");
    assert_string_equal(vk_script_system(s, "keys.answer"), "");
    assert_string_equal(vk_script_system(s, "noinput.1"), "a.");
    assert_string_equal(vk_script_step(s, "sign.2")->text, "V2?");
    assert_string_equal(vk_script_step(s, "sign.1")->text, "Q1?");
    assert_true(vk_script_said_voice(s, "sign.2", "text"));
    assert_true(vk_script_said_voice(s, "system", "help"));
    const char *file;
    int text_line = vk_script_value_line(s, "sign.2", "text", &file);
    assert_int_equal(vk_script_value_line(s, "sign.2", "next", &file) - 1,
                     text_line); /* the variant's own line, before next */
    vk_script_destroy(s);

    /* The site rewrites sign 2's text, not its variant; it adds one for
     * sign 1. */
    vk_test_write(lang, "flow.ini",
                  "[sign.2]\ntext = Site Q2?\n[sign.1]\ntext.voice = SV1?\n");
    src.site_dir = site;
    s = vk_script_load_src(&src, d, NULL);
    assert_non_null(s);
    assert_string_equal(vk_script_step(s, "sign.2")->text, "Site Q2?");
    assert_string_equal(vk_script_step(s, "sign.1")->text, "SV1?");
    vk_script_destroy(s);
    assert_int_equal(vk_diag_count(d), 0);

    /* Only text, text_again and help have variants, at the variant's line. */
    vk_test_write(lang, "flow.ini", "[sign.2]\nnext.voice = sign.3\n");
    assert_null(vk_script_load_src(&src, d, NULL));
    assert_true(vk_test_diag_has(d, "flow.ini:2: 'next.voice'"));
    vk_diag_destroy(d);
    free(with);
    free(flow);
    char path[4400];
    snprintf(path, sizeof path, "%s/flow.ini", lang);
    unlink(path);
    rmdir(lang);
    vk_test_rmdir(site);
    vk_test_rmdir(shipped);
}

static void site_dir_order(void **state)
{
    (void)state;
    setenv(VK_SITE_ENV, "/from/env", 1);
    assert_string_equal(vk_site_dir("/explicit"), "/explicit");
    assert_string_equal(vk_site_dir(NULL), "/from/env");
    unsetenv(VK_SITE_ENV);
    const char *d = vk_site_dir(NULL);
    assert_true(d == NULL || strcmp(d, VK_SITE_DEFAULT_DIR) == 0);
    assert_int_equal(vk_diag_edit_distance("greting", "greeting", 3), 1);
    assert_int_equal(vk_diag_edit_distance("abc", "xyz", 2), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_prompts_load),
        cmocka_unit_test(minimal_flow_is_valid),
        cmocka_unit_test(sign_3_must_lead_to_crisis),
        cmocka_unit_test(every_problem_is_reported_with_its_line),
        cmocka_unit_test(ssml_accepts_the_subset),
        cmocka_unit_test(ssml_refuses_mistakes),
        cmocka_unit_test(ssml_plain_is_the_caption),
        cmocka_unit_test(site_overrides_entry_by_entry),
        cmocka_unit_test(kiosk_values_use_the_clinic_name),
        cmocka_unit_test(voice_variants_replace_their_values),
        cmocka_unit_test(site_dir_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
