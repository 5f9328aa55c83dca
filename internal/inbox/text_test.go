package inbox

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/pragyamugale/portfolio/internal/corpus"
)

func TestScriptsArriveAsWritten(t *testing.T) {
	var all []string
	for script, s := range corpus.Scripts {
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("%s: corpus sentence not in NFC: %q", script, s)
		}
		for _, multiline := range []bool{false, true} {
			if got := Sanitize(s, multiline); got != s {
				t.Errorf("%s (multiline %v): Sanitize changed\n%q\nto\n%q", script, multiline, s, got)
			}
		}
		all = append(all, s)
	}
	joined := strings.Join(all, "\n")
	if got := Sanitize(joined, true); got != joined {
		t.Errorf("the corpus as one message changed:\n%q\n%q", joined, got)
	}
}

// emojiSequences reads Unicode's emoji sequence files (UTS #51, shipped in
// testdata/emoji): every RGI emoji, keycap, flag, tag, modifier and ZWJ
// sequence, one string each.
func emojiSequences(t testing.TB) map[string]string {
	t.Helper()
	seqs := map[string]string{}
	for _, name := range []string{"emoji-sequences.txt", "emoji-zwj-sequences.txt"} {
		f, err := os.Open(filepath.Join("testdata", "emoji", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Split(line, ";")
			if len(fields) < 2 {
				continue
			}
			cps, kind := strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
			if lo, hi, ok := strings.Cut(cps, ".."); ok { // a range of single code points
				a, b := hexRune(t, lo), hexRune(t, hi)
				for r := a; r <= b; r++ {
					seqs[string(r)] = kind
				}
				continue
			}
			var rs []rune
			for _, h := range strings.Fields(cps) {
				rs = append(rs, hexRune(t, h))
			}
			seqs[string(rs)] = kind
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if len(seqs) < 3000 {
		t.Fatalf("only %d emoji sequences read", len(seqs))
	}
	return seqs
}

func hexRune(t testing.TB, h string) rune {
	t.Helper()
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		t.Fatalf("bad code point %q", h)
	}
	return rune(n)
}

// Every emoji sequence of UTS #51 comes out as it went in (after NFC),
// alone, inside a sentence, and run together with the others.
func TestEmojiSequencesArriveAsWritten(t *testing.T) {
	seqs := emojiSequences(t)
	kinds := map[string]int{}
	var all strings.Builder
	for s, kind := range seqs {
		kinds[kind]++
		want := norm.NFC.String(s)
		if got := Sanitize(s, false); got != want {
			t.Errorf("%s %q: got %q", kind, s, got)
			continue
		}
		in := "Hi " + s + "! 你好" + s + "\n" + s
		if got := Sanitize(in, true); got != norm.NFC.String(in) {
			t.Errorf("%s %q in a sentence: got %q", kind, s, got)
		}
		all.WriteString(s)
	}
	if got := Sanitize(all.String(), false); got != norm.NFC.String(all.String()) {
		t.Errorf("the emoji sequences run together changed")
	}
	t.Logf("%d sequences: %v", len(seqs), kinds)
}
