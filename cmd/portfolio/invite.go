package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/invite"
)

// newInviteCmd is `portfolio invite`: one personal link per application,
// and who opened it. The subcommands are invite.Command's, the same as
// `ssh host invite …` with an owner key; this only opens the store.
func newInviteCmd(cfg *config.Config, stores ownerStore) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invite",
		Short: "Make a personal link per application, and see who opened it",
		Long: "Make a personal link per application (ssh CODE@host, https://host/i/CODE) and see\n" +
			"when it was first opened, how often, what was read and whether a message came.\n" +
			"The links use --public-addr; visits store no address or key.",
		Args: noArgs,
	}
	run := func(name string, pos []string, asJSON bool, greeting *string) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			argv := []string{name}
			if asJSON {
				argv = append(argv, "--json")
			}
			if greeting != nil && cmd.Flags().Changed("greeting") {
				argv = append(argv, "--greeting", *greeting)
			}
			// After "--": a label that starts with "-" stays a label.
			argv = append(append(argv, "--"), pos...)
			links, warn := ownerLinks(cfg)
			if warn != "" && (name == "add" || name == "show") {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", warn)
			}
			code := invite.Command(cmd.Context(), invite.Env{
				Store: st.Invitations(), Links: links,
				Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr(),
			}, argv)
			if code != 0 {
				return errExit(code)
			}
			return nil
		}
	}
	var jsonAdd, jsonList, jsonShow, jsonRevoke bool
	var greeting string
	add := &cobra.Command{Use: "add LABEL", Short: "Create an invitation and print its links and a block to paste", Args: oneInviteArg("the application's label, in quotes, for example: portfolio invite add \"Acme — Staff Backend\"")}
	add.RunE = func(c *cobra.Command, a []string) error { return run("add", a, jsonAdd, &greeting)(c, nil) }
	add.Flags().StringVar(&greeting, "greeting", "", "a greeting on the first screen and the web page")
	add.Flags().BoolVar(&jsonAdd, "json", false, "print JSON")
	list := &cobra.Command{Use: "list", Short: "List the invitations: opened or not, visits, messages", Args: noArgs}
	list.RunE = func(c *cobra.Command, a []string) error { return run("list", nil, jsonList, nil)(c, nil) }
	list.Flags().BoolVar(&jsonList, "json", false, "print JSON")
	show := &cobra.Command{Use: "show CODE|LABEL", Short: "Show one invitation: links, visits, what was read", Args: oneInviteArg(whichInvitation)}
	show.RunE = func(c *cobra.Command, a []string) error { return run("show", a, jsonShow, nil)(c, nil) }
	show.Flags().BoolVar(&jsonShow, "json", false, "print JSON")
	revoke := &cobra.Command{Use: "revoke CODE|LABEL", Short: "Revoke an invitation: its link opens the ordinary portfolio", Args: oneInviteArg(whichInvitation)}
	revoke.RunE = func(c *cobra.Command, a []string) error { return run("revoke", a, jsonRevoke, nil)(c, nil) }
	revoke.Flags().BoolVar(&jsonRevoke, "json", false, "print JSON")
	cmd.AddCommand(add, list, show, revoke)
	return cmd
}

// whichInvitation is what show and revoke want.
const whichInvitation = "which invitation: its code or its label (portfolio invite list shows them)"

// oneInviteArg wants exactly one argument, and says what it is in a
// sentence.
func oneInviteArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("%s takes %s", name(cmd), what)
		case len(args) > 1:
			return fmt.Errorf("%s takes one argument (quote a label with spaces), but was given %d", name(cmd), len(args))
		}
		return nil
	}
}

// errExit is a failure invite.Command has already explained.
type errExit int

func (e errExit) Error() string { return "invite: exit status " + strconv.Itoa(int(e)) }

// ownerLinks are the links as visitors will use them: --public-addr's
// host and port, and the host key's fingerprint when it can be read here.
func ownerLinks(cfg *config.Config) (invite.Links, string) {
	var warn string
	addr := cfg.PublicAddr
	if addr == "" {
		addr = "localhost"
		warn = "--public-addr (PORTFOLIO_PUBLIC_ADDR) is not set: the links say localhost"
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		host, portStr = addr, "22"
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		port = 22
	}
	l := invite.Links{Host: host, Port: port, WebBase: "https://" + host}
	var key *hostkeys.Key
	switch {
	case cfg.HostKeyPEM != "":
		key, err = hostkeys.FromPEM([]byte(cfg.HostKeyPEM))
	default:
		// Read, never create: the server makes the key on its first start.
		if _, serr := os.Stat(filepath.Join(cfg.HostKeyDir, hostkeys.FileName)); errors.Is(serr, fs.ErrNotExist) {
			return l, joinWarn(warn, "no host key in --host-key-dir yet: the fingerprint line is left out")
		}
		key, err = hostkeys.LoadOrCreate(cfg.HostKeyDir)
	}
	if err != nil {
		return l, joinWarn(warn, "host key: "+err.Error())
	}
	l.Fingerprint = key.Fingerprint
	return l, warn
}

func joinWarn(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\nwarning: " + b
}
