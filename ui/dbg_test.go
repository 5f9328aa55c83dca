package ui

import (
	"fmt"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/host"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

func TestDbgWake(t *testing.T) {
	pf := portfolio(t)
	msgs := make([]inbox.Message, 40)
	for i := range msgs {
		msgs[i] = inbox.Message{ID: fmt.Sprintf("m%02d", i), Name: fmt.Sprintf("Visitor %d", i)}
	}
	h := host.New(host.Config{Sleep: 15 * time.Millisecond})
	term := newPipeTerm()
	m := &probe{Model: New(pf, Options{Profile: colorprofile.ANSI256, Inbox: &slowInbox{msgs}, Section: SectionInbox})}
	go h.NewVisit(term, m, host.Options{Profile: colorprofile.ANSI256}).Run()
	for i := range 4 {
		testkit.Eventually(waitTimeout, time.Millisecond, func() bool { n, _ := m.state(); return n == i && h.Programs() == 0 })
		io.WriteString(term.in, "j")
	}
	testkit.Eventually(waitTimeout, time.Millisecond, func() bool { n, _ := m.state(); return n == 4 && h.Programs() == 0 })
	t.Log(m.inbox.selected)
	_ = tea.Quit
}
