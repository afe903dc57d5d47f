/*
 * audio_sink: an output-only device that writes what it is given into a
 * 16 kHz mono WAV file.  It stands in for a second sound card in a
 * simulation (the private-listening headphones), so a test can hear what
 * went to them.  Never used in a live session: nothing audio is written
 * there.  Reading from it gives silence.
 */
#ifndef VK_AUDIO_SINK_H
#define VK_AUDIO_SINK_H

#include "audio.h"

/* Opens `path` for writing.  Free with vk_audio_destroy() (which finishes
 * the file). */
vk_err vk_audio_sink_open(const char *path, vk_audio **out, char *errbuf,
                          size_t errlen) VK_WARN_UNUSED;

/* From now on every write fails as an unplugged device's does
 * (VK_ERR_DEVICE): the scenario step `phones_off`. */
void vk_audio_sink_fail(vk_audio *a);

#endif
