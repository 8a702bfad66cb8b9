/* SPDX-License-Identifier: MIT */
/* mdevd's command line. */
#ifndef MDEVD_OPTIONS_H
#define MDEVD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum mdevd_action {
	MDEVD_RUN,
	MDEVD_HELP,
	MDEVD_VERSION,
	MDEVD_PRINT_DEMO,
	MDEVD_CONTROL, /* --control ROOT [COMMAND...] */
	MDEVD_RECORD,  /* --record [SYSFS] */
};

struct mdevd_options {
	enum mdevd_action action;
	const char *root;      /* as given */
	const char *hardware;  /* NULL = the embedded demo */
	const char *state_dir; /* NULL = ROOT/var/lib/mdevd */
	const char *on_register;
	char **command;		  /* --control: the words after ROOT */
	const char *record_store; /* --record-store DIR */
	int n_command;
	const char *driver_dir; /* NULL = $MDEVD_DRIVER_DIR or the default */
	bool foreground;
	bool reset;
	bool allow_other;
	bool uevents;
};

/* 0, or 2 after printing a one-line usage error to stderr. */
int mdevd_options_parse(int argc, char **argv, struct mdevd_options *o);
void mdevd_usage(FILE *out);

#endif
