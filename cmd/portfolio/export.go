package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// exportFormats are what `portfolio inbox export --format` writes.
var exportFormats = []string{"json", "csv", "mbox"}

// newExportCmd is `portfolio inbox export`: every message, archived ones
// too, oldest first, for the owner's records.
func newExportCmd(stores ownerStore) *cobra.Command {
	format := "json"
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every message (archived too), oldest first, as JSON, CSV or mbox",
		Long: "Write every message, archived ones too, oldest first, to stdout:\n" +
			"  json  an array of objects: the stored fields plus \"read\" and \"archived\"\n" +
			"  csv   a header row, then one row per message (RFC 4180)\n" +
			"  mbox  one e-mail per message, mboxrd style (\"From \" lines quoted as \">From \"),\n" +
			"        for any mail client",
		Args: noArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if !slices.Contains(exportFormats, format) {
				return fmt.Errorf("--format %q: want one of %s", inbox.Sanitize(format, false), strings.Join(exportFormats, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			bw := bufio.NewWriter(cmd.OutOrStdout())
			var out recordWriter
			switch format {
			case "csv":
				out = newCSVWriter(bw)
			case "mbox":
				out = mboxWriter{bw}
			default:
				out = &jsonWriter{w: bw}
			}
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			// Oldest first, as they came.
			err = st.All(cmd.Context(), func(m inbox.Message, state inbox.MessageState) error {
				return out.write(exported{Message: m, Read: state.Read, Archived: state.Archived})
			})
			if err != nil {
				return err
			}
			if err := out.close(); err != nil {
				return err
			}
			return bw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", format, "json, csv or mbox")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(exportFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// exported is one message with the owner's state of it.
type exported struct {
	inbox.Message
	Read     bool `json:"read"`
	Archived bool `json:"archived"`
}

// recordWriter writes one export format, a record at a time.
type recordWriter interface {
	write(exported) error
	close() error
}

// jsonWriter writes a JSON array, one indented object per message.
type jsonWriter struct {
	w *bufio.Writer
	n int
}

func (j *jsonWriter) write(r exported) error {
	b, err := json.MarshalIndent(r, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	j.w.WriteString(sep)
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) close() error {
	if j.n == 0 {
		_, err := j.w.WriteString("[]\n")
		return err
	}
	_, err := j.w.WriteString("\n]\n")
	return err
}

// csvWriter writes a header row, then a row per message (RFC 4180).
type csvWriter struct{ w *csv.Writer }

func newCSVWriter(w io.Writer) csvWriter {
	c := csvWriter{csv.NewWriter(w)}
	c.w.Write([]string{"id", "time", "name", "reply_to", "message", "fingerprint", "remote", "read", "archived", "checksum", "via", "invitation"})
	return c
}

func (c csvWriter) write(r exported) error {
	return c.w.Write([]string{r.ID, r.Time.UTC().Format(time.RFC3339), r.Name, r.ReplyTo, r.Message.Message, r.Fingerprint, r.Remote,
		strconv.FormatBool(r.Read), strconv.FormatBool(r.Archived), r.Checksum, r.Via, r.Invitation})
}

func (c csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// mboxWriter writes an mbox (RFC 4155) in the mboxrd style: each message
// starts with a "From " line, and body lines that read "From " after any
// number of ">" get one more ">", so readers can undo it.
type mboxWriter struct{ w *bufio.Writer }

func (mb mboxWriter) write(r exported) error {
	bw := mb.w
	sender, from := "portfolio", mail.Address{Name: r.Name, Address: "portfolio@localhost"}
	email := isEmail(r.ReplyTo)
	if email {
		sender, from.Address = r.ReplyTo, r.ReplyTo
	}
	t := r.Time.UTC()
	fmt.Fprintf(bw, "From %s %s\n", sender, t.Format(time.ANSIC))
	fmt.Fprintf(bw, "From: %s\n", from.String())
	if email {
		fmt.Fprintf(bw, "Reply-To: %s\n", r.ReplyTo)
	}
	fmt.Fprintf(bw, "Date: %s\n", t.Format(time.RFC1123Z))
	fmt.Fprintf(bw, "Subject: %s\n", mime.QEncoding.Encode("utf-8", "Message from "+r.Name))
	fmt.Fprintf(bw, "Message-ID: <%s@portfolio>\n", r.ID)
	bw.WriteString("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n")
	fmt.Fprintf(bw, "X-Portfolio-Reply-To: %s\n", mime.QEncoding.Encode("utf-8", r.ReplyTo))
	fmt.Fprintf(bw, "X-Portfolio-Remote: %s\n", r.Remote)
	if r.Fingerprint != "" {
		fmt.Fprintf(bw, "X-Portfolio-Key: %s\n", r.Fingerprint)
	}
	if r.Invitation != "" {
		fmt.Fprintf(bw, "X-Portfolio-Invitation: %s\n", mime.QEncoding.Encode("utf-8", r.Invitation))
	}
	status := "O"
	if r.Read {
		status = "RO"
	}
	fmt.Fprintf(bw, "Status: %s\n\n", status)
	for line := range strings.SplitSeq(r.Message.Message, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			line = ">" + line
		}
		bw.WriteString(line + "\n")
	}
	_, err := bw.WriteString("\n")
	return err
}

func (mboxWriter) close() error { return nil }

// isEmail reports whether a reply-to is a bare e-mail address.
func isEmail(s string) bool {
	kind, _ := inbox.ParseReplyTo(s)
	return kind == inbox.ReplyEmail
}
