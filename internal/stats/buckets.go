package stats

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
)

// ClientOther is the client bucket for software not recognised.
const ClientOther = "other"

// clientPrefixes maps the start of the software part of an SSH version
// string ("SSH-2.0-OpenSSH_9.6p1 Ubuntu…" → "openssh_9.6p1…"), lower-cased,
// to a client name. Longer prefixes come first where one starts another.
var clientPrefixes = []struct{ prefix, name string }{
	{"openssh", "OpenSSH"},
	{"putty", "PuTTY"},
	{"termius", "Termius"},
	{"libssh2", "libssh2"},
	{"libssh", "libssh"},
	{"dropbear", "Dropbear"},
	{"go", "Go"},
	{"paramiko", "Paramiko"},
	{"asyncssh", "AsyncSSH"},
	{"russh", "russh"},
	{"thrussh", "russh"},
	{"jsch", "JSch"},
	{"winscp", "WinSCP"},
	{"securecrt", "SecureCRT"},
	{"vandyke", "SecureCRT"},
	{"bitvise", "Bitvise"},
	{"mobaxterm", "MobaXterm"},
	{"conch", "Twisted Conch"},
	{"tabby", "Tabby"},
	{"blink", "Blink"},
}

// Client names the software behind an SSH client version string, such as
// "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13" → "OpenSSH"; anything unknown
// is "other". The result is one of a fixed set, so a client can't invent
// new entries in the statistics.
func Client(version string) string {
	_, soft, ok := strings.Cut(version, "-") // "SSH"
	if ok {
		_, soft, ok = strings.Cut(soft, "-") // "2.0"
	}
	if !ok {
		return ClientOther
	}
	soft = strings.ToLower(soft)
	for _, p := range clientPrefixes {
		if rest, ok := strings.CutPrefix(soft, p.prefix); ok {
			// "go" must not claim "gotty": the name ends at a separator.
			if p.name == "Go" && rest != "" && !strings.ContainsAny(rest[:1], "_-. /") {
				continue
			}
			return p.name
		}
	}
	return ClientOther
}

// SizeBucket groups a terminal size into a coarse bucket such as
// "80-119x24-39"; "" for no terminal.
func SizeBucket(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	return span(width, []int{40, 80, 120, 160, 200}) + "x" + span(height, []int{12, 24, 40, 60})
}

// span names the range of edges v falls in: "<40", "80-119", "200+".
func span(v int, edges []int) string {
	if v < edges[0] {
		return "<" + strconv.Itoa(edges[0])
	}
	for i := 1; i < len(edges); i++ {
		if v < edges[i] {
			return strconv.Itoa(edges[i-1]) + "-" + strconv.Itoa(edges[i]-1)
		}
	}
	return strconv.Itoa(edges[len(edges)-1]) + "+"
}

// ColorBucket names a colour profile: "truecolor", "256", "16" or
// "no-color".
func ColorBucket(p colorprofile.Profile) string {
	switch p {
	case colorprofile.TrueColor:
		return "truecolor"
	case colorprofile.ANSI256:
		return "256"
	case colorprofile.ANSI:
		return "16"
	default:
		return "no-color"
	}
}
