#!/usr/bin/env bash
# The sngw-sensor demo end to end against test/fake_gateway (the format's gateway side from the library's building
# blocks): pairing with and without install code, a wrong code, publish QoS 0/1/2, subscribe, sleep and wake, lost
# frames resent, replayed frames dropped, the state's counters, over UDP and over a pty in the raw serial framing.
# Usage: demo_test.sh path/to/sngw-sensor path/to/fake_gateway
set -u
SENSOR=$1
GATEWAY=$2
WORK=$(mktemp -d)
PIDS=()
FAILED=0
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

IC=a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf
RADIO=0013a20041b2c3d4
FAST=(--tretry 1 --nretry 10 --timeout 30)

fail() { echo "FAILED: $*" >&2; FAILED=$((FAILED + 1)); }
expect() { # expect NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then fail "$1: expected [$2], got [$3]"; else echo "ok: $1"; fi
}

# start_gateway NAME ARGS...: runs the fake gateway, sets LINK to the sensor's link options and LOG to its events.
start_gateway() {
  local name=$1; shift
  LOG=$WORK/$name.log
  "$GATEWAY" "$@" >"$LOG" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$LOG" ] && break; sleep 0.05; done
  read -r kind where <"$LOG"
  if [ "$kind" = port ]; then LINK=(--udp "127.0.0.1:$where"); else LINK=(--serial "$where" --baud 115200 --raw); fi
}
stop_gateway() { kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; }
events() { tail -n +2 "$LOG" | grep -v '^lost$' | grep -v '^acked$' | tr '\n' '|'; }
up_reserved() { sed -n 's/^up-reserved = //p' "$1"; }

