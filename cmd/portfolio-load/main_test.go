package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/load"
)

func TestExitCodes(t *testing.T) {
	addr, stop, err := load.StartFloor()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (or stderr when the code is 2)
	}{
		{[]string{"--help"}, 0, ""},
		{[]string{"--addr", "example.com:22"}, 2, "--allow-remote"},
		{[]string{"--addr", "10.0.0.1:22", "-n", "1"}, 2, "isn't loopback"},
		{[]string{"-n", "100001"}, 2, "-n 100001"},
		{[]string{"-c", "0"}, 2, "-c must not be zero"},
		{[]string{"--key-sequence", "j,,k"}, 2, "empty key"},
		{[]string{"stray"}, 2, "unexpected arguments"},
		{[]string{"--addr", addr, "--no-floor", "-n", "4", "-c", "2", "--keys", "1", "--key-interval", "10ms"}, 0, "sessions ok            4"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d; stderr %s", tc.args, code, tc.code, stderr.String())
		}
		got := stdout.String()
		if tc.code == 2 {
			got = stderr.String()
		}
		if !strings.Contains(got, tc.out) {
			t.Errorf("%q: output lacks %q:\n%s", tc.args, tc.out, got)
		}
	}
}

func TestJSON(t *testing.T) {
	addr, stop, err := load.StartFloor()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--addr", addr, "-n", "3", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep load.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout.String())
	}
	if rep.Target.OK != 3 || rep.Floor == nil || rep.Floor.OK != 3 || rep.Target.FirstFrame.N != 3 {
		t.Errorf("report %+v", rep)
	}
}
