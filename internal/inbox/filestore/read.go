package filestore

import "github.com/pragyamugale/portfolio/internal/inbox"

// ReadAll returns every intact message in dir's log, newest first (by
// Time; messages with the same Time in reverse file order). A missing log
// is empty, not an error. Bad lines are skipped and counted, never fatal.
// ReadAll takes no lock, so it can run while the server is writing. Every
// text field is sanitised again on the way out; Checksum is left as
// stored, so Valid may be false for a message whose text that changed.
func ReadAll(dir string) ([]inbox.Message, inbox.ReadReport, error) {
	l, err := ReadListing(dir)
	if err != nil {
		return nil, inbox.ReadReport{}, err
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
