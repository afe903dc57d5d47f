#!/bin/sh
# audio-server.sh: a private, headless PulseAudio that gives the PortAudio
# backend real, real-time-clocked audio devices on a machine with no sound
# card (CI containers, developer laptops without speakers).
#
#   audio-server.sh start   start the server (idempotent) and print the env
#   audio-server.sh stop    kill it and remove its runtime directory
#   audio-server.sh env     print the `export` lines a client must run
#   audio-server.sh status  exit 0 if it is running
#   audio-server.sh unplug [SINK...]
#                           remove every device (the null sinks), or the
#                           named ones, while the server runs, as a USB
#                           headset pulled out
#   audio-server.sh replug  add back the missing ones (and keep-alives)
#   audio-server.sh crash   SIGKILL the server, keeping its configs
#   audio-server.sh revive  start it again after a crash
#
# What it builds:
#   null sink kiosk_speaker   what the kiosk plays; record it with
#                             parecord -d kiosk_speaker.monitor
#   null sink kiosk_micfeed   what a test "says"; play into it with
#                             paplay -d kiosk_micfeed file.wav
#   null sink kiosk_phones    private-listening headphones; record them with
#                             parecord -d kiosk_phones.monitor
#   ALSA pcm kiosk_speaker    playback into the kiosk_speaker sink
#   ALSA pcm kiosk_phones     playback into the kiosk_phones sink
#   ALSA pcm kiosk_mic        capture from kiosk_micfeed.monitor
#   ALSA pcm kiosk_loop       capture from kiosk_speaker.monitor, so a test
#                             can hear the kiosk's own output (round trip)
#   ALSA pcm default          the same as kiosk_mic / kiosk_speaker
#
# PortAudio only sees ALSA devices defined in the config file named by
# ALSA_CONFIG_PATH, and it skips the names null/file/hw/plug, hence our own
# kiosk_* names.  The config holds only these devices, so PortAudio does not
# probe (and complain about) the system's cards.
#
# Everything lives under $VK_AUDIO_RUNTIME (default
# /tmp/voice-kiosk-audio-<uid>), so several users or checkouts can each run
# their own by setting it.  Works as root in a container without dbus:
# PulseAudio only warns about root when it is not in --system mode.
set -eu

RUNTIME=${VK_AUDIO_RUNTIME:-/tmp/voice-kiosk-audio-$(id -u)}
SOCKET=$RUNTIME/native
PIDFILE=$RUNTIME/pulse.pid
KEEPALIVE_PIDS=$RUNTIME/keepalive.pids
PA_CONFIG=$RUNTIME/server.pa
ALSA_CONF=$RUNTIME/asound.conf
LOG=$RUNTIME/pulse.log
# The null sinks write_configs loads.
SINKS="kiosk_speaker kiosk_micfeed kiosk_phones"

print_env() {
    echo "export VK_AUDIO_RUNTIME='$RUNTIME'"
    echo "export PULSE_SERVER='unix:$SOCKET'"
    echo "export PULSE_RUNTIME_PATH='$RUNTIME'"
    echo "export ALSA_CONFIG_PATH='$ALSA_CONF'"
    # PortAudio is linked with JACK; never let it spawn a JACK server.
    echo "export JACK_NO_START_SERVER=1"
}

# The client side of every pactl/pacat call below.
client_env() {
    PULSE_SERVER=unix:$SOCKET
    PULSE_RUNTIME_PATH=$RUNTIME
    export PULSE_SERVER PULSE_RUNTIME_PATH
}

