package commands

import (
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
)

// otherOwnerDir is a small portfolio of someone else: replacing content/
// must re-skin every command.
const otherOwnerDir = "../../content/testdata/other-owner"

// TestOtherOwnerReskinsEveryCommand runs every command, its help and its
// errors on another owner's content and checks that none mentions the
// embedded owner, and that help and about name the new one.
func TestOtherOwnerReskinsEveryCommand(t *testing.T) {
	t.Parallel()
	pf, err := content.LoadDir(otherOwnerDir)
	if err != nil {
		t.Fatal(err)
	}
	embedded := defaultPortfolio(t)
	forbidden := strings.Fields(embedded.Profile.Name)
	for _, p := range embedded.Projects {
		forbidden = append(forbidden, p.Slug)
	}
	env := testEnv(t, 80)
	env.Portfolio = pf
	env.Submit = (&fakeSubmit{}).Submit
	for _, args := range [][]string{
		nil, {"help"}, {"--help"}, {"-h"}, {"about"}, {"about", "--json"}, {"about", "--help"},
		{"skills"}, {"skills", "--json"}, {"projects"}, {"projects", "--json"}, {"projects", "lighthouse"},
		{"projects", "lighthouse", "--json"}, {"projects", "nope"}, {"contact"}, {"contact", "--help"},
		{"version"}, {"nope"}, {"about", "extra"}, {"--nope"},
		{"contact", "--name", "Jane", "Doe", "--reply-to", "jane@example.com"},
	} {
		env.Stdin = strings.NewReader("hi")
		r := runArgs(env, args)
		for _, out := range []string{r.stdout, r.stderr} {
			for _, word := range forbidden {
				if strings.Contains(strings.ToLower(out), strings.ToLower(word)) {
					t.Errorf("%q mentions the embedded owner's %q:\n%s", args, word, out)
				}
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"about"}} {
		if out := runArgs(env, args).stdout; !strings.Contains(out, "Zoë") {
			t.Errorf("%q does not name the owner Zoë:\n%s", args, out)
		}
	}
	help := runArgs(env, []string{"help"}).stdout
	for _, want := range []string{"Zoë Okafor's portfolio", "who Zoë is", "projects lighthouse"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

// sshWords is what the server receives for a command typed in a shell:
// the shell removes the quotes, ssh joins the words with spaces and the
// server splits them again.
func sshWords(line string) []string {
	return strings.Fields(strings.ReplaceAll(line, `"`, ""))
}

// TestContactTwoWordNames: `contact --name "Jane Doe"` arrives as two
// words; the words up to the next flag are the value.
func TestContactTwoWordNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line          string
		name, replyTo string
	}{
		{`contact --name "Jane Doe" --reply-to j@x.y`, "Jane Doe", "j@x.y"},
		{`contact --name "山田 太郎" --reply-to taro@example.jp`, "山田 太郎", "taro@example.jp"},
		{`contact --reply-to jose@example.es --name "José Álvarez García"`, "José Álvarez García", "jose@example.es"},
		{`contact --name="Đặng Thị Ánh" --reply-to=anh@example.vn`, "Đặng Thị Ánh", "anh@example.vn"},
		{`contact --name Jane --reply-to "@jane doe"`, "Jane", "@jane doe"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			f := &fakeSubmit{}
			env := testEnv(t, 80)
			env.Submit = f.Submit
			env.Stdin = strings.NewReader("hi")
			r := runArgs(env, sshWords(tc.line))
			if r.code != ExitOK {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			got := f.calls()
			if len(got) != 1 || got[0].Name != tc.name || got[0].ReplyTo != tc.replyTo {
				t.Errorf("Submit got %+v, want name %q, reply-to %q", got, tc.name, tc.replyTo)
			}
		})
	}
	// Positional words before any flag are still mistakes.
	assertUsageError(t, runArgs(testEnv(t, 80), sshWords(`contact extra --name Jane`)), `"extra"`)
}

// TestHelpExamplesWork runs the message example of help and of contact
// as a visitor would paste it into a shell.
func TestHelpExamplesWork(t *testing.T) {
	t.Parallel()
	env := testEnv(t, 80)
	for _, text := range []string{HelpText(env.Portfolio, testHost), ContactText(env.Portfolio, 200, testHost)} {
		var example string
		for _, l := range strings.Split(text, "\n") {
			if _, cmd, ok := strings.Cut(l, testHost+" contact --name"); ok {
				example = "contact --name" + cmd
			}
		}
		if example == "" {
			t.Fatalf("no contact example in:\n%s", text)
		}
		f := &fakeSubmit{}
		env.Submit = f.Submit
		env.Stdin = strings.NewReader("Hello!")
		r := runArgs(env, sshWords(example))
		if got := f.calls(); r.code != ExitOK || len(got) != 1 || got[0].Name != "Your Name" {
			t.Errorf("%q: exit %d, stderr %q, submitted %+v", example, r.code, r.stderr, got)
		}
	}
}
