/* Unit tests for session: answers in memory, counted, and wiped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "session.h"

static void set_get_count_and_wipe(void **state)
{
    (void)state;
    vk_session *s = vk_session_create();
    vk_session_set(s, 1, VK_ANSWER_YES);
    vk_session_set(s, 2, VK_ANSWER_YES);
    vk_session_set(s, 3, VK_ANSWER_UNSURE);
    vk_session_set(s, 0, VK_ANSWER_YES);  /* out of range: ignored */
    vk_session_set(s, 13, VK_ANSWER_YES); /* out of range: ignored */
    assert_int_equal(vk_session_get(s, 1), VK_ANSWER_YES);
    assert_int_equal(vk_session_count(s, VK_ANSWER_YES), 2);
    assert_int_equal(vk_session_count(s, VK_ANSWER_UNSURE), 1);
    assert_int_equal(vk_session_count(s, VK_ANSWER_NONE), VK_SIGNS - 3);
    vk_session_wipe(s);
    assert_int_equal(vk_session_count(s, VK_ANSWER_NONE), VK_SIGNS);
    assert_string_equal(vk_answer_name(VK_ANSWER_SKIPPED), "skipped");
    vk_session_destroy(s);
    vk_session_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_get_count_and_wipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
