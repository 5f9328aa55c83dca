package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pragyamugale/portfolio/internal/stats"
)

// Stats returns the statistics side of the store: a stats.Store whose
// counters every machine adds to.
func (s *Store) Stats() stats.Store { return statsStore{s} }

type statsStore struct{ s *Store }

var _ stats.Store = statsStore{}

const studyKind = "study_time:"

// counters lists a day's counts as (kind, key, n), skipping zeros.
func counters(d *stats.Day) [][3]any {
	var out [][3]any
	add := func(kind, key string, n int64) {
		if n != 0 {
			out = append(out, [3]any{kind, key, n})
		}
	}
	add("visits", "", d.Visits)
	add("unique_visitors", "", d.UniqueVisitors)
	add("messages", "", d.Messages)
	for kind, m := range map[string]map[string]int64{
		"by_channel": d.ByChannel, "views": d.Views, "clients": d.Clients,
		"terminals": d.Terminals, "colors": d.Colors,
	} {
		for k, n := range m {
			add(kind, k, n)
		}
	}
	for page, h := range d.StudyTime {
		for i, n := range h {
			add(studyKind+strconv.Itoa(i), page, n)
		}
	}
	return out
}

// Add implements stats.Store: every counter is an upsert that adds, all of
// them in one transaction, so a flush counts whole or not at all.
func (st statsStore) Add(ctx context.Context, days []*stats.Day) error {
	if len(days) == 0 {
		return nil
	}
	if err := st.s.ready(); err != nil {
		return err // the counts are kept for the next flush
	}
	b := &pgx.Batch{}
	for _, d := range days {
		if _, err := time.Parse(stats.DateLayout, d.Date); err != nil {
			return fmt.Errorf("stats: bad date %q", d.Date)
		}
		for _, c := range counters(d) {
			b.Queue(`INSERT INTO stats_counts (day, kind, key, n) VALUES ($1, $2, $3, $4)
				ON CONFLICT (day, kind, key) DO UPDATE SET n = stats_counts.n + EXCLUDED.n`,
				d.Date, c[0], c[1], c[2])
		}
	}
	err := pgx.BeginFunc(ctx, st.s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
	return st.s.wrap(err)
}

// Days implements stats.Store.
func (st statsStore) Days(ctx context.Context, from, to string) ([]*stats.Day, error) {
	rows, err := st.s.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), kind, key, n FROM stats_counts
		WHERE day BETWEEN $1 AND $2 ORDER BY day`, from, to)
	if err != nil {
		return nil, st.s.wrap(err)
	}
	defer rows.Close()
	var days []*stats.Day
	for rows.Next() {
		var date, kind, key string
		var n int64
		if err := rows.Scan(&date, &kind, &key, &n); err != nil {
			return nil, st.s.wrap(err)
		}
		if len(days) == 0 || days[len(days)-1].Date != date {
			days = append(days, &stats.Day{
				Date: date, ByChannel: map[string]int64{}, Views: map[string]int64{},
				Clients: map[string]int64{}, Terminals: map[string]int64{}, Colors: map[string]int64{},
				StudyTime: map[string]stats.Histogram{},
			})
		}
		d := days[len(days)-1]
		switch kind {
		case "visits":
			d.Visits += n
		case "unique_visitors":
			d.UniqueVisitors += n
		case "messages":
			d.Messages += n
		case "by_channel":
			d.ByChannel[key] += n
		case "views":
			d.Views[key] += n
		case "clients":
			d.Clients[key] += n
		case "terminals":
			d.Terminals[key] += n
		case "colors":
			d.Colors[key] += n
		default:
			if b, ok := strings.CutPrefix(kind, studyKind); ok {
				if i, err := strconv.Atoi(b); err == nil && i >= 0 && i < len(stats.Histogram{}) {
					h := d.StudyTime[key]
					h[i] += n
					d.StudyTime[key] = h
				}
			}
		}
	}
	return days, st.s.wrap(rows.Err())
}

// Prune implements stats.Store.
func (st statsStore) Prune(ctx context.Context, before string) error {
	if st.s.ready() != nil {
		// Away since the start: a server must still come up (stats.New
		// prunes first), and there is nothing to prune that can't wait a
		// day.
		return nil
	}
	_, err := st.s.pool.Exec(ctx, "DELETE FROM stats_counts WHERE day < $1", before)
	return st.s.wrap(err)
}
