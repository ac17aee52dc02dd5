#!/usr/bin/env bash
# Builds every release artifact of edgereg into one directory:
#
#   packaging/build-release.sh [-o DIR] [--version V] [--binary FILE]
#     DIR      default out/release (relative to the repository root)
#     V        default: <Version> in Directory.Build.props
#     FILE     use an already built binary instead of running packaging/build-binary.sh
#
# Produces in DIR:
#   edgereg                                 the native-AOT binary (packaging/build-binary.sh)
#   edgereg-V-linux-x64.tar.gz              binary, edgereg.service, edgereg-bootstrap.{sh,service},
#                                           config.json.sample, edgereg.tmpfiles.conf, README.md
#   edgereg-V-1.x86_64.rpm                  rpmbuild of packaging/edgereg.spec (Debian package `rpm`)
#   oci/                                    OCI image layout holding the binary as an OCI artifact
#                                           (artifactType application/vnd.edgereg.binary.v1, one layer)
#   binary-digest                           sha256:<binary>: the layer digest to pin (generate.py --binary-digest)
#   manifest-digest                         sha256:<manifest> of the artifact
# The unit, tmpfiles entry and config sample are taken from butane/edgereg-master.bu, so the packages
# install exactly what the MachineConfig lays down (the RPM with /usr/bin instead of /usr/local/bin).
# Push the artifact to every node:
#   skopeo copy --dest-tls-verify=false oci:DIR/oci:V docker://NODE:5000/edgereg/edgereg:V
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir=out/release
version=""
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out_dir=${2:?-o needs a directory}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --binary) binary=${2:?--binary needs a file}; shift 2 ;;
    *) echo "usage: $0 [-o DIR] [--version V] [--binary FILE]" >&2; exit 2 ;;
  esac
done
cd "$repo_root"
log() { printf '==> %s\n' "$*" >&2; }

if [ -z "$version" ]; then
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)
fi
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.+~][0-9A-Za-z.]+)?$ ]]; then
  echo "$0: version \"$version\" is not MAJOR.MINOR.PATCH[.suffix]" >&2
  exit 2
fi
for tool in rpmbuild python3 sha256sum tar gzip; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (rpmbuild: apt-get install rpm; python3-yaml for the .bu)" >&2; exit 1; }
done

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$binary" ]; then
  [ -x "$binary" ] || { echo "$0: --binary \"$binary\" is not an executable file" >&2; exit 2; }
  install -m 0755 "$binary" "$out_dir/edgereg"
else
  log "building the binary (packaging/build-binary.sh)"
  bash packaging/build-binary.sh -o "$work/bin"
  install -m 0755 "$work/bin/edgereg" "$out_dir/edgereg"
fi

# Files from the Butane source, so packages and MachineConfig never drift apart.
stage="$work/stage"
mkdir -p "$stage"
python3 - "$repo_root/butane/edgereg-master.bu" "$stage" <<'PY'
import pathlib, sys, yaml
bu = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
stage = pathlib.Path(sys.argv[2])
files = {f["path"]: f["contents"].get("inline") for f in bu["storage"]["files"]}
units = {u["name"]: u["contents"] for u in bu["systemd"]["units"]}
(stage / "config.json.sample").write_text(files["/etc/edgereg/config.json"])
(stage / "edgereg.tmpfiles.conf").write_text(files["/etc/tmpfiles.d/edgereg.conf"])
(stage / "edgereg.service").write_text(units["edgereg.service"])
(stage / "edgereg-bootstrap.service").write_text(units["edgereg-bootstrap.service"])
PY
cp "$out_dir/edgereg" "$stage/edgereg"
install -m 0755 packaging/edgereg-bootstrap.sh "$stage/edgereg-bootstrap.sh"
cp packaging/README.md "$stage/README.md"

# SOURCE_DATE_EPOCH (reproducible builds) or the last commit's time: the same tree gives the same tarball.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
tar_name="edgereg-$version-linux-x64"
log "tarball $tar_name.tar.gz"
mkdir -p "$work/tar/$tar_name"
for file in edgereg edgereg.service edgereg-bootstrap.sh edgereg-bootstrap.service config.json.sample edgereg.tmpfiles.conf README.md; do
  cp -p "$stage/$file" "$work/tar/$tar_name/$file"
done
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work/tar" -cf - "$tar_name" \
  | gzip -9n > "$out_dir/$tar_name.tar.gz"

log "RPM (rpmbuild)"
mkdir -p "$work/rpm/sources"
cp "$stage/edgereg" "$stage/edgereg.tmpfiles.conf" "$stage/config.json.sample" "$work/rpm/sources/"
sed 's:/usr/local/bin/edgereg:/usr/bin/edgereg:g' "$stage/edgereg.service" > "$work/rpm/sources/edgereg.service"
rpmbuild -bb --quiet \
  --define "_topdir $work/rpm" --define "_sourcedir $work/rpm/sources" --define "_rpmdir $work/rpm/out" \
  --define "edgereg_version $version" --define "_buildhost edgereg-build" --define "_build_id_links none" \
  --define "source_date_epoch_from_changelog 0" --define "use_source_date_epoch_as_buildtime 1" \
  packaging/edgereg.spec >&2
find "$work/rpm/out" -name '*.rpm' -exec cp {} "$out_dir/" \;

log "OCI artifact (oci layout)"
bash packaging/make-oci-artifact.sh "$out_dir/edgereg" "$version" "$out_dir/oci" > "$out_dir/manifest-digest"
echo "sha256:$(sha256sum "$out_dir/edgereg" | cut -d' ' -f1)" > "$out_dir/binary-digest"

echo "version:          $version"
echo "binary digest:    $(cat "$out_dir/binary-digest")   (pin: machineconfig/generate.py --binary-digest)"
echo "manifest digest:  $(cat "$out_dir/manifest-digest")"
echo "artifacts in:     $out_dir"
