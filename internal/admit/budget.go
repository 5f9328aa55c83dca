package admit

// Budget is how the process's file descriptors are shared: every door
// has its own cap, and a reserve is kept for the data files (messages,
// their state, statistics, the host key), the database's connections,
// the listeners and the logs, so no door can starve another, or the
// files.
type Budget struct {
	Files   int // the process's limit (RLIMIT_NOFILE); 0 = unknown
	Reserve int // kept for everything but visitors' connections
	// SSH caps open connections at both session doors (--max-conns: SSH
	// connections and web terminals together); HTTP caps the web door's
	// connections (--max-http-conns), its live terminals included.
	SSH, HTTP int
	// Reduced: the settings asked for more than the limit allows, and
	// were cut down to fit.
	Reduced bool
}

// MinReserve is the least kept back for the data files and the rest.
const MinReserve = 64

// Plan shares files descriptors between the doors: the reserve (an
// eighth of them, at least MinReserve) first, then the caps asked for
// (0 = no limit asked: the door gets what the other leaves, or half), cut down in
// proportion when together they don't fit. files 0 (unknown) keeps the
// caps as asked.
func Plan(files, ssh, http int) Budget {
	b := Budget{Files: files, SSH: ssh, HTTP: http}
	if files <= 0 {
		return b
	}
	b.Reserve = max(MinReserve, files/8)
	avail := max(2, files-b.Reserve)
	switch {
	case b.SSH <= 0 && b.HTTP <= 0:
		b.SSH = avail / 2
		b.HTTP = avail - b.SSH
	case b.SSH <= 0:
		b.SSH = max(1, avail-b.HTTP)
	case b.HTTP <= 0:
		b.HTTP = max(1, avail-b.SSH)
	}
	if b.SSH+b.HTTP > avail {
		b.Reduced = ssh > 0 || http > 0
		ssh := max(1, avail*b.SSH/(b.SSH+b.HTTP))
		b.SSH, b.HTTP = ssh, max(1, avail-ssh)
	}
	return b
}
