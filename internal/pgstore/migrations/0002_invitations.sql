-- Invitations: one personal link per application (package invite). The
-- code is the key; first_opened is set once, by the UPDATE … WHERE
-- first_opened IS NULL that tells exactly one machine it was first.
-- Nothing about the visitor is kept: no address, no key.
CREATE TABLE invitations (
    code          text        PRIMARY KEY,
    label         text        NOT NULL,
    greeting      text        NOT NULL DEFAULT '',
    created       timestamptz NOT NULL,
    revoked       timestamptz,
    first_opened  timestamptz,
    first_channel text        NOT NULL DEFAULT '',
    last_opened   timestamptz,
    visits        bigint      NOT NULL DEFAULT 0,
    messages      bigint      NOT NULL DEFAULT 0
);

-- The time spent on each page through an invitation.
CREATE TABLE invitation_reads (
    code    text   NOT NULL REFERENCES invitations (code) ON DELETE CASCADE,
    page    text   NOT NULL,
    seconds bigint NOT NULL DEFAULT 0,
    views   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (code, page)
);

-- A message keeps the way it came and the invitation's label (both were
-- only in the file store's records until now; '' for older messages, so
-- their checksums still hold).
ALTER TABLE messages ADD COLUMN via text NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN invitation text NOT NULL DEFAULT '';
