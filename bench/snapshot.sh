# Sourced by the bench scripts. snapshot_launcher OUTDIR: builds (through ./certsonar --help), copies
# cli/target/certsonar-cli.jar and cli/target/lib into OUTDIR/app and writes OUTDIR/app/certsonar, which runs that
# copy through a copy of ./certsonar (CERTSONAR_APP: same JVM flags, no rebuild check), so a rebuild of the working tree during a
# benchmark cannot change or break what is measured. Prints the launcher to use: ./certsonar when SNAPSHOT=0.
# CERTSONAR_TARGET=DIR copies DIR (a cli/target of another checkout, say a clean `git archive` build) instead.
snapshot_launcher() {
  local out=$1 root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
  local target=${CERTSONAR_TARGET:-$root/cli/target}
  if [[ -z ${CERTSONAR_TARGET:-} ]]; then "$root/certsonar" --help > /dev/null || return 1; fi
  if [[ ${SNAPSHOT:-1} == 0 ]]; then echo "$root/certsonar"; return 0; fi
  mkdir -p "$out/app"
  cp "$target/certsonar-cli.jar" "$out/app/" && cp -r "$target/lib" "$out/app/" || return 1
  # the listing is read whole (grep -q would close the pipe early and fail it under pipefail)
  [[ $(unzip -l "$out/app/certsonar-cli.jar" 2> /dev/null) == *dev/certsonar/cli/Main.class* ]] \
    || { echo "snapshot: cli/target/certsonar-cli.jar has no Main (a build is running?); try again" >&2; return 1; }
  # the launcher itself, copied too, runs the copy with its own JVM flags and never builds (CERTSONAR_APP)
  cp "$root/certsonar" "$out/app/certsonar-launcher"
  cat > "$out/app/certsonar" <<LAUNCHER
#!/usr/bin/env bash
CERTSONAR_APP="$out/app" exec "$out/app/certsonar-launcher" "\$@"
LAUNCHER
  chmod +x "$out/app/certsonar"
  echo "$out/app/certsonar"
}
