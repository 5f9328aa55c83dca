package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// The owner's commands check their arguments with these, not cobra's
// checks ("requires at least 1 arg(s), only received 0"): each error is a
// sentence that says what was expected and how to get it right.

// noArgs: the command takes no arguments. For a command with commands of
// its own, an argument is a command it doesn't have.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasAvailableSubCommands() {
		return fmt.Errorf("no command %q in %s; its commands are %s (see %s --help)",
			args[0], cmd.CommandPath(), subcommands(cmd), cmd.CommandPath())
	}
	return fmt.Errorf("%s takes no arguments, but was given %q (see %s --help)",
		name(cmd), args[0], cmd.CommandPath())
}

// name is cmd as the owner typed it after "portfolio": "inbox show".
func name(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// messageIDs: the command takes message ids (or unique prefixes), at
// least one and, with max above 0, at most max.
func messageIDs(max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("which message? Give its id, for example: %s 6dj7 (portfolio inbox lists the ids)", cmd.CommandPath())
		case max == 1 && len(args) > 1:
			return fmt.Errorf("%s takes one message id, but was given %d", name(cmd), len(args))
		case max > 0 && len(args) > max:
			return fmt.Errorf("%s takes at most %d message ids, but was given %d", name(cmd), max, len(args))
		}
		return nil
	}
}

// oneDir: the command takes one folder.
func oneDir(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return fmt.Errorf("which folder? Give one to create, for example: %s my-portfolio", cmd.CommandPath())
	case len(args) > 1:
		return fmt.Errorf("%s takes one folder, but was given %d", name(cmd), len(args))
	}
	return nil
}

// subcommands lists cmd's commands: "show, archive or unarchive".
func subcommands(cmd *cobra.Command) string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// flagError words a flag that can't be parsed as the other errors are,
// with where to look.
func flagError(cmd *cobra.Command, err error) error {
	return fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())
}
