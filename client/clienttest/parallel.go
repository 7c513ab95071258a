package clienttest

import (
	"flag"
	"runtime"
	"strconv"
)

// WaitingTestsParallel raises -test.parallel to n, unless it was given on
// the command line, for packages whose tests mostly wait (on a terminal,
// a paced server, a child process) rather than compute: the default,
// GOMAXPROCS, would run only 2 of them at a time on a 2-core machine and
// leave the cores idle. Call it in TestMain before m.Run.
func WaitingTestsParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && runtime.GOMAXPROCS(0) < n {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
