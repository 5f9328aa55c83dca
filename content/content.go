// Package content holds the portfolio's editable text and the loader that
// turns it into typed, validated values for the UI.
//
// The files in this folder are the source of truth: profile.md, skills.yaml,
// contact.md and one Markdown file per project under projects/. They are
// embedded into the binary, so it runs with no files around it; Load can read
// a directory instead so the owner can edit without rebuilding.
package content

import (
	"strings"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// Portfolio is everything a visitor can read, loaded and validated once at
// start-up and shared read-only by every session.
type Portfolio struct {
	Profile  Profile
	Skills   Skills
	Projects []Project
	Contact  Contact
	// Palette is the colours from theme.yaml over the built-in palette;
	// zero when there is none. Read it through Colors.
	Palette theme.Set
}

// Profile is the owner's introduction, shown on the About page.
type Profile struct {
	Name    string   // e.g. "Pragya Mugale"
	Title   string   // e.g. "Backend Engineer / Software Engineer"
	Tagline string   // one or two sentences
	Focus   []string // short focus areas, e.g. "Architectural clarity"
	Links   []Link   // optional ways to reach the owner (email, GitHub…)
	Body    string   // optional Markdown shown under the introduction

	// For the CV (see cv.go), all optional.
	Location     string // e.g. "Berlin, Germany" or "Remote"
	Availability string // e.g. "Open to offers from March"
	Experience   []Job  // most recent first, as written
	Education    []School
}

// FirstName is the first word of the owner's name, for friendly lines
// such as "who Jane is".
func (p Profile) FirstName() string {
	if f := strings.Fields(p.Name); len(f) > 0 {
		return f[0]
	}
	return p.Name
}

// Link is a labelled address such as an email or a profile URL.
type Link struct {
	Label string
	URL   string
}

// Skills lists the skill groups and the areas a visitor can filter them by.
type Skills struct {
	Areas  []string     // filter areas, in display order, e.g. "Backend"
	Groups []SkillGroup // in display order
}

// SkillGroup is one heading of skills, e.g. "Programming Languages".
type SkillGroup struct {
	Name  string
	Areas []string // each one of Skills.Areas
	Items []string
}

// Project is one case study.
type Project struct {
	Slug    string   // stable, URL-safe id, e.g. "notelytix"
	Title   string   // e.g. "NoteLytix - Real-time AI Meeting Assistant"
	Summary string   // one line for the project list
	Stack   []string // technology tags
	// Highlights are the project's results in a few words each, e.g.
	// "Sub-10 ms predictable latency", shown on the first screen.
	Highlights []string
	Body       string // the full case study, Markdown
	Source     string // file it was loaded from, for error messages
}

// Contact is the invitation shown on the Contact page.
type Contact struct {
	Heading string
	Body    string // Markdown
}
