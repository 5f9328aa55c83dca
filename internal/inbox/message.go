package inbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// WriteTimeout bounds one Append: a volume that stops answering (a frozen
// filesystem, a hung network disk) fails the message with ErrStorage
// after this long instead of holding the visitor forever.
const WriteTimeout = 10 * time.Second

// Sum returns the message's checksum: "sha256:" and the hex SHA-256 of its
// JSON encoding with Checksum empty. It returns "" if the message can't be
// encoded (a time outside years 0–9999).
func (m Message) Sum() string {
	m.Checksum = ""
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Valid reports whether the message's checksum matches its fields.
func (m Message) Valid() bool {
	sum := m.Sum()
	return sum != "" && m.Checksum == sum
}

// MessageState is what the owner did with one message. A message with no
// state is unread and in the inbox.
type MessageState struct {
	Read     bool
	Archived bool
}

// ReadReport says what a read of the message log had to skip.
type ReadReport struct {
	Corrupt int  // lines skipped: bad JSON, bad checksum or too long
	Torn    bool // the last line is incomplete (a crash, or a write in progress)
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
	m.Invitation = Sanitize(m.Invitation, false)
	return m
}

// Page is a window onto the owner's inbox, newest first, with the totals
// at the moment it was read.
type Page struct {
	Total  int        // intact messages in the inbox (archived ones aside)
	Unread int        // of those, not yet opened
	Report ReadReport // what was skipped
	Kept   int        // where the message asked to keep is now, or -1
	From   int        // the index of Messages[0]
	// Messages are sanitised for display; Read[i] tells whether
	// Messages[i] has been opened.
	Messages []Message
	Read     []bool
}

// storageErr wraps err in ErrStorage, once.
func storageErr(err error) error {
	if errors.Is(err, ErrStorage) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrStorage, err)
}
