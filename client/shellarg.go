package client

import "strings"

// ShellArg is s as one argument of a POSIX shell command line: unchanged
// when it is made only of characters no shell treats specially, else
// single-quoted (shellQuote), so a printed command runs as printed whatever
// an id or a path holds.
func ShellArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return shellQuote(s)
}
