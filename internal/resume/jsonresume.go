package resume

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/pragyamugale/portfolio/content"
)

// The CV in the JSON Resume schema v1.0.0 (jsonresume.org), which résumé
// themes, converters and some applicant-tracking systems read. Fields the
// content has no data for are left out, as the schema allows; the tests
// validate the output against the published schema.

// SchemaURL is the schema the JSON names in "$schema".
const SchemaURL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"

type (
	jsonResume struct {
		Schema    string       `json:"$schema"`
		Basics    jsonBasics   `json:"basics"`
		Work      []jsonWork   `json:"work,omitempty"`
		Education []jsonSchool `json:"education,omitempty"`
		Skills    []jsonSkill  `json:"skills,omitempty"`
		Projects  []jsonProj   `json:"projects,omitempty"`
		Meta      jsonMeta     `json:"meta"`
	}
	jsonBasics struct {
		Name     string        `json:"name"`
		Label    string        `json:"label,omitempty"`
		Email    string        `json:"email,omitempty"`
		URL      string        `json:"url,omitempty"`
		Summary  string        `json:"summary,omitempty"`
		Location *jsonLocation `json:"location,omitempty"`
		Profiles []jsonProfile `json:"profiles,omitempty"`
		// Availability has no field in the schema, whose basics allow
		// others.
		Availability string `json:"availability,omitempty"`
	}
	jsonLocation struct {
		// Address is the location as the owner wrote it ("Berlin,
		// Germany"): the schema's free-text field.
		Address string `json:"address"`
	}
	jsonProfile struct {
		Network string `json:"network"`
		URL     string `json:"url"`
	}
	jsonWork struct {
		Name       string   `json:"name"`
		Position   string   `json:"position"`
		Location   string   `json:"location,omitempty"`
		StartDate  string   `json:"startDate,omitempty"`
		EndDate    string   `json:"endDate,omitempty"`
		Summary    string   `json:"summary,omitempty"`
		Highlights []string `json:"highlights,omitempty"`
	}
	jsonSchool struct {
		Institution string `json:"institution"`
		Area        string `json:"area,omitempty"`
		StudyType   string `json:"studyType,omitempty"`
		StartDate   string `json:"startDate,omitempty"`
		EndDate     string `json:"endDate,omitempty"`
	}
	jsonSkill struct {
		Name     string   `json:"name"`
		Keywords []string `json:"keywords"`
	}
	jsonProj struct {
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Highlights  []string `json:"highlights,omitempty"`
		Keywords    []string `json:"keywords,omitempty"`
	}
	jsonMeta struct {
		Version string `json:"version"`
	}
)

// JSONBytes is the CV as JSON Resume, indented, ending in a newline.
func JSONBytes(pf *content.Portfolio) ([]byte, error) {
	p := pf.Profile
	r := jsonResume{
		Schema: SchemaURL,
		Basics: jsonBasics{Name: p.Name, Label: p.Title, Summary: p.Tagline, Availability: p.Availability},
		Meta:   jsonMeta{Version: "v1.0.0"},
	}
	if len(p.Focus) > 0 {
		r.Basics.Summary += "\n\nFocus: " + strings.Join(p.Focus, " · ")
	}
	if p.Location != "" {
		r.Basics.Location = &jsonLocation{Address: p.Location}
	}
	for _, l := range p.Links {
		u, err := url.Parse(l.URL)
		switch {
		case err == nil && u.Scheme == "mailto" && r.Basics.Email == "":
			r.Basics.Email = u.Opaque
		case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
			r.Basics.Profiles = append(r.Basics.Profiles, jsonProfile{Network: l.Label, URL: l.URL})
		}
	}
	// A link labelled as a website is the CV's "url"; else none.
	for _, pr := range r.Basics.Profiles {
		if l := strings.ToLower(pr.Network); l == "website" || l == "web" || l == "homepage" || l == "portfolio" {
			r.Basics.URL = pr.URL
			break
		}
	}
	for _, j := range p.Experience {
		r.Work = append(r.Work, jsonWork{Name: j.Company, Position: j.Role, Location: j.Location,
			StartDate: j.Start.ISO(), EndDate: j.End.ISO(), Summary: j.Summary, Highlights: j.Highlights})
	}
	for _, s := range p.Education {
		r.Education = append(r.Education, jsonSchool{Institution: s.Institution, Area: s.Area,
			StudyType: s.Degree, StartDate: s.Start.ISO(), EndDate: s.End.ISO()})
	}
	for _, g := range pf.Skills.Groups {
		r.Skills = append(r.Skills, jsonSkill{Name: g.Name, Keywords: g.Items})
	}
	for _, pr := range pf.Projects {
		r.Projects = append(r.Projects, jsonProj{Name: pr.Title, Description: pr.Summary,
			Highlights: pr.Highlights, Keywords: pr.Stack})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
