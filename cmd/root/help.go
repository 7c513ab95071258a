package root

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// cobra's own words (the "Usage:" and "Flags:" headings, "help for …",
// "unknown flag", "accepts 2 arg(s)", the completion command's help) are
// English and fixed: localize replaces each of them with the catalogue's,
// for every command of the tree, before anything runs. Help is written by
// writeHelp (cobra's template, headings from the catalogue, columns padded
// in terminal cells); usage errors become catalogue messages (exit 2).
func localize(root *cobra.Command, loc *l10n.Localizer) {
	root.SetHelpCommand(helpCommand(loc))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.SetVersionTemplate(loc.T("help.version", l10n.Args{"Name": root.Name(), "Version": root.Version}) + "\n")
	root.Flags().BoolP("version", "v", false, loc.T("help.flag.version"))
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { _ = writeHelp(c.OutOrStdout(), c, loc) })
	root.SetUsageFunc(func(c *cobra.Command) error { return writeUsage(c.OutOrStderr(), c, loc) })
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitcode.Usage(flagError(loc, err)) })
	for _, c := range walk(root) {
		if c.Name() == "completion" || (c.HasParent() && c.Parent().Name() == "completion") {
			localizeCompletion(c, loc)
		}
		if c.Flags().Lookup("help") == nil {
			c.Flags().BoolP("help", "h", false, loc.T("help.flag.help", l10n.Args{"Command": c.CommandPath()}))
		}
		c.Args = checkArgs(c.Args, loc)
		c.SuggestionsMinimumDistance = 2
	}
}

// walk is the command and every command under it.
func walk(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		out = append(out, walk(sub)...)
	}
	return out
}

