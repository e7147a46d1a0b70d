-- Delivery: the outbox (every message owed to someone), batches, deadlines, the update inbox.

CREATE TABLE delivery_batches (
    id            INTEGER PRIMARY KEY,
    purpose       TEXT NOT NULL,
    -- How the owner's notices name the batch (e.g. 'PENGERAHAN #12 · BRIMOB').
    title         TEXT,
    -- The commander told about unreachable recipients of this batch.
    owner_chat_id INTEGER,
    created_at    TEXT NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- 'send' a new message, 'edit' the message sent under target_key, or upload a 'document'.
    kind            TEXT NOT NULL DEFAULT 'send' CHECK (kind IN ('send', 'edit', 'document')),
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
-- The drainer's query: pending rows in priority order; a partial index stays small as the
-- table fills with sent rows.
CREATE INDEX outbox_due ON outbox(priority, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_batch ON outbox(batch_id, state);
CREATE INDEX outbox_target ON outbox(target_key);
CREATE INDEX outbox_pending_edits ON outbox(target_key) WHERE state = 'pending' AND kind = 'edit';

-- People Telegram refused to deliver to (blocked the bot, deleted the account).
CREATE TABLE unreachable (
    chat_id    INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES personnel(id),
    reason     TEXT NOT NULL,
    since      TEXT NOT NULL
);

-- Who of a batch could not be reached: the owner's notice is rendered from these rows.
CREATE TABLE batch_unreachable (
    batch_id   INTEGER NOT NULL REFERENCES delivery_batches(id),
    chat_id    INTEGER NOT NULL,
    person_id  INTEGER REFERENCES personnel(id),
    reason     TEXT NOT NULL,
    -- The outbox dedup key of the owner's notice that lists this person.
    notice_key TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (batch_id, chat_id)
);
CREATE INDEX batch_unreachable_notice ON batch_unreachable(notice_key);

-- Every timer is a row: the scheduler fires each due row once, after a restart too.
CREATE TABLE deadlines (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'done', 'cancelled', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    fired_at   TEXT,
    UNIQUE (kind, ref)
);
CREATE INDEX deadlines_due ON deadlines(due_at, id) WHERE state = 'pending';

-- Raw updates committed before their getUpdates offset is acknowledged; a row is deleted
-- once the update has been processed, so a crash re-processes instead of losing it.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Small persistent values of the runtime (e.g. the last committed update_id).
CREATE TABLE runtime_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
