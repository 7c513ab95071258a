package imagefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// qemuName is qemu-img's name for a format it reads ("" when it has none:
// zvhd and zvhd2 need Huawei's qemu-img-hw).
func qemuName(f Format) string {
	switch f {
	case VHD:
		return "vpc"
	case QCOW2, QCOW, VHDX, VMDK, VDI, Raw:
		return string(f)
	}
	return ""
}

// ConvertCommand is the qemu-img command that converts the file at path,
// of format from, to format to (QCOW2 or VHD), into a new file next to it
// (named in out); ok is false when qemu-img cannot do it. The command is
// shell-quoted and runs as printed in sh, bash or zsh (a name with control
// characters is written $'…', which bash and zsh read).
func ConvertCommand(path string, from, to Format) (cmd, out string, ok bool) {
	src, dst := qemuName(from), qemuName(to)
	if src == "" || (to != QCOW2 && to != VHD) {
		return "", "", false
	}
	ext := ".qcow2"
	if to == VHD {
		ext = ".vhd"
	}
	out = convertedName(path, ext)
	cmd = fmt.Sprintf("qemu-img convert -p -f %s -O %s %s %s", src, dst, ShellPath(path), ShellPath(out))
	return cmd, out, true
}

// convertedName is where the conversion of path to ext goes: path with
// ext for its extension, or with "-converted" (then -converted-2, …) added
// when that is path itself or a file that exists: qemu-img convert
// overwrites its output without asking, and the disk.qcow2 next to a
// disk.vmdk may be another disk.
func convertedName(path, ext string) string {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	for n := 0; ; n++ {
		name := stem + ext
		switch n {
		case 0:
		case 1:
			name = stem + "-converted" + ext
		default:
			name = fmt.Sprintf("%s-converted-%d%s", stem, n, ext)
		}
		if _, err := os.Lstat(name); name != path && errors.Is(err, fs.ErrNotExist) {
			return name
		}
	}
}

// ShellPath is ShellQuote for a file argument: a relative path that starts
// with "-" is written ./-… so that no command reads it as an option.
func ShellPath(p string) string {
	if strings.HasPrefix(p, "-") {
		p = "./" + p
	}
	return ShellQuote(p)
}

// ShellQuote quotes s as one shell word: as is when it holds only
// characters no shell treats specially, else in single quotes, and in
// bash's $'…' with escapes when it holds control characters or is not
// UTF-8, so that printing it cannot move the cursor or run anything.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !isShellSafe(r) }) < 0 {
		return s
	}
	if utf8.ValidString(s) && strings.IndexFunc(s, needsEscape) < 0 {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case needsEscape(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteString("'")
	return b.String()
}

// needsEscape: characters a terminal acts on (C0, DEL, C1) and the line
// separators some render as a line break.
func needsEscape(r rune) bool {
	return unicode.IsControl(r) || r == 0x2028 || r == 0x2029
}

func isShellSafe(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
}
