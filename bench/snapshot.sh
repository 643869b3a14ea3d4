# Sourced by the bench scripts. snapshot_launcher OUTDIR: builds (through ./certsonar --help), copies
# cli/target/certsonar-cli.jar and cli/target/lib into OUTDIR/app and writes OUTDIR/app/certsonar, which runs that
# copy with the same JVM flags as ./certsonar (without its rebuild check), so a rebuild of the working tree during a
# benchmark cannot change or break what is measured. Prints the launcher to use: ./certsonar when SNAPSHOT=0.
# CERTSONAR_TARGET=DIR copies DIR (a cli/target of another checkout, say a clean `git archive` build) instead.
snapshot_launcher() {
  local out=$1 root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
  local target=${CERTSONAR_TARGET:-$root/cli/target}
  if [[ -z ${CERTSONAR_TARGET:-} ]]; then "$root/certsonar" --help > /dev/null || return 1; fi
  if [[ ${SNAPSHOT:-1} == 0 ]]; then echo "$root/certsonar"; return 0; fi
  local java=java j
  for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [[ -n $j && -x $j/bin/java ]] && { java=$j/bin/java; break; }; done
  mkdir -p "$out/app"
  cp "$target/certsonar-cli.jar" "$out/app/" && cp -r "$target/lib" "$out/app/" || return 1
  # the listing is read whole (grep -q would close the pipe early and fail it under pipefail)
  [[ $(unzip -l "$out/app/certsonar-cli.jar" 2> /dev/null) == *dev/certsonar/cli/Main.class* ]] \
    || { echo "snapshot: cli/target/certsonar-cli.jar has no Main (a build is running?); try again" >&2; return 1; }
  cat > "$out/app/certsonar" <<LAUNCHER
#!/usr/bin/env bash
# the flags of ./certsonar on JDK 24+, on a copy of its build
exec "$java" --enable-native-access=ALL-UNNAMED -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.certsonar \\
  --sun-misc-unsafe-memory-access=allow \${CERTSONAR_JAVA_OPTS:-} -cp "$out/app/certsonar-cli.jar:$out/app/lib/*" dev.certsonar.cli.Main "\$@"
LAUNCHER
  chmod +x "$out/app/certsonar"
  echo "$out/app/certsonar"
}
