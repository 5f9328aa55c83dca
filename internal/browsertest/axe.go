package browsertest

import (
	"context"
	_ "embed"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored from npm by vendor/update.sh (see
// vendor/MANIFEST for the version and its integrity).
//
//go:embed vendor/axe.min.js
var axeSource string

// AxeViolations runs axe-core in the tab's page as it is now (injected
// through the DevTools protocol, so the page's CSP doesn't apply) and
// returns one line per rule violated: the rule, its help and the
// elements at fault.
func AxeViolations(ctx context.Context) ([]string, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (()=>{`+axeSource+`
;return true})()`)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		chromedp.EvalAwaitPromise))
}

// NoAxeViolations fails t for each accessibility violation axe-core
// finds in the tab's page; where names the page in the failure.
func NoAxeViolations(t testing.TB, ctx context.Context, where string) {
	t.Helper()
	vs, err := AxeViolations(ctx)
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", where, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe-core: %s", where, v)
	}
}
