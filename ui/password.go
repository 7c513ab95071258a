package ui

import (
	"errors"
	"io"

	"github.com/charmbracelet/huh"
)

// AskPassword asks for the IAM password of user, never echoing it, on the
// terminal the UI draws on. Aborting returns ErrInterrupted.
func AskPassword(in io.Reader, out io.Writer, user string) (string, error) {
	var password string
	err := huh.NewForm(huh.NewGroup(huh.NewInput().
		Title("IAM password for " + user).
		Description("OS_USERNAME is set without OS_PASSWORD; the password is kept in memory only.").
		EchoMode(huh.EchoModePassword).
		Value(&password))).
		WithInput(in).WithOutput(out).WithShowHelp(false).Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return "", ErrInterrupted
	}
	return password, err
}
