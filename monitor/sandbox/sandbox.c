/* SPDX-License-Identifier: GPL-2.0-only */
/* PLACEHOLDER until the sandbox lands: refuses to run. */
#include "sandbox/sandbox.h"

int sandbox_new(const struct sandbox_config *cfg, struct loop *loop, struct sandbox **ret,
		struct error *err)
{
	return error_set(err, ENOSYS, 0, 0, "the sandbox is not built yet");
}
json_t *sandbox_describe(const struct sandbox *sb) { return json_object(); }
json_t *sandbox_canaries(const struct sandbox *sb) { return json_array(); }
int sandbox_cgroup_fd(const struct sandbox *sb) { return -1; }
uint64_t sandbox_cgroup_id(const struct sandbox *sb) { return 0; }
int sandbox_init_pid(const struct sandbox *sb) { return -1; }
int sandbox_pidns(const struct sandbox *sb, uint64_t *d, uint64_t *i) { return -ENOSYS; }
size_t sandbox_writable(const struct sandbox *sb, const char *const **p) { return 0; }
int sandbox_root_fd(const struct sandbox *sb) { return -1; }
int sandbox_start(struct sandbox *sb, struct trace_writer *w) { return -ENOSYS; }
bool sandbox_done(const struct sandbox *sb) { return true; }
void sandbox_interrupt(struct sandbox *sb) { }
int sandbox_finish(struct sandbox *sb, struct sandbox_result *ret) { return -ENOSYS; }
void sandbox_free(struct sandbox *sb) { }
