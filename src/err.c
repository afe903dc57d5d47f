/* err: messages and names for vk_err, generated from VK_ERR_MAP. */
#include "err.h"

const char *vk_strerror(vk_err e)
{
    switch (e) {
#define VK__ERR_MSG(name, value, msg)                                          \
    case VK_##name: return msg;
        VK_ERR_MAP(VK__ERR_MSG)
#undef VK__ERR_MSG
    }
    return "unknown error";
}

const char *vk_errname(vk_err e)
{
    switch (e) {
#define VK__ERR_NAME(name, value, msg)                                         \
    case VK_##name: return #name;
        VK_ERR_MAP(VK__ERR_NAME)
#undef VK__ERR_NAME
    }
    return "UNKNOWN";
}
