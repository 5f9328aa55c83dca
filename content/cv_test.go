package content

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// cvProfile is a profile.md with every optional CV field.
const cvProfile = `---
name: "Zoë Okafor"
title: "Site Reliability Engineer"
tagline: "Calm fleets."
location: "Lagos, Nigeria"
availability: "Open to offers from March"
experience:
  - role: "SRE"
    company: "Example Corp"
    location: "Remote"
    start: "2021-07"
    summary: "Ran the fleet."
    highlights: ["Cut pages by 40%"]
  - role: "Intern"
    company: "Small Co"
    start: "2019"
    end: "2020-06-30"
education:
  - institution: "University of Somewhere"
    degree: "B.Sc."
    area: "Computer Science"
    start: "2015"
    end: "2019"
---
`

func TestCVFieldsLoad(t *testing.T) {
	f := validFS()
	f["profile.md"].Data = []byte(cvProfile)
	p, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Profile
	if pr.Location != "Lagos, Nigeria" || pr.Availability != "Open to offers from March" {
		t.Errorf("location, availability = %q, %q", pr.Location, pr.Availability)
	}
	wantJobs := []Job{
		{Role: "SRE", Company: "Example Corp", Location: "Remote", Start: Date{2021, 7, 0}, Summary: "Ran the fleet.", Highlights: []string{"Cut pages by 40%"}},
		{Role: "Intern", Company: "Small Co", Start: Date{2019, 0, 0}, End: Date{2020, 6, 30}},
	}
	if !reflect.DeepEqual(pr.Experience, wantJobs) {
		t.Errorf("experience = %+v\nwant %+v", pr.Experience, wantJobs)
	}
	wantSchools := []School{{Institution: "University of Somewhere", Degree: "B.Sc.", Area: "Computer Science", Start: Date{2015, 0, 0}, End: Date{2019, 0, 0}}}
	if !reflect.DeepEqual(pr.Education, wantSchools) {
		t.Errorf("education = %+v\nwant %+v", pr.Education, wantSchools)
	}
	for d, want := range map[Date][2]string{
		{2021, 7, 0}: {"2021-07", "Jul 2021"}, {2019, 0, 0}: {"2019", "2019"},
		{2020, 6, 30}: {"2020-06-30", "30 Jun 2020"}, {}: {"", ""},
	} {
		if d.ISO() != want[0] || d.Human() != want[1] {
			t.Errorf("%+v: ISO %q, Human %q; want %q", d, d.ISO(), d.Human(), want)
		}
	}
}

// TestDefaultHasNoCVFacts: the shipped content states no location,
// availability, work history or education, so none may be invented.
func TestDefaultHasNoCVFacts(t *testing.T) {
	pr := loadDefault(t).Profile
	if pr.Location != "" || pr.Availability != "" || len(pr.Experience) != 0 || len(pr.Education) != 0 {
		t.Errorf("the default content has CV facts it never stated: %q %q %+v %+v",
			pr.Location, pr.Availability, pr.Experience, pr.Education)
	}
}

// TestCVFieldProblems: every bad CV field is reported with its file and
// the line of the value, as the loader's other problems are.
func TestCVFieldProblems(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"bad date", "experience:\n  - role: R\n    company: C\n    start: \"2021-13\"\n",
			[]string{`profile.md: line 8, column 12: experience item 1: field "start": "2021-13" is not a date`}},
		{"words for a date", "education:\n  - institution: U\n    end: \"last year\"\n",
			[]string{`profile.md: line 7, column 10: education item 1: field "end": "last year" is not a date`}},
		{"end before start", "experience:\n  - role: R\n    company: C\n    start: \"2021-07\"\n    end: \"2020\"\n",
			[]string{`profile.md: line 9, column 10: experience item 1: "end" (2020) is before "start" (2021-07)`}},
		{"missing start", "experience:\n  - role: R\n    company: C\n",
			[]string{`profile.md: line 6, column 9: experience item 1: missing required field "start"`}},
		{"missing role and institution", "experience:\n  - company: C\n    start: \"2020\"\neducation:\n  - degree: D\n",
			[]string{`profile.md: experience item 1: missing required field "role"`,
				`profile.md: education item 1: missing required field "institution"`}},
		{"misspelt key", "experiance: []\n",
			[]string{`profile.md: front matter: line 5, column 1: unknown field "experiance"`}},
		{"control character", "location: \"Berlin\\u001b[2J\"\n",
			[]string{`profile.md: field "location" contains control character U+001B`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := validFS()
			f["profile.md"] = &fstest.MapFile{Data: []byte("---\nname: N\ntitle: T\ntagline: Tag.\n" + tc.yaml + "---\n")}
			_, err := Load(f)
			if err == nil {
				t.Fatal("loaded")
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, w)
				}
				if !found {
					t.Errorf("no line starts with %q in:\n%v", w, err)
				}
			}
		})
	}
}
