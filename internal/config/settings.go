package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/spf13/pflag"

	"github.com/pragyamugale/portfolio/internal/notify"
)

// Setting is one setting of Config, as its tags declare it.
type Setting struct {
	Field      string // the Config field
	Env        string // its environment variable
	Flag       string // its flag, without dashes; "" for environment only
	Persistent bool   // the flag is shared with the owner's commands
	Secret     bool   // never shown: --help masks it
	Help       string // the flag's usage
	Doc        string // docs/configuration.md's meaning, Markdown
	Default    string // the default as docs/configuration.md shows it
}

// Settings lists every setting, in Config's order.
func Settings() []Setting {
	def := reflect.ValueOf(Default())
	typ := def.Type()
	var out []Setting
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		s := Setting{
			Field:      f.Name,
			Env:        name,
			Flag:       f.Tag.Get("flag"),
			Persistent: f.Tag.Get("persistent") == "true",
			Secret:     f.Tag.Get("secret") == "true",
			Help:       f.Tag.Get("help"),
			Doc:        f.Tag.Get("doc"),
			Default:    f.Tag.Get("docdefault"),
		}
		if s.Doc == "" {
			s.Doc = s.Help
		}
		// {x} in a doc is code: `x`.
		s.Doc = strings.NewReplacer("{", "`", "}", "`").Replace(s.Doc)
		if s.Default == "" {
			s.Default = "`" + shown(def.Field(i)) + "`"
		}
		out = append(out, s)
	}
	return out
}

// shown is a default value as a person writes it (15m, not 15m0s).
func shown(v reflect.Value) string {
	if d, ok := v.Interface().(time.Duration); ok {
		s := d.String()
		if strings.HasSuffix(s, "m0s") || strings.HasSuffix(s, "h0m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		return s
	}
	return fmt.Sprint(v.Interface())
}

// FromEnv reads every setting's environment variable into c.
func FromEnv(c *Config) error { return env.Parse(c) }

// BindFlags declares every setting's flag on flags (or, for the settings
// shared with the owner's commands, on persistent), bound to c: c's
// values, the environment's by then, are the defaults shown; a secret's
// through redact (pgstore.RedactURL for --database-url).
func BindFlags(c *Config, flags, persistent *pflag.FlagSet, redact func(string) string) {
	v := reflect.ValueOf(c).Elem()
	for _, s := range Settings() {
		if s.Flag == "" {
			continue
		}
		fs := flags
		if s.Persistent {
			fs = persistent
		}
		usage := s.Help + " (env " + s.Env + ")"
		switch p := v.FieldByName(s.Field).Addr().Interface().(type) {
		case *string:
			switch {
			case s.Secret:
				fs.Var(secretURL{p, redact}, s.Flag, usage)
			case s.Field == "NotifyURL":
				fs.Var(&notify.Flag{URLs: p}, s.Flag, usage)
			default:
				fs.StringVar(p, s.Flag, *p, usage)
			}
		case *int:
			fs.IntVar(p, s.Flag, *p, usage)
		case *bool:
			fs.BoolVar(p, s.Flag, *p, usage)
		case *time.Duration:
			fs.DurationVar(p, s.Flag, *p, usage)
		default:
			panic(fmt.Sprintf("config: %s: no flag for a %T", s.Field, p))
		}
	}
}

// secretURL is a secret URL's flag (--database-url): help shows its value
// (from the environment) with the password masked.
type secretURL struct {
	p      *string
	redact func(string) string
}

func (s secretURL) String() string {
	if s.p == nil || *s.p == "" {
		return ""
	}
	return s.redact(*s.p)
}
func (s secretURL) Set(v string) error { *s.p = v; return nil }
func (s secretURL) Type() string       { return "url" }
