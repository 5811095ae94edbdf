#!/bin/sh
# Copies the fixtures into corpus/<target>/ as seeds. Run from fuzz/.
set -eu
mkdir -p corpus/kdl corpus/yaml corpus/pipeline
for f in ../specs/*.kdl ../tests/fixtures/*/*.kdl ../tests/fixtures/*/*/*.kdl ../tests/fixtures/adversarial/*.kdl; do
    [ -f "$f" ] || continue
    n=$(echo "$f" | tr '/.' '__')
    cp "$f" "corpus/kdl/$n"
    { printf '\000'; cat "$f"; } > "corpus/pipeline/$n"
done
for f in ../examples/*/*.yaml ../tests/fixtures/*/*.yaml ../tests/fixtures/adversarial/*.yaml; do
    [ -f "$f" ] || continue
    n=$(echo "$f" | tr '/.' '__')
    cp "$f" "corpus/yaml/$n"
    { printf '\001'; cat "$f"; } > "corpus/pipeline/$n"
done
echo "seeded: $(ls corpus/kdl | wc -l) kdl, $(ls corpus/yaml | wc -l) yaml, $(ls corpus/pipeline | wc -l) pipeline"
