package invite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Env is what the owner's `invite` command needs, from the command line
// on the machine (portfolio invite …) or over SSH with an owner key (ssh
// host invite …): both run Command.
type Env struct {
	Store  Store
	Links  Links
	Stdout io.Writer
	Stderr io.Writer
	// Title names a page for people ("projects/notelytix" → "NoteLytix");
	// nil keeps the page's name.
	Title func(page string) string
	Now   func() time.Time
}

// Usage is the command's help.
const Usage = `Usage:
  invite add LABEL [--greeting TEXT] [--json]   create a personal link for one application
  invite list [--json]                          every invitation, who opened it, how much
  invite show CODE|LABEL [--json]               one invitation: links, visits, what was read
  invite revoke CODE|LABEL [--json]             stop counting it: the link opens the ordinary portfolio
`

// Command runs `invite` with args (after the word "invite") and returns
// the exit status: 0, 1 for a failure, 2 for a usage error.
func Command(ctx context.Context, env Env, args []string) int {
	if env.Title == nil {
		env.Title = func(p string) string { return p }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(env.Stdout, Usage)
		return 0
	}
	fs := pflag.NewFlagSet("invite "+args[0], pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print JSON")
	greeting := fs.String("greeting", "", "a greeting shown on the first screen")
	if err := fs.Parse(args[1:]); err != nil {
		return usage(env, err.Error())
	}
	rest := fs.Args()
	if fs.Changed("greeting") && args[0] != "add" {
		return usage(env, "--greeting is for invite add")
	}
	var err error
	switch args[0] {
	case "add":
		if len(rest) != 1 {
			return usage(env, "invite add takes one label, in quotes")
		}
		err = add(ctx, env, rest[0], *greeting, *asJSON)
	case "list", "ls":
		if len(rest) != 0 {
			return usage(env, "invite list takes no arguments")
		}
		err = list(ctx, env, *asJSON)
	case "show", "revoke":
		if len(rest) != 1 {
			return usage(env, "invite "+args[0]+" takes one code or label")
		}
		err = showOrRevoke(ctx, env, args[0] == "revoke", rest[0], *asJSON)
	default:
		return usage(env, fmt.Sprintf("unknown subcommand %q", clean(args[0])))
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "invite: %v\n", err)
		return 1
	}
	return 0
}

func usage(env Env, msg string) int {
	fmt.Fprintf(env.Stderr, "invite: %s\n\n%s", clean(msg), Usage)
	return 2
}

func clean(s string) string {
	if len(s) > 80 {
		s = s[:80]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

// JSONView is an invitation as the commands print it, with its links.
type JSONView struct {
	Invitation
	SSH string `json:"ssh"`
	Web string `json:"web"`
}

func (env Env) view(inv Invitation) JSONView {
	return JSONView{Invitation: inv, SSH: env.Links.SSH(inv.Code), Web: env.Links.Web(inv.Code)}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func add(ctx context.Context, env Env, label, greeting string, asJSON bool) error {
	var inv Invitation
	var err error
	for range 5 { // a taken code (never in practice): draw again
		if inv, err = New(label, greeting, env.Now()); err != nil {
			return err
		}
		if err = env.Store.Create(ctx, inv); !errors.Is(err, ErrExists) {
			break
		}
	}
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(env.Stdout, struct {
			JSONView
			PasteText string `json:"paste_text"`
			PasteHTML string `json:"paste_html"`
		}{env.view(inv), env.Links.PasteText(inv), env.Links.PasteHTML(inv)})
	}
	_, err = io.WriteString(env.Stdout, env.Links.Created(inv))
	return err
}

func list(ctx context.Context, env Env, asJSON bool) error {
	all, err := env.Store.List(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		views := make([]JSONView, 0, len(all))
		for _, inv := range all {
			views = append(views, env.view(inv))
		}
		return writeJSON(env.Stdout, views)
	}
	_, err = io.WriteString(env.Stdout, ListText(all))
	return err
}

func showOrRevoke(ctx context.Context, env Env, revoke bool, key string, asJSON bool) error {
	all, err := env.Store.List(ctx)
	if err != nil {
		return err
	}
	inv, err := Find(all, key)
	if err != nil {
		return err
	}
	if revoke && inv.Active() {
		if inv, err = env.Store.Revoke(ctx, inv.Code, env.Now()); err != nil {
			return err
		}
	}
	if asJSON {
		return writeJSON(env.Stdout, env.view(inv))
	}
	if revoke {
		_, err = fmt.Fprintf(env.Stdout, "Invitation %q revoked: its link now opens the ordinary portfolio, and nothing is counted.\n", inv.Label)
		return err
	}
	_, err = io.WriteString(env.Stdout, env.Links.ShowText(inv, env.Title))
	return err
}