is_running() {
    [ -f "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    client_env
    pactl info >/dev/null 2>&1
}

write_configs() {
    # -n below skips default.pa, so this is the whole server: no hardware
    # detection, no suspend-on-idle (a suspended sink would stop the clock),
    # anonymous auth on a private socket so no cookie is needed.
    cat >"$PA_CONFIG" <<EOF
load-module module-native-protocol-unix socket=$SOCKET auth-anonymous=1
load-module module-null-sink sink_name=kiosk_speaker rate=16000 channels=1 format=s16le sink_properties=device.description=kiosk_speaker
load-module module-null-sink sink_name=kiosk_micfeed rate=16000 channels=1 format=s16le sink_properties=device.description=kiosk_micfeed
load-module module-null-sink sink_name=kiosk_phones rate=16000 channels=1 format=s16le sink_properties=device.description=kiosk_phones
set-default-sink kiosk_speaker
set-default-source kiosk_micfeed.monitor
EOF
    # The pulse plug-in takes the server from PULSE_SERVER, but naming it
    # here too keeps the devices working if a client forgets the variable.
    cat >"$ALSA_CONF" <<EOF
# Written by scripts/audio-server.sh; use with ALSA_CONFIG_PATH=$ALSA_CONF
pcm.kiosk_speaker {
    type pulse
    server "unix:$SOCKET"
    device "kiosk_speaker"
    hint { show on description "voice-kiosk test speaker (PulseAudio null sink)" }
}
pcm.kiosk_mic {
    type pulse
    server "unix:$SOCKET"
    device "kiosk_micfeed.monitor"
    hint { show on description "voice-kiosk test microphone (fed via kiosk_micfeed)" }
}
pcm.kiosk_loop {
    type pulse
    server "unix:$SOCKET"
    device "kiosk_speaker.monitor"
    hint { show on description "voice-kiosk loopback: hears kiosk_speaker" }
}
# After the others: tests name devices by index (kiosk_mic is 1).
pcm.kiosk_phones {
    type pulse
    server "unix:$SOCKET"
    device "kiosk_phones"
    hint { show on description "voice-kiosk test headphones (PulseAudio null sink)" }
}
pcm.!default {
    type asym
    playback.pcm "kiosk_speaker"
    capture.pcm "kiosk_mic"
}
ctl.!default {
    type pulse
    server "unix:$SOCKET"
}
EOF
}

kill_keepalives() {
    if [ -f "$KEEPALIVE_PIDS" ]; then
        while read -r p; do
            kill "$p" 2>/dev/null || true
        done <"$KEEPALIVE_PIDS"
    fi
}

start_keepalives() {
    # A null sink with no streams renders in 2 s blocks.  A client that
    # connects then waits for the block already scheduled: PortAudio's first
    # microphone frame took 1.7-2.0 s after a fresh start, and 25 ms once
    # the server had run for 2 s.  So: a silent low-latency stream on each
    # sink keeps its block short for good (silence mixes into the speaker
    # as zeros), and a suspend/resume cycle, once both are attached, drops
    # the 2 s block scheduled before they were.
    : >"$KEEPALIVE_PIDS"
    for sink in $SINKS; do
        pacat --playback --device="$sink" --latency-msec=10 \
            --rate=16000 --channels=1 --format=s16le \
            --client-name=vk-keepalive --stream-name="keepalive-$sink" \
            </dev/zero >/dev/null 2>&1 &
        echo $! >>"$KEEPALIVE_PIDS"
    done
    i=0
    n=$(echo "$SINKS" | wc -w)
    until [ "$(pactl list short sink-inputs 2>/dev/null | wc -l)" -ge "$n" ]; do
        i=$((i + 1))
        if [ "$i" -gt 200 ]; then
            echo "audio-server: keep-alive streams did not attach" >&2
            exit 1
        fi
        sleep 0.01
    done
    for sink in $SINKS; do
        pactl suspend-sink "$sink" 1
        pactl suspend-sink "$sink" 0
    done
}

start() {
    if is_running; then
        print_env
        return 0
    fi
    stop_quiet
    mkdir -p "$RUNTIME"
    chmod 700 "$RUNTIME"
    write_configs
    launch
    print_env
}

# Starts the daemon on the configs already written, and its keep-alives.
launch() {
    client_env
    # HOME/XDG dirs point into RUNTIME so nothing touches the user's own
    # PulseAudio state; -n -F loads only our script.
    HOME=$RUNTIME XDG_CONFIG_HOME=$RUNTIME XDG_RUNTIME_DIR=$RUNTIME \
        pulseaudio --daemonize=yes --system=false --use-pid-file=yes \
        --exit-idle-time=-1 --disallow-exit=yes --disallow-module-loading=no \
        --log-target="file:$LOG" --log-level=notice \
        -n -F "$PA_CONFIG" >/dev/null 2>&1 || {
        echo "audio-server: pulseaudio failed to start; see $LOG" >&2
        exit 1
    }
    # The daemon writes its pid file under PULSE_RUNTIME_PATH.
    [ -f "$RUNTIME/pid" ] && cp "$RUNTIME/pid" "$PIDFILE"
    i=0
    until pactl info >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then
            echo "audio-server: no answer on $SOCKET after 5 s; see $LOG" >&2
            exit 1
        fi
        sleep 0.05
    done
    [ -f "$PIDFILE" ] || cp "$RUNTIME/pid" "$PIDFILE"
    start_keepalives
}

# Kills the daemon as a crash would (SIGKILL), but keeps its configs, so
# clients' ALSA_CONFIG_PATH stays valid (PortAudio 19.6 aborts if that
# file vanishes while it lists devices); `revive` starts it again.
crash() {
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    kill_keepalives
    i=0
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
        sleep 0.02
        i=$((i + 1))
    done
    rm -f "$PIDFILE" "$RUNTIME/pid" "$SOCKET"
}

revive() {
    if is_running; then
        return 0
    fi
    [ -f "$PA_CONFIG" ] || {
        echo "audio-server: nothing to revive; use start" >&2
        exit 1
    }
    launch
}

# Unloads every null sink (or those named): every stream on them (the
# kiosk's, the keep-alives, a parecord of the monitor) is killed, as when
# a USB device is pulled out.  Unloading only some is no loss for the
# streams on them: PulseAudio moves them to a sink that is left (a test of
# one missing device unloads it before any stream opens on it).
unplug() {
    is_running || {
        echo "audio-server: not running" >&2
        exit 1
    }
    # shellcheck disable=SC2086
    [ $# -gt 0 ] || set -- $SINKS
    for sink in "$@"; do
        mod=$(pactl list short modules | awk -v s="sink_name=$sink" \
            '$2 == "module-null-sink" && index($0, s) { print $1 }')
        [ -n "$mod" ] && pactl unload-module "$mod"
    done
    # The server unloads a module after it has answered; wait until the
    # sinks are really gone, so a client started next cannot still find one.
    for sink in "$@"; do
        i=0
        while pactl list short sinks | awk '{ print $2 }' | grep -qx "$sink"; do
            i=$((i + 1))
            if [ "$i" -gt 250 ]; then
                echo "audio-server: $sink still there after 5 s" >&2
                exit 1
            fi
            sleep 0.02
        done
    done
    # The keep-alives of the sinks unloaded died with them; those of the
    # sinks left keep them clocking in short blocks.
    if [ $# -eq 0 ]; then
        kill_keepalives
    fi
}

# Loads the sinks again, as write_configs defines them.
replug() {
    is_running || {
        echo "audio-server: not running" >&2
        exit 1
    }
    have=$(pactl list short sinks | awk '{ print $2 }')
    grep '^load-module module-null-sink\|^set-default' "$PA_CONFIG" |
        while read -r cmd args; do
            for sink in $have; do
                case " $args " in *" sink_name=$sink "*) continue 2 ;; esac
            done
            # shellcheck disable=SC2086
            pactl "$cmd" $args >/dev/null
        done
    kill_keepalives
    start_keepalives
}

stop_quiet() {
    kill_keepalives
    rm -f "$KEEPALIVE_PIDS"
    for f in "$PIDFILE" "$RUNTIME/pid"; do
        [ -f "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null || true)
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 40 ]; do
            sleep 0.05
            i=$((i + 1))
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    # Only ever remove our own directory.
    case "$RUNTIME" in
    /tmp/voice-kiosk-audio-* | */voice-kiosk-audio*) rm -rf "$RUNTIME" ;;
    *) rm -f "$PIDFILE" "$RUNTIME/pid" "$SOCKET" "$PA_CONFIG" "$ALSA_CONF" ;;
    esac
}

case "${1:-}" in
start) start ;;
stop) stop_quiet ;;
env) print_env ;;
status) is_running ;;
unplug)
    shift
    unplug "$@"
    ;;
replug) replug ;;
crash) crash ;;
revive) revive ;;
*)
    echo "usage: $0 start|stop|env|status|unplug|replug|crash|revive" >&2
    exit 2
    ;;
esac
