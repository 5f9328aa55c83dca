package inbox

// ReadReport says what ReadAll had to skip.
type ReadReport struct {
	Corrupt int  // lines skipped: bad JSON, bad checksum or too long
	Torn    bool // the last line is incomplete (a crash, or a write in progress)
}

// ReadAll returns every intact message in dir's log, newest first (by
// Time; messages with the same Time in reverse file order). A missing log
// is empty, not an error. Bad lines are skipped and counted, never fatal.
// ReadAll takes no lock, so it can run while the server is writing. Every
// text field is sanitised again on the way out; Checksum is left as
// stored, so Valid may be false for a message whose text that changed.
func ReadAll(dir string) ([]Message, ReadReport, error) {
	l, err := ReadListing(dir)
	if err != nil {
		return nil, ReadReport{}, err
	}
	msgs, err := l.Messages(0, l.Len())
	if err != nil {
		return nil, l.Report, err
	}
	return msgs, l.Report, nil
}

// Quarantined reports what is set aside as damaged in dir: the lines a
// listing skipped and the records in side files.
func Quarantined(dir string, l *Listing) (Quarantine, error) {
	files, moved, err := sideFiles(dir)
	if err != nil {
		return Quarantine{}, err
	}
	return Quarantine{Dir: dir, Skipped: l.Report.Corrupt, Moved: moved, SideFiles: files}, nil
}

// Sanitized returns the message with every field cleaned for a terminal,
// as it is shown (Checksum is left as stored).
func (m Message) Sanitized() Message {
	m.ID = Sanitize(m.ID, false)
	m.Name = Sanitize(m.Name, false)
	m.ReplyTo = Sanitize(m.ReplyTo, false)
	m.Message = Sanitize(m.Message, true)
	m.Fingerprint = Sanitize(m.Fingerprint, false)
	m.Remote = Sanitize(m.Remote, false)
	m.Via = Sanitize(m.Via, false)
	return m
}
