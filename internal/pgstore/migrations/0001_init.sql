-- Messages, in the order they were stored (seq); a message is never
-- rewritten. text_hash is the SHA-256 of name, reply-to and message, for
-- the one-minute duplicate check.
CREATE TABLE messages (
    seq         bigserial   NOT NULL UNIQUE,
    id          text        PRIMARY KEY,
    time        timestamptz NOT NULL,
    name        text        NOT NULL,
    reply_to    text        NOT NULL,
    message     text        NOT NULL,
    fingerprint text        NOT NULL,
    remote      text        NOT NULL,
    checksum    text        NOT NULL,
    text_hash   bytea       NOT NULL
);
CREATE INDEX messages_recent ON messages (text_hash, time);
CREATE INDEX messages_newest ON messages (time DESC, seq DESC);

-- The owner's marks on a message, beside it (the message stays as sent).
CREATE TABLE message_state (
    id       text        PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    read     boolean     NOT NULL DEFAULT false,
    archived boolean     NOT NULL DEFAULT false,
    updated  timestamptz NOT NULL DEFAULT now()
);

-- Visitor statistics: one counter per (day, kind, key), added to with an
-- upsert, so every machine's counts add up. Kinds: visits, unique_visitors,
-- messages (key ''), by_channel, views, clients, terminals, colors (key:
-- the name), study_time:<bucket> (key: the case study page).
CREATE TABLE stats_counts (
    day  date   NOT NULL,
    kind text   NOT NULL,
    key  text   NOT NULL,
    n    bigint NOT NULL,
    PRIMARY KEY (day, kind, key)
);
