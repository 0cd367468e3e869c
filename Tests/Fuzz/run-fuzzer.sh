#!/usr/bin/env bash
# Builds the libFuzzer target over CSources/CAnpiMedia with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs it for a bounded time.
#   bash Tests/Fuzz/run-fuzzer.sh [SECONDS]      (default 60)
# Crashes are written to .build/fuzz/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
# libFuzzer ships with the Swift toolchain's clang (Debian's clang-14 lacks it unless libclang-rt-14-dev is installed).
cc="${FUZZ_CC:-}"
if [ -z "$cc" ]; then
    swift_bin="$(dirname "$(readlink -f "$(command -v swift)")")"
    if [ -x "$swift_bin/clang" ]; then cc="$swift_bin/clang"; else cc=clang; fi
fi
out=.build/fuzz
mkdir -p "$out/corpus"
echo "==> building the fuzzer with $cc (ASan + UBSan)"
linker=""
[ -x "$(dirname "$cc")/ld.lld" ] && linker="-fuse-ld=lld"
"$cc" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $linker \
    -ICSources/CAnpiMedia/include $(pkg-config --cflags speexdsp opus libopusenc) \
    CSources/CAnpiMedia/*.c Tests/Fuzz/fuzz_media.c \
    $(pkg-config --libs speexdsp opus libopusenc) -lm -o "$out/fuzz_media" >"$out/build.log" 2>&1 || {
    cat "$out/build.log" >&2
    echo "error: the fuzzer did not build" >&2
    exit 1
}
# Seed one input per part so every part is reached from the first second.
for part in 0 1 2 3; do
    head -c 512 /dev/zero | tr '\0' '\1' | { printf "\\x0$part"; cat; } > "$out/corpus/seed-$part"
done
echo "==> fuzzing the media core for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
"$out/fuzz_media" -max_total_time="$seconds" -seed=1 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" 2>"$out/fuzz.log" || {
    tail -n 60 "$out/fuzz.log" >&2
    echo "error: the fuzzer found a failure; the input is in $out/" >&2
    exit 1
}
grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$out/fuzz.log" || tail -n 5 "$out/fuzz.log"
echo "fuzz: 1 passed, 0 failed"
