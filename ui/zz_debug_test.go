package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/colorprofile"
)

func TestZZShow(t *testing.T) {
	keys := strings.Fields(os.Getenv("KEYS"))
	var w, h int
	fmt.Sscanf(os.Getenv("SIZE"), "%dx%d", &w, &h)
	if w == 0 {
		t.Skip()
	}
	f := &fakeInbox{receipt: testReceipt}
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: f.submit})
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	for _, k := range keys {
		if k == "SEND" {
			send(t, m, submitResult(t, send(t, m, ctrlS)))
			continue
		}
		if strings.HasPrefix(k, "T:") {
			typeText(t, m, k[2:])
			continue
		}
		press(t, m, k)
	}
	fmt.Println(strings.Repeat("=", w))
	fmt.Println(plain(m))
	fmt.Println(strings.Repeat("=", w))
}

func TestZZScroll(t *testing.T) {
	f := &fakeInbox{receipt: testReceipt}
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: f.submit})
	send(t, m, tea.WindowSizeMsg{Width: 40, Height: 12})
	press(t, m, "4")
	_ = m.View()
	press(t, m, "enter")
	fmt.Println(m.contact.spans, m.contact.vp.YOffset(), m.contact.height, m.contact.vp.Height())
}