for transport in --udp --pty; do
  T=${transport#--}
  STATE=$WORK/$T.state

  start_gateway "$T-pair" "$transport" --install-code "${IC//-/}" --client-id "s-$T"
  out=$("$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --install-code $IC --state "$STATE" "${FAST[@]}")
  expect "$T: pair prints the client id" "s-$T" "$out"
  expect "$T: a fresh pairing starts its counters" "0" "$(up_reserved "$STATE")"
  [ "$(stat -c %a "$STATE")" = 600 ] || fail "$T: the state file (a secret key) is readable by others"

  for qos in 0 1 2; do
    "$SENSOR" pub "${LINK[@]}" --state "$STATE" --topic sensors/t --qos $qos --message "q$qos" --count 2 "${FAST[@]}"
    expect "$T: pub QoS $qos exits 0" 0 $?
  done
  expect "$T: the gateway saw each publish once" \
    "offer|paired s-$T|connect|register sensors/t|publish 0 q0|publish 0 q0|disconnect|connect|register sensors/t|publish 1 q1|publish 1 q1|disconnect|connect|register sensors/t|publish 2 q2|publish 2 q2|disconnect|" \
    "$(events)"
  # 3 runs x (CONNECT, REGISTER, DISCONNECT) + 2 + 2 + 2x2 (QoS 2: PUBLISH and PUBREL)
  expect "$T: the state records exactly the counters used" 17 "$(up_reserved "$STATE")"

  out=$("$SENSOR" sub "${LINK[@]}" --state "$STATE" --topic sensors/# --qos 1 --count 3 "${FAST[@]}")
  expect "$T: sub --count 3 exits 0 after 3 messages" 0 $?
  expect "$T: sub prints the payloads" "m1 m2 m3" "$(echo $out)"

  out=$("$SENSOR" sleep "${LINK[@]}" --state "$STATE" --topic sensors/# --duration 60 --wake-after 0.2 --cycles 2 \
    "${FAST[@]}")
  expect "$T: sleep exits 0" 0 $?
  expect "$T: a sleeping sensor gets what was kept for it at each wake-up" "m1 m2 m3 while-asleep while-asleep" \
    "$(echo $out)"
  stop_gateway

  # A paired sensor's frames are refused by a gateway that does not know it: no answer, exit 1, one line.
  start_gateway "$T-unknown" "$transport"
  "$SENSOR" pub "${LINK[@]}" --state "$STATE" --topic a/b --message x --tretry 0.2 --nretry 1 2>"$WORK/err"
  expect "$T: no answer exits 1" 1 $?
  expect "$T: with one line on stderr" 1 "$(wc -l <"$WORK/err")"
  stop_gateway
done

STATE=$WORK/udp.state
# Lost frames are resent after Tretry, with the same message id, and delivered once.
start_gateway lossy --udp --install-code "${IC//-/}" --drop-uplink 2
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --install-code $IC --state "$STATE" "${FAST[@]}" >/dev/null
"$SENSOR" pub "${LINK[@]}" --state "$STATE" --topic t/x --qos 1 --message once "${FAST[@]}"
expect "retries: pub exits 0 after two lost frames" 0 $?
expect "retries: each step once at the gateway" "offer|paired sn-0013a20041b2c3d4|connect|register t/x|publish 1 once|disconnect|" "$(events)"
stop_gateway

# Each downlink frame arrives twice: the sensor drops the copies.
start_gateway replay --udp --replay
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --state "$STATE" "${FAST[@]}" >/dev/null
expect "pairing without install code" 0 $?
out=$("$SENSOR" sub "${LINK[@]}" --state "$STATE" --topic t/# --count 3 --timeout 20 --verbose 2>"$WORK/err")
expect "replays: sub exits 0" 0 $?
expect "replayed frames are not delivered twice" "m1 m2 m3" "$(echo $out)"
grep -q 'replayed frame counter' "$WORK/err" || fail "the replays were not reported as such: $(cat "$WORK/err")"
stop_gateway

# The PAIR_ACCEPT is lost and the gateway, done with that pairing, ignores the repeated CONFIRMs: the sensor pairs
# again from HELLO.
start_gateway lost-accept --udp --lose-accept
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --state "$WORK/again.state" --tretry 0.3 --nretry 2 --timeout 30 >/dev/null
expect "a lost accept: pairing again succeeds" 0 $?
expect "a lost accept: two pairings at the gateway" 2 "$(grep -c '^paired ' "$LOG")"
expect "a lost accept: the repeated confirms ignored" yes "$(grep -q '^ignored confirm' "$LOG" && echo yes)"
stop_gateway

# A gateway with another install code cannot pair the sensor (its offer fails the key confirmation).
start_gateway wrong --udp --install-code 00000000000000000000000000000001
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --install-code $IC --state "$WORK/wrong.state" --tretry 0.2 --nretry 1 \
  2>"$WORK/err"
expect "a wrong install code exits 1" 1 $?
expect "saying why, in one line" "1 refused" "$(wc -l <"$WORK/err") $(grep -o '^sngw-sensor: refused' "$WORK/err" | cut -d' ' -f2)"
[ -e "$WORK/wrong.state" ] && fail "a failed pairing wrote a state file"
stop_gateway

# A kill -9 mid-run: the next run resumes above the reserved block, never below.
start_gateway crash --udp
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --state "$STATE" "${FAST[@]}" >/dev/null
"$SENSOR" sub "${LINK[@]}" --state "$STATE" --topic t/# "${FAST[@]}" >/dev/null &
SUB=$!
for _ in $(seq 100); do grep -q subscribe "$LOG" && break; sleep 0.05; done
kill -9 $SUB; wait $SUB 2>/dev/null
expect "crash: the block reserved before sending is on disk" 64 "$(up_reserved "$STATE")"
"$SENSOR" pub "${LINK[@]}" --state "$STATE" --topic t/x --message after "${FAST[@]}"
expect "crash: the next run is served" 0 $?
expect "crash: and resumed above the block (CONNECT 65, REGISTER 66, PUBLISH 67, DISCONNECT 68)" 68 "$(up_reserved "$STATE")"
stop_gateway

"$SENSOR" pub --udp 127.0.0.1:9 --state "$STATE" --topic a --qos 3 --message x 2>/dev/null
expect "a bad option exits 2" 2 $?

# sub --count N with fewer messages than N before --timeout: exit 1; sub without --count: exit 0 at the timeout.
start_gateway short --udp
"$SENSOR" pair "${LINK[@]}" --radio-id $RADIO --state "$STATE" "${FAST[@]}" >/dev/null
"$SENSOR" sub "${LINK[@]}" --state "$STATE" --topic t/# --count 4 --timeout 5 >/dev/null 2>"$WORK/err"
expect "sub --count 4 with 3 messages exits 1 at the timeout" 1 $?
expect "saying so" "sngw-sensor: timeout: 3 of 4 messages received" "$(cat "$WORK/err")"
out=$("$SENSOR" sub "${LINK[@]}" --state "$STATE" --topic t/# --timeout 5)
expect "sub without --count exits 0 at the timeout" 0 $?
expect "having printed all it got" "m1 m2 m3" "$(echo $out)"
stop_gateway

if [ $FAILED -gt 0 ]; then echo "$FAILED failed"; exit 1; fi
echo "all demo checks passed"
