package commands

import "github.com/pragyamugale/portfolio/content"

// The --json output. These types are the documented, stable schema (see
// the README): fields are only ever added, never renamed or removed.

// About is `about --json`.
type About struct {
	Name    string   `json:"name"`
	Title   string   `json:"title"`
	Tagline string   `json:"tagline"`
	Focus   []string `json:"focus"`
	Links   []Link   `json:"links"`
}

// Link is a labelled address.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Skills is `skills --json`.
type Skills struct {
	Areas  []string     `json:"areas"`
	Groups []SkillGroup `json:"groups"`
}

// SkillGroup is one group of skills.
type SkillGroup struct {
	Name  string   `json:"name"`
	Areas []string `json:"areas"`
	Items []string `json:"items"`
}

// ProjectSummary is one entry of `projects --json`.
type ProjectSummary struct {
	Slug    string   `json:"slug"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Stack   []string `json:"stack"`
}

// Projects is `projects --json`.
type Projects struct {
	Projects []ProjectSummary `json:"projects"`
}

// Project is `projects NAME --json`: the summary plus the case study in
// Markdown.
type Project struct {
	ProjectSummary
	Markdown string `json:"markdown"`
}

// AboutJSON builds the about schema from the content.
func AboutJSON(pf *content.Portfolio) About {
	links := make([]Link, len(pf.Profile.Links))
	for i, l := range pf.Profile.Links {
		links[i] = Link{l.Label, l.URL}
	}
	return About{
		Name: pf.Profile.Name, Title: pf.Profile.Title, Tagline: pf.Profile.Tagline,
		Focus: nonNil(pf.Profile.Focus), Links: links,
	}
}

// SkillsJSON builds the skills schema from the content.
func SkillsJSON(pf *content.Portfolio) Skills {
	groups := make([]SkillGroup, len(pf.Skills.Groups))
	for i, g := range pf.Skills.Groups {
		groups[i] = SkillGroup{g.Name, nonNil(g.Areas), nonNil(g.Items)}
	}
	return Skills{Areas: nonNil(pf.Skills.Areas), Groups: groups}
}

// ProjectsJSON builds the project list schema from the content.
func ProjectsJSON(pf *content.Portfolio) Projects {
	ps := make([]ProjectSummary, len(pf.Projects))
	for i, p := range pf.Projects {
		ps[i] = summary(p)
	}
	return Projects{Projects: ps}
}

// ProjectJSON builds one project's schema from the content.
func ProjectJSON(p content.Project) Project {
	return Project{ProjectSummary: summary(p), Markdown: p.Body}
}

func summary(p content.Project) ProjectSummary {
	return ProjectSummary{Slug: p.Slug, Title: p.Title, Summary: p.Summary, Stack: nonNil(p.Stack)}
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