// helpCommand is `ims-wizard help [command]`.
func helpCommand(loc *l10n.Localizer) *cobra.Command {
	return &cobra.Command{
		Use:   "help [" + loc.T("help.usage.command_placeholder") + "]",
		Short: loc.T("help.help.short"),
		Long:  loc.T("help.help.long"),
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return exitcode.Usage(client.NewError(nil, "help.error.unknown_topic", l10n.Args{"Topic": client.Inert(fmt.Sprintf("%q", strings.Join(args, " "))),
					"Command": c.Root().CommandPath()}))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var out []cobra.Completion
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// localizeCompletion gives cobra's completion command and its shells the
// catalogue's help.
func localizeCompletion(c *cobra.Command, loc *l10n.Localizer) {
	name := c.Root().Name()
	switch c.Name() {
	case "completion":
		c.Short, c.Long = loc.T("help.completion.short"), loc.T("help.completion.long", l10n.Args{"Name": name})
	case "bash":
		c.Short, c.Long = loc.T("help.completion.shell_short", l10n.Args{"Shell": "bash"}), loc.T("help.completion.bash", l10n.Args{"Name": name})
	case "zsh":
		c.Short, c.Long = loc.T("help.completion.shell_short", l10n.Args{"Shell": "zsh"}), loc.T("help.completion.zsh", l10n.Args{"Name": name})
	case "fish":
		c.Short, c.Long = loc.T("help.completion.shell_short", l10n.Args{"Shell": "fish"}), loc.T("help.completion.fish", l10n.Args{"Name": name})
	case "powershell":
		c.Short, c.Long = loc.T("help.completion.shell_short", l10n.Args{"Shell": "powershell"}), loc.T("help.completion.powershell", l10n.Args{"Name": name})
	}
	if f := c.Flags().Lookup("no-descriptions"); f != nil {
		f.Usage = loc.T("help.flag.no_descriptions")
	}
}

// writeHelp is cobra's help (the long description, then the usage) in
// loc's language.
func writeHelp(w io.Writer, c *cobra.Command, loc *l10n.Localizer) error {
	text := strings.TrimRight(c.Long, " \t\n")
	if text == "" {
		text = strings.TrimRight(c.Short, " \t\n")
	}
	if text != "" {
		if _, err := fmt.Fprintf(w, "%s\n\n", text); err != nil {
			return err
		}
	}
	if c.Runnable() || c.HasSubCommands() {
		return writeUsage(w, c, loc)
	}
	return nil
}

// writeUsage is cobra's usage template in loc's language.
func writeUsage(w io.Writer, c *cobra.Command, loc *l10n.Localizer) error {
	var b strings.Builder
	b.WriteString(loc.T("help.usage.heading"))
	if c.Runnable() {
		b.WriteString("\n  " + useLine(c, loc))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\n  %s [%s]", c.CommandPath(), loc.T("help.usage.command_placeholder"))
	}
	if c.HasExample() {
		fmt.Fprintf(&b, "\n\n%s\n%s", loc.T("help.usage.examples"), c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n" + loc.T("help.usage.commands"))
		var rows [][2]string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				rows = append(rows, [2]string{sub.Name(), sub.Short})
			}
		}
		b.WriteString(columns(rows, "  ", 2))
	}
	if c.HasAvailableLocalFlags() {
		fmt.Fprintf(&b, "\n\n%s\n%s", loc.T("help.usage.flags"), flagUsages(c.LocalFlags(), loc))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(&b, "\n\n%s\n%s", loc.T("help.usage.global_flags"), flagUsages(c.InheritedFlags(), loc))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n" + wrapWords(loc.T("help.usage.more", l10n.Args{"Command": c.CommandPath() + " [" + loc.T("help.usage.command_placeholder") + "] --help"}), helpWidth))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// useLine is cobra's UseLine with its "[flags]" in loc's language.
func useLine(c *cobra.Command, loc *l10n.Localizer) string {
	line := c.Use
	if c.HasParent() {
		line = c.Parent().CommandPath() + " " + line
	}
	if !c.DisableFlagsInUseLine && c.HasAvailableFlags() {
		line += " [" + loc.T("help.usage.flags_placeholder") + "]"
	}
	return line
}

// helpWidth is the width help is laid out in: the 80 columns of a
// terminal (a narrower one wraps, a wider one leaves room).
const helpWidth = 80

// columns lays out name/description pairs, the descriptions aligned gap
// spaces after the longest name and wrapped within helpWidth, widths in
// terminal cells (an accented letter is one).
func columns(rows [][2]string, indent string, gap int) string {
	width := 0
	for _, r := range rows {
		width = max(width, ansi.StringWidth(r[0]))
	}
	descWidth := max(helpWidth-ansi.StringWidth(indent)-width-gap, 24)
	var b strings.Builder
	for _, r := range rows {
		pad := strings.Repeat(" ", width-ansi.StringWidth(r[0])+gap)
		desc := wrapWords(r[1], descWidth)
		desc = strings.ReplaceAll(desc, "\n", "\n"+indent+strings.Repeat(" ", width+gap))
		b.WriteString("\n" + strings.TrimRight(indent+r[0]+pad+desc, " "))
	}
	return b.String()
}

// wrapWords wraps s at spaces into lines of at most width cells; a word
// longer than that (a URL) stays whole on its own line. (ansi.Wordwrap
// would also break at hyphens: cn-north-4, --sandbox-dir.)
func wrapWords(s string, width int) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line, lineWidth := "", 0
		for _, word := range strings.Fields(para) {
			w := ansi.StringWidth(word)
			if lineWidth > 0 && lineWidth+1+w > width {
				lines = append(lines, line)
				line, lineWidth = "", 0
			}
			if lineWidth > 0 {
				line += " "
				lineWidth++
			}
			line += word
			lineWidth += w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// flagUsages is pflag's FlagUsages in loc's language: the value's
// placeholder and "(default …)" from the catalogue, the descriptions
// aligned in terminal cells.
func flagUsages(fs *pflag.FlagSet, loc *l10n.Localizer) string {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			flags = append(flags, f)
		}
	})
	sort.SliceStable(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	var rows [][2]string
	for _, f := range flags {
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		named, desc := pflag.UnquoteUsage(f) // a `NAME` in the description names the value
		if p := placeholder(f, named, loc); p != "" {
			name += " " + p
		}
		if d := defaultText(f); d != "" {
			desc += " " + loc.T("help.usage.default", l10n.Args{"Value": d})
		}
		rows = append(rows, [2]string{name, desc})
	}
	return strings.TrimPrefix(columns(rows, "  ", 3), "\n")
}

// placeholder names a flag's value: the name its description gives (`FILE`),
// else its type's in loc's language; none for a boolean.
func placeholder(f *pflag.Flag, named string, loc *l10n.Localizer) string {
	if named != f.Value.Type() && !(f.Value.Type() == "stringArray" && named == "stringArray") {
		return named
	}
	switch f.Value.Type() {
	case "bool":
		return ""
	case "string", "stringArray", "stringSlice":
		return loc.T("help.placeholder.text")
	case "duration":
		return loc.T("help.placeholder.duration")
	case "int", "int64", "uint", "uint64":
		return loc.T("help.placeholder.number")
	}
	return f.Value.Type()
}

// defaultText is a flag's default as help shows it, "" when it has none
// worth saying (the type's zero value).
func defaultText(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return ""
	}
	if f.Value.Type() == "string" {
		return fmt.Sprintf("%q", f.DefValue)
	}
	return f.DefValue
}

// flagError is a flag parsing error of pflag in loc's language.
func flagError(loc *l10n.Localizer, err error) error {
	var notExist *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() != "":
		return client.NewError(err, "help.error.unknown_shorthand", l10n.Args{"Flag": "-" + client.Inert(notExist.GetSpecifiedName()),
			"Group": "-" + client.Inert(notExist.GetSpecifiedShortnames())})
	case errors.As(err, &notExist):
		return client.NewError(err, "help.error.unknown_flag", l10n.Args{"Flag": "--" + client.Inert(notExist.GetSpecifiedName())})
	case errors.As(err, &needs):
		return client.NewError(err, "help.error.needs_value", l10n.Args{"Flag": flagName(needs.GetFlag())})
	case errors.As(err, &invalid):
		return client.NewError(err, "help.error.invalid_value", l10n.Args{"Flag": flagName(invalid.GetFlag()),
			"Value": client.Inert(fmt.Sprintf("%q", invalid.GetValue())), "Reason": invalidReason(loc, invalid)})
	case errors.As(err, &syntax):
		return client.NewError(err, "help.error.bad_syntax", l10n.Args{"Flag": client.Inert(syntax.GetSpecifiedFlag())})
	}
	return err
}

