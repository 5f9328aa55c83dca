package config

import (
	"bytes"
	"fmt"
	"strings"
)

//go:generate go test -run TestConfigurationDoc -update

// Markdown is docs/configuration.md: every setting with its flag,
// environment variable, default and meaning, generated from Config.
func Markdown() []byte {
	var b bytes.Buffer
	b.WriteString(`# Configuration

<!-- Generated from internal/config (Config's tags) by
     go test ./internal/config -run TestConfigurationDoc -update
     Do not edit: a test fails when this file and Config differ. -->

Every setting has a flag and an environment variable (secrets have the
variable only); a flag wins over the environment, which wins over the
default. ` + "`portfolio --help`" + ` lists the flags with the values they have.
The flags marked *shared* are read by the owner's commands too
(` + "`portfolio inbox`, `portfolio stats`, `portfolio hostkey`" + `).

| Flag | Environment | Default | Meaning |
| --- | --- | --- | --- |
`)
	for _, s := range Settings() {
		flag := "—"
		if s.Flag != "" {
			flag = "`--" + s.Flag + "`"
			if s.Persistent {
				flag += " (shared)"
			}
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", flag, s.Env, s.Default, strings.ReplaceAll(s.Doc, "|", `\|`))
	}
	return b.Bytes()
}
