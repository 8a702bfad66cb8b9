// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

enum {
	OPT_HARDWARE = 256,
	OPT_STATE,
	OPT_RESET,
	OPT_ALLOW_OTHER,
	OPT_ON_REGISTER,
	OPT_UEVENTS,
	OPT_PRINT_DEMO,
	OPT_CONTROL,
	OPT_RECORD,
	OPT_RECORD_STORE,
	OPT_DRIVER_DIR,
};

static const struct option long_options[] = {
    {"foreground", no_argument, NULL, 'f'},
    {"hardware", required_argument, NULL, OPT_HARDWARE},
    {"state", required_argument, NULL, OPT_STATE},
    {"reset", no_argument, NULL, OPT_RESET},
    {"allow-other", no_argument, NULL, OPT_ALLOW_OTHER},
    {"on-register", required_argument, NULL, OPT_ON_REGISTER},
    {"uevents", no_argument, NULL, OPT_UEVENTS},
    {"print-demo", no_argument, NULL, OPT_PRINT_DEMO},
    {"control", no_argument, NULL, OPT_CONTROL},
    {"record", no_argument, NULL, OPT_RECORD},
    {"record-store", required_argument, NULL, OPT_RECORD_STORE},
    {"driver-dir", required_argument, NULL, OPT_DRIVER_DIR},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

void mdevd_usage(FILE *out)
{
	fputs("Usage: mdevd [OPTIONS] ROOT\n"
	      "       mdevd --control ROOT [COMMAND...]\n"
	      "       mdevd --record [SYSFS] > hardware.json\n"
	      "Serve mediated devices as a sysfs tree mounted at ROOT/sys.\n"
	      "\n"
	      "  -f, --foreground     stay in the foreground\n"
	      "      --hardware FILE  hardware description (JSON); default: "
	      "the embedded demo\n"
	      "      --state DIR      journal directory; default: "
	      "ROOT/var/lib/mdevd\n"
	      "      --reset          start with no devices (a reboot)\n"
	      "      --allow-other    let other users in; file modes are "
	      "enforced\n"
	      "      --on-register CMD  run 'CMD <parent>' after a parent "
	      "registers\n"
	      "      --uevents        send udev events (private network "
	      "namespace only)\n"
	      "      --driver-dir DIR  driver plugins (<driver>.so); default: "
	      "$MDEVD_DRIVER_DIR, else " MDEVKIT_DRIVER_DIR "\n"
	      "      --print-demo     print the demo hardware file and exit\n"
	      "      --control        send COMMAND (or stdin's lines) to the "
	      "fault layer of\n"
	      "                       the mdevd serving ROOT; 'help' lists "
	      "the commands\n"
	      "      --record         print a hardware file reproducing the "
	      "mdev tree of\n"
	      "                       SYSFS (default /sys)\n"
	      "      --record-store DIR  with --record: also copy "
	      "SYSFS/../etc/mdevctl.d to DIR\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "Signals: SIGHUP re-reads the hardware file; SIGTERM/SIGINT "
	      "unmount and exit.\n",
	      out);
}

int mdevd_options_parse(int argc, char **argv, struct mdevd_options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
next_option:
	while ((c = getopt_long(argc, argv, "+fhV", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case OPT_HARDWARE:
			o->hardware = optarg;
			break;
		case OPT_STATE:
			o->state_dir = optarg;
			break;
		case OPT_RESET:
			o->reset = true;
			break;
		case OPT_ALLOW_OTHER:
			o->allow_other = true;
			break;
		case OPT_ON_REGISTER:
			o->on_register = optarg;
			break;
		case OPT_UEVENTS:
			o->uevents = true;
			break;
		case OPT_CONTROL:
			o->action = MDEVD_CONTROL;
			break;
		case OPT_RECORD:
			o->action = MDEVD_RECORD;
			break;
		case OPT_RECORD_STORE:
			o->record_store = optarg;
			break;
		case OPT_DRIVER_DIR:
			o->driver_dir = optarg;
			break;
		case OPT_PRINT_DEMO:
			o->action = MDEVD_PRINT_DEMO;
			return 0;
		case 'h':
			o->action = MDEVD_HELP;
			return 0;
		case 'V':
			o->action = MDEVD_VERSION;
			return 0;
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "mdevd: unknown option '-%c'\n",
					optopt);
			else if (optopt)
				fprintf(stderr,
					"mdevd: option '%s' needs a value\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "mdevd: unknown option '%s'\n",
					argv[optind - 1]);
			fputs("Try 'mdevd --help'.\n", stderr);
			return 2;
		}
	}
	/* --record SYSFS --record-store DIR: options may follow SYSFS (the
	 * "+" keeps --control's command words from being parsed). */
	if (o->action == MDEVD_RECORD && optind < argc && !o->root) {
		o->root = argv[optind++];
		goto next_option;
	}
	if (o->record_store && o->action != MDEVD_RECORD) {
		fputs("mdevd: --record-store needs --record\n", stderr);
		return 2;
	}
	if (o->action == MDEVD_RECORD && optind == argc) {
		if (!o->root)
			o->root = "/sys";
		return 0;
	}
	if (o->action == MDEVD_CONTROL && optind < argc) {
		o->root = argv[optind];
		o->command = argv + optind + 1;
		o->n_command = argc - optind - 1;
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mdevd: %s\nTry 'mdevd --help'.\n",
			optind >= argc ? "missing ROOT" : "too many arguments");
		return 2;
	}
	o->root = argv[optind];
	if (o->on_register && !o->on_register[0]) {
		fputs("mdevd: --on-register: empty command\n", stderr);
		return 2;
	}
	return 0;
}
