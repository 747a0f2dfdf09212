/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * doctor: probes which kernel features conduct needs work on this machine, by trying them
 * (loading a tiny program of each BPF type, creating each namespace, ...), never by guessing
 * from version numbers. One line per feature on f, with what follows when it is missing.
 */
#ifndef CONDUCT_DOCTOR_H
#define CONDUCT_DOCTOR_H

#include <stdio.h>

/* Returns 0 when `conduct run` can work here, 1 when something it needs is missing. */
int doctor_run(FILE *f);

#endif
