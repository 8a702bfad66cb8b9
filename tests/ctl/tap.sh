# TAP-style checks for the tests/ctl scripts (sourced): each check prints
# "ok - DESC" or "not ok - DESC" and counts failures in $fails; a script
# ends with `[ $fails = 0 ]`.
fails=0

check() { # desc status: 0 passes
	if [ "$2" = 0 ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		fails=$((fails + 1))
	fi
}

ck() { # desc shell-condition...
	_d=$1
	shift
	if eval "$*"; then check "$_d" 0; else check "$_d" 1; fi
}

same() { # desc file1 file2: identical contents (a diff is shown if not)
	if cmp -s "$2" "$3"; then check "$1" 0; else
		diff "$2" "$3" | head -n 10
		check "$1" 1
	fi
}
