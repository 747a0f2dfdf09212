# SPDX-License-Identifier: GPL-2.0-only
# The recorder's file events: relative paths after chdir, through an openat dirfd and after
# fchdir resolve to absolute paths in the sandbox's view; rename (and RENAME_EXCHANGE), link,
# symlink, unlink, rmdir, O_TMPFILE + linkat, truncate/ftruncate, chmod/fchmod, creat are each
# seen with their result; ordinary read-only opens are not, /proc/*/environ|mem reads are; a
# honey-file read is seen by the probes and by fanotify; the inventory lists exactly the files
# the program created.
source tests/integration/lib.sh
source tests/integration/test_record.inc

rrun files -- "$HELPERS/rec_files" "$SCRATCH/files/work"
assert_eq "$(run_end_field exit_code)" 0 "rec_files must succeed ($(cat "$SCRATCH/files.err"))"
assert_no_loss
B="$W"
P=$(ev '.kind == "proc.exec" and (.path | endswith("/rec_files"))' | jq -r .pid)
assert_eq "$P" 2 "the connector's pid in the sandbox"
open_of() { ev ".kind == \"file.open\" and .path == \"$1\"" | head -n 1; }

# chdir + relative open
E=$(open_of "$B/d1/rel.txt")
assert_eq "$(jq -r .intent <<<"$E")" create "rel.txt intent"
assert_eq "$(jq -r .ret <<<"$E")" 3 "rel.txt fd"
assert_eq "$(jq -r .pid <<<"$E")" "$P" "rel.txt pid"
assert_eq "$(jq -r .mode <<<"$E")" 420 "rel.txt mode (0644)"
# openat(dirfd)
assert_eq "$(open_of "$B/viadirfd.txt" | jq -r .intent)" create "viadirfd.txt"
# mkdir / rename / link / unlink
assert_eq "$(evn ".kind == \"file.mkdir\" and .path == \"$B/d1\" and .ret == 0 and .mode == 493")" 1 "mkdir d1"
assert_eq "$(evn ".kind == \"file.rename\" and .path == \"$B/d1/rel.txt\" and .path2 == \"$B/d1/renamed.txt\" and .ret == 0")" 1 "rename"
assert_eq "$(evn ".kind == \"file.link\" and .path == \"$B/viadirfd.txt\" and .path2 == \"$B/hardlink.txt\" and .ret == 0 and (.symlink | not)")" 1 "linkat"
assert_eq "$(evn ".kind == \"file.unlink\" and .path == \"$B/hardlink.txt\" and .dir == false and .ret == 0")" 1 "unlinkat"
# O_TMPFILE, then named by linkat through /proc/self/fd
E=$(ev ".kind == \"file.open\" and .tmpfile == true")
assert_eq "$(jq -r .path <<<"$E")" "$B" "O_TMPFILE directory"
assert_eq "$(jq -r .intent <<<"$E")" create "O_TMPFILE intent"
E=$(ev ".kind == \"file.link\" and .path2 == \"$B/fromtmp.txt\"")
assert_match "$(jq -r .path <<<"$E")" "^$B/\\(tmpfile:[0-9]+\\)\$" "the tmpfile linkat source"
assert_eq "$(jq -r .ret <<<"$E")" 0 "linkat of the tmpfile"
# RENAME_EXCHANGE, symlink, truncate (the ftruncate'd fd moved with the exchange), chmod
assert_eq "$(evn ".kind == \"file.rename\" and .exchange == true and .path == \"$B/d1/renamed.txt\" and .path2 == \"$B/viadirfd.txt\" and .ret == 0")" 1 "renameat2 RENAME_EXCHANGE"
assert_eq "$(evn ".kind == \"file.link\" and .symlink == true and .path == \"d1/renamed.txt\" and .path2 == \"$B/sym\"")" 1 "symlinkat"
assert_eq "$(ev ".kind == \"file.truncate\"" | jq -r '"\(.path) \(.length) \(.ret)"' | paste -sd,)" \
	"$B/d1/renamed.txt 4 0,$B/d1/renamed.txt 3 0" "truncate + ftruncate"
assert_eq "$(ev ".kind == \"file.chmod\"" | jq -r '"\(.path) \(.mode)"' | paste -sd,)" \
	"$B/d1/renamed.txt 384,$B/afterfchdir.txt 388" "chmod + fchmod"
