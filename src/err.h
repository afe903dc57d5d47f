/*
 * err: the one error enum of voice-kiosk.
 *
 * Every fallible call in the project returns a vk_err.  The codes come from
 * one X-macro table so that the enum, vk_strerror() and vk_errname() can
 * never drift apart.  Codes are appended, never renumbered.
 */
#ifndef VK_ERR_H
#define VK_ERR_H

#define VK_WARN_UNUSED __attribute__((warn_unused_result))

/* name, value, message */
#define VK_ERR_MAP(X)                                                          \
    X(OK, 0, "success")                                                        \
    X(ERR_NOMEM, 1, "out of memory")                                           \
    X(ERR_IO, 2, "file could not be read or written")                          \
    X(ERR_PARSE, 3, "file has errors")                                         \
    X(ERR_MODEL, 4, "speech recognition model missing or broken")              \
    X(ERR_TTS, 5, "speech synthesiser failed")                                 \
    X(ERR_DEVICE, 6, "audio device missing or lost")                           \
    X(ERR_ARG, 7, "invalid argument")                                          \
    X(ERR_LIMIT, 8, "a size limit was reached")                                \
    X(ERR_NOTFOUND, 9, "not found")                                            \
    X(ERR_EOF, 10, "end of input")

typedef enum {
#define VK__ERR_ENUM(name, value, msg) VK_##name = value,
    VK_ERR_MAP(VK__ERR_ENUM)
#undef VK__ERR_ENUM
} vk_err;

/* Returns a static, human-readable message for the code. */
const char *vk_strerror(vk_err e);
/* Returns the code's name, such as "ERR_IO". */
const char *vk_errname(vk_err e);

#endif
