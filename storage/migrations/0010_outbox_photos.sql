-- The outbox learns to send a photo (a status with its chart as one message, the caption
-- being the status), and a command group remembers which chart it was last sent, so an
-- unchanged chart is not posted again.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same
-- columns, its rows copied, and its indexes made again. Nothing references the outbox.

ALTER TABLE outbox RENAME TO outbox_before_photos;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- 'send' a new message, 'edit' the message sent under target_key, or upload a 'document'
    -- or a 'photo' (text is the caption).
    kind            TEXT NOT NULL DEFAULT 'send'
                    CHECK (kind IN ('send', 'edit', 'document', 'photo')),
    dedup_key       TEXT NOT NULL UNIQUE,
    target_key      TEXT,
    chat_id         INTEGER NOT NULL,
    person_id       INTEGER REFERENCES personnel(id),
    priority        INTEGER NOT NULL,
    text            TEXT NOT NULL,
    parse_mode      TEXT,
    reply_markup    TEXT,
    file_name       TEXT,
    file_bytes      BLOB,
    batch_id        INTEGER REFERENCES delivery_batches(id),
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    -- Bumped by every coalesced edit: a send finishing with an older revision leaves the row
    -- pending, so the newest content still goes out.
    revision        INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    message_id      INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);

INSERT INTO outbox (id, kind, dedup_key, target_key, chat_id, person_id, priority, text,
    parse_mode, reply_markup, file_name, file_bytes, batch_id, state, revision, attempts,
    next_attempt_at, message_id, last_error, created_at, sent_at)
SELECT id, kind, dedup_key, target_key, chat_id, person_id, priority, text,
    parse_mode, reply_markup, file_name, file_bytes, batch_id, state, revision, attempts,
    next_attempt_at, message_id, last_error, created_at, sent_at
FROM outbox_before_photos;

DROP TABLE outbox_before_photos;

CREATE INDEX outbox_due ON outbox(priority, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_batch ON outbox(batch_id, state);
CREATE INDEX outbox_target ON outbox(target_key);
CREATE INDEX outbox_pending_edits ON outbox(target_key) WHERE state = 'pending' AND kind = 'edit';

-- A digest of the bars of the chart last queued for the group (NULL: none yet).
ALTER TABLE command_groups ADD COLUMN chart_digest TEXT;
