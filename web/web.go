// Package web is the server's small HTTP side: a health check for the
// platform, Prometheus metrics, and a page for people who can't use SSH,
// with the ssh command, the host key's fingerprint and the portfolio as
// plain text.
package web

import (
	"html/template"
	"net/http"
)

// Options is what the HTTP side shows and asks.
type Options struct {
	// Healthy reports whether SSH is accepting sessions.
	Healthy func() bool
	// Metrics serves /metrics.
	Metrics http.Handler
	// Page content.
	Name        string   // the owner's name, for the title
	SSHCommand  string   // e.g. "ssh portfolio.example.com"
	Fingerprint string   // SHA256:…
	KnownHosts  string   // a known_hosts line
	SSHFP       []string // DNS records
	Text        string   // the portfolio as plain text
}

// Handler serves /, /healthz and /metrics.
func Handler(o Options) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !o.Healthy() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("stopping\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_ = page.Execute(w, o)
	})
	return mux
}

// page is deliberately plain: one column of text that reads well on a
// phone, with no scripts and nothing loaded from elsewhere.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} · portfolio</title>
<style>
body { font: 16px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
pre { white-space: pre-wrap; }
code { background: rgba(127,127,127,.15); padding: .1rem .3rem; border-radius: 3px; }
@media (prefers-color-scheme: dark) { body { background: #16161d; color: #e4e4ec; } }
</style>
</head>
<body>
<h1>{{.Name}}</h1>
<p>This portfolio is an app for your terminal. Open it with:</p>
<p><code>{{.SSHCommand}}</code></p>
<p>No account or key needed. The server's host key fingerprint is
<code>{{.Fingerprint}}</code>; your SSH client shows it the first time you connect.</p>
<details>
<summary>known_hosts line and SSHFP records</summary>
<pre>{{.KnownHosts}}
{{range .SSHFP}}{{.}}
{{end}}</pre>
</details>
<h2>The portfolio, as text</h2>
<pre>{{.Text}}</pre>
</body>
</html>
`))
