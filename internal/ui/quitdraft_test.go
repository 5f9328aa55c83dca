package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

// TestQuitAsksWithADraft: q or Ctrl+C with an unsent message asks once
// (a one-line notice); the key again leaves, Esc stays where the visitor
// was, any other key goes on as usual. Without a draft they leave at once.
func TestQuitAsksWithADraft(t *testing.T) {
	fresh := func(t *testing.T) *Model {
		m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
		press(t, m, "enter") // into the form: the name field
		typeText(t, m, "Ada")
		return m
	}
	notice := func(t *testing.T, m *Model, key string) {
		t.Helper()
		if !strings.Contains(m.View().Content, "Not sent yet: "+key+" again quits, esc stays") {
			t.Fatalf("after %s with a draft, no notice:\n%s", key, m.View().Content)
		}
	}
	t.Run("ctrl+c twice in the form", func(t *testing.T) {
		m := fresh(t)
		if isQuitCmd(press(t, m, "ctrl+c")) || m.Quit() {
			t.Fatal("Ctrl+C with a draft quit at once")
		}
		notice(t, m, "ctrl+c")
		if !isQuitCmd(press(t, m, "ctrl+c")) || !m.Quit() {
			t.Fatal("Ctrl+C again did not quit")
		}
	})
	t.Run("esc stays in the form", func(t *testing.T) {
		m := fresh(t)
		press(t, m, "ctrl+c")
		if isQuitCmd(press(t, m, "esc")) || !m.formActive() {
			t.Fatal("Esc after the question did not stay in the form")
		}
		typeText(t, m, "x")
		if got := m.contact.name.Value(); got != "Adax" {
			t.Errorf("name %q after Esc and x, want Adax", got)
		}
		if isQuitCmd(press(t, m, "ctrl+c")) {
			t.Error("the question is asked again after Esc: Ctrl+C quit at once")
		}
	})
	t.Run("q outside the form", func(t *testing.T) {
		m := fresh(t)
		press(t, m, "esc") // leave the form: q is a key again
		if isQuitCmd(press(t, m, "q")) {
			t.Fatal("q with a draft quit at once")
		}
		notice(t, m, "q")
		press(t, m, "2") // another key: the visitor goes on
		if m.section != SectionSkills || m.Quit() {
			t.Fatalf("2 after the question: section %v, quit %v", m.section, m.Quit())
		}
		if isQuitCmd(press(t, m, "q")) {
			t.Fatal("q asks again after another key, and quit")
		}
		if !isQuitCmd(press(t, m, "q")) {
			t.Fatal("q again did not quit")
		}
	})
	t.Run("no draft", func(t *testing.T) {
		m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
		if !isQuitCmd(press(t, m, "q")) {
			t.Error("q without a draft did not quit at once")
		}
		m = newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
		press(t, m, "enter")
		if !isQuitCmd(press(t, m, "ctrl+c")) {
			t.Error("Ctrl+C in an empty form did not quit at once")
		}
	})
}
