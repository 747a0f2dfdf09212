/* SPDX-License-Identifier: GPL-2.0-only */
/* rec_tls: --tls-plaintext (placeholder while tls.bpf.c is developed). */
#include "record/rec_internal.h"

int rec_tls_init(struct record *r, struct error *err)
{
	return error_set(err, ENOTSUP, 0, 0, "--tls-plaintext is not available in this build");
}

void rec_tls_on_exec(struct record *r, struct rec_proc *p)
{
}

void rec_tls_free(struct record *r)
{
}
