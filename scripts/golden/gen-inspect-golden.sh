#!/usr/bin/env bash
# Regenerates tests/golden/inspect/ from sysdig 0.29.3, the oracle for vigil's inspector.
#
# For every shared capture sysdig can open:
#   <capture>.default.txt  `sysdig -r F` (the default line format, raw mode)
#   <capture>.fields.txt   for each field below, a "### FIELD" header followed by
#                          `sysdig -r F -p '%evt.num %FIELD'`; "### FIELD unsupported" when
#                          sysdig 0.29.3 does not know the field.
# Times are printed in UTC (TZ=UTC); the tests set the same zone.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${VIGIL_SHARED_DIR:-$(cd ../shared && pwd)}
out=tests/golden/inspect
mkdir -p "$out"
export TZ=UTC

captures=(
  cat_write.scap connect_localhost.scap open-multiple-files.scap ping_sendto.scap
  psp_privileged.scap psp_write_tmp_test.scap sample.scap single_ipv6_conn.scap syscall.scap
  test_ipv6_client.scap
)

# At least one field of every class the syscall source offers.
fields=(
  evt.num evt.time evt.datetime evt.rawtime evt.reltime evt.deltatime evt.dir evt.type evt.cpu
  evt.args evt.info evt.res evt.rawres evt.failed evt.is_io evt.is_io_read evt.is_io_write
  evt.io_dir evt.is_wait evt.category evt.count evt.arg.fd evt.arg.name 'evt.arg[0]'
  evt.rawarg.res evt.is_open_read evt.is_open_write syscall.type
  proc.name proc.pid proc.ppid proc.exe proc.args proc.cmdline proc.pname 'proc.aname[2]'
  proc.cwd proc.vpid proc.sid proc.tty proc.env proc.nthreads proc.nchilds proc.fdopencount
  proc.vmsize proc.vmrss proc.exeline proc.sname 'proc.apid[1]'
  thread.tid thread.ismain thread.vtid thread.exectime thread.totexectime thread.vmsize thread.vmrss
  thread.cpu thread.cpu.user thread.cpu.system proc.cmdnargs evt.buflen
  fd.num fd.type fd.typechar fd.name fd.directory fd.filename fd.cip fd.sip fd.lip fd.rip
  fd.cport fd.sport fd.lport fd.rport fd.l4proto fd.sockfamily fd.is_server fd.name_changed
  fd.dev fd.dev.major fd.dev.minor fd.ino
  fdlist.nums fdlist.names
  user.uid user.name user.homedir user.shell group.gid group.name
  container.id container.name container.type container.image container.privileged
)

for cap in "${captures[@]}"; do
  f="$shared/captures/$cap"
  sysdig -r "$f" > "$out/$cap.default.txt"
  {
    for field in "${fields[@]}"; do
      if text=$(sysdig -r "$f" -p "%evt.num %$field" 2>/dev/null); then
        echo "### $field"
        [ -n "$text" ] && printf '%s\n' "$text"
      else
        echo "### $field unsupported"
      fi
    done
  } > "$out/$cap.fields.txt"
done
echo "golden files written to $out"
