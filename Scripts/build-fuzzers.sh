#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ into .build-fuzz/bin/: spec-fuzzer (Spec: libyaml,
# schema, decoder, diagnostics), json-fuzzer (Spec's JSON reader, serve's request bodies) and
# csv-fuzzer (Dataset, with Spec and Random).
#
# Not through SwiftPM: an executable target gets a generated `main` that clashes with
# libFuzzer's, and `swift build` with sanitizer flags also builds (and fails to link) the
# benchmark plugin's host tools. So the modules the harnesses need are compiled here with
# swiftc/clang directly, optimized (-O, whole module), with coverage instrumentation and
# AddressSanitizer (-sanitize=fuzzer,address), and linked with each harness. A module is
# rebuilt only when one of its sources, a module it imports, or this script changed.
#
# Keep the flags in step with Package.swift (Swift 6 language mode).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=.build-fuzz
obj=$out/obj
bin=$out/bin
mkdir -p "$obj" "$bin"

SWIFTC=${SWIFTC:-swiftc}
sanitize=(-sanitize=fuzzer,address)
swift_flags=(-O -wmo -swift-version 6 -parse-as-library "${sanitize[@]}" -g -I "$obj")
yaml_flags=(-I Sources/CYAML $(pkg-config --libs-only-L yaml-0.1 2>/dev/null || true))

# stale OUTPUT INPUT...: whether OUTPUT is missing or older than any INPUT (files or folders,
# searched for files).
stale() {
    local output=$1
    shift
    [ -e "$output" ] || return 0
    [ -n "$(find "$@" "$root/Scripts/build-fuzzers.sh" -type f -newer "$output" -print -quit)" ]
}

# swift_module NAME SOURCE_DIR [DEPENDENCY...] [-- EXTRA FLAGS]: Name.o and Name.swiftmodule.
swift_module() {
    local name=$1 dir=$2
    shift 2
    local deps=() extra=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do deps+=("$obj/$1.swiftmodule"); shift; done
    [ $# -gt 0 ] && shift && extra=("$@")
    # A stamp, not the object: swiftc leaves an output that did not change untouched.
    if stale "$obj/$name.stamp" "$dir" "${deps[@]}"; then
        echo "fuzz build: $name"
        local sources
        mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
        "$SWIFTC" "${swift_flags[@]}" "${extra[@]}" -module-name "$name" \
            -emit-module -emit-module-path "$obj/$name.swiftmodule" \
            -c -o "$obj/$name.o" "${sources[@]}"
        touch "$obj/$name.stamp"
    fi
}

# Spec and Random do not depend on each other: built side by side. The data layer needs no
# engine, so the CSV harness links no kernels.
swift_module Spec Sources/Spec -- "${yaml_flags[@]}" &
spec_job=$!
swift_module Random Sources/Random
wait "$spec_job"
swift_module Dataset Sources/Dataset Spec Random -- "${yaml_flags[@]}"

# link NAME HARNESS_DIR OBJECT...: the harness with the modules it needs.
link() {
    local name=$1 dir=$2
    shift 2
    if stale "$bin/$name" "$dir" Fuzz/Common "$@"; then
        echo "fuzz build: $name"
        local sources
        mapfile -t sources < <(find "$dir" Fuzz/Common -name '*.swift' | sort)
        # gold warns once per ASan helper symbol it cannot export: noise, dropped.
        "$SWIFTC" "${swift_flags[@]}" "${yaml_flags[@]}" \
            -module-name "${name//-/_}" "${sources[@]}" "$@" -lyaml -o "$bin/$name" \
            2> >(grep -v "Cannot export local symbol '__asan" >&2)
    fi
}

link spec-fuzzer Fuzz/SpecFuzzer "$obj/Spec.o"
link json-fuzzer Fuzz/JSONFuzzer "$obj/Spec.o"
link csv-fuzzer Fuzz/CSVFuzzer "$obj/Dataset.o" "$obj/Spec.o" "$obj/Random.o"
echo "fuzz build: up to date ($bin/spec-fuzzer, $bin/json-fuzzer, $bin/csv-fuzzer)"