func flagName(f *pflag.Flag) string {
	if f == nil {
		return ""
	}
	return "--" + f.Name
}

// invalidReason says why a flag's value was refused: the flag's own
// problem when it has one, else what its type accepts.
func invalidReason(loc *l10n.Localizer, e *pflag.InvalidValueError) string {
	var p *client.Problem
	if errors.As(e, &p) {
		return p.Text(loc)
	}
	if f := e.GetFlag(); f != nil {
		switch f.Value.Type() {
		case "bool":
			return loc.T("help.error.want_bool")
		case "duration":
			return loc.T("help.error.want_duration")
		case "int", "int64", "uint", "uint64":
			return loc.T("help.error.want_number")
		}
	}
	return client.ErrorText(errors.Unwrap(e), loc)
}

// checkArgs wraps a command's positional-argument check so that its
// refusal is a usage error (exit 2) in loc's language: an unknown command
// (with the commands it may have meant), or arguments that do not fit the
// command's usage line.
func checkArgs(check cobra.PositionalArgs, loc *l10n.Localizer) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(c *cobra.Command, args []string) error {
		err := check(c, args)
		if err == nil {
			return nil
		}
		if len(args) > 0 && len(strings.Fields(c.Use)) == 1 {
			if c.HasAvailableSubCommands() {
				if s := c.SuggestionsFor(args[0]); len(s) > 0 {
					return exitcode.Usage(client.NewError(err, "help.error.unknown_command_suggest", l10n.Args{"Arg": client.Inert(fmt.Sprintf("%q", args[0])),
						"Command": c.CommandPath(), "Suggestions": strings.Join(s, ", ")}))
				}
				return exitcode.Usage(client.NewError(err, "help.error.unknown_command", l10n.Args{"Arg": client.Inert(fmt.Sprintf("%q", args[0])),
					"Command": c.CommandPath(), "Help": c.CommandPath() + " --help"}))
			}
			return exitcode.Usage(client.NewError(err, "help.error.no_args", l10n.Args{"Arg": client.Inert(fmt.Sprintf("%q", args[0])), "Command": c.CommandPath()}))
		}
		return exitcode.Usage(client.NewError(err, "help.error.args", l10n.Args{"Command": c.CommandPath(), "Usage": useLine(c, loc),
			"Count": len(args)}))
	}
}