# fchdir + relative open
assert_eq "$(open_of "$B/afterfchdir.txt" | jq -r .ret)" 4 "open after fchdir"
assert_eq "$(evn ".kind == \"file.unlink\" and .path == \"$B/d2\" and .dir == true and .ret == 0")" 1 "rmdir d2"
# a failed write attempt is recorded with its error; a read-only open is not recorded
assert_eq "$(open_of /etc/conduct-denied | jq -r .ret)" -30 "EROFS on the read-only root"
assert_eq "$(evn '.kind == "file.open" and .path == "/etc/hostname"')" 0 "read-only open recorded"
assert_eq "$(evn '.kind == "file.open" and .resolved == false')" 0 "unresolved paths"
# creat() = open(O_CREAT|O_WRONLY|O_TRUNC), relative to the fchdir'd cwd
E=$(open_of "$B/viacreat.txt")
assert_eq "$(jq -c '[.intent, .flags, .ret, .pid, .mode]' <<<"$E")" "[\"create\",577,4,$P,416]" \
	"creat viacreat.txt (O_CREAT|O_WRONLY|O_TRUNC = 577, mode 0640)"
assert_eq "$(evn ".kind == \"file.open\" and .path == \"$B/viacreat.txt\"")" 1 "one event for the creat"
# a read open of /proc/self/mem is recorded as a process-secret read
assert_eq "$(ev '.kind == "file.open" and (.path | test("^/proc/[^/]+/mem$"))' | jq -c '[.path, .intent, .ret, .pid, .proc_secret]')" \
	"[\"/proc/self/mem\",\"read\",4,$P,true]" "/proc/self/mem read"
# the inventory: exactly the created files, with their content
assert_eq "$(ev '.kind == "file.inventory"' | jq -r '"\(.path) \(.size) \(.change) \(.mode)"' | sort | paste -sd,)" \
	"$B/afterfchdir.txt 0 created 0604,$B/d1/renamed.txt 3 created 0600,$B/fromtmp.txt 16 created 0600,$B/viacreat.txt 0 created 0640,$B/viadirfd.txt 9 created 0644" \
	"inventory"
E=$(ev ".kind == \"file.inventory\" and .path == \"$B/fromtmp.txt\"")
assert_eq "$(jq -r .b64 <<<"$E" | base64 -d)" "anonymous first" "inventory content"
assert_eq "$(jq -r .sha256 <<<"$E")" "$(printf 'anonymous first\n' | sha256sum | cut -d' ' -f1)" "inventory sha256"
assert_eq "$(jq -r .truncated <<<"$E")" false "inventory truncated"
# fanotify saw the writes, by the connector's pid
assert_eq "$(evn ".kind == \"file.fanotify\" and .path == \"$B/afterfchdir.txt\" and .event == \"close_write\" and .pid == $P")" 1 "fanotify close_write"
# proc.exit of the connector comes from the recorder (exactly one)
assert_eq "$(evn ".kind == \"proc.exit\" and .pid == $P and .code == 0 and .signal == 0")" 1 "proc.exit"

# honey files and other processes' environment: a read open is recorded by both sources
rrun honey -- /bin/sh -c 'for f in "$HOME"/.aws/credentials /proc/1/environ /proc/1/mem; do cat "$f" >/dev/null 2>&1; done; cat /etc/hostname >/dev/null'
HF=$(header '.canaries[] | select(.where | startswith("file:")) | .where' | grep '\.aws/credentials' | head -n 1)
HF=${HF#file:}
[ -n "$HF" ] || fail "no honey file for ~/.aws/credentials in the header"
E=$(ev ".kind == \"file.open\" and .path == \"$HF\"")
assert_eq "$(jq -r .honey <<<"$E")" true "honey open flagged"
assert_eq "$(jq -r .intent <<<"$E")" read "honey open intent"
CATPID=$(jq -r .pid <<<"$E")
assert_eq "$(evn ".kind == \"proc.exec\" and .pid == $CATPID and .path == \"/usr/bin/cat\"")" 1 "the cat that opened it"
assert_eq "$(evn ".kind == \"file.fanotify\" and .path == \"$HF\" and .event == \"open\" and .pid == $CATPID")" 1 "fanotify saw the honey open"
assert_eq "$(evn '.kind == "file.open" and .path == "/proc/1/environ" and .proc_secret == true')" 1 "/proc/1/environ read"
# another process's memory: the refused read attempt is recorded with its error
E=$(ev '.kind == "file.open" and .path == "/proc/1/mem"')
assert_eq "$(jq -s -c 'map([.intent, .proc_secret, .ret])' <<<"$E")" '[["read",true,-13]]' "/proc/1/mem read (EACCES)"
MEMPID=$(jq -r .pid <<<"$E")
assert_eq "$(evn ".kind == \"proc.exec\" and .pid == $MEMPID and .path == \"/usr/bin/cat\" and .argv == [\"cat\",\"/proc/1/mem\"]")" 1 "the cat that opened /proc/1/mem"
assert_eq "$(evn '.kind == "file.open" and .path == "/etc/hostname"')" 0 "ordinary read"
assert_eq "$(evn '.kind == "file.inventory"')" 0 "an unmodified honey file is not inventoried"
assert_no_loss
assert_no_leftovers
