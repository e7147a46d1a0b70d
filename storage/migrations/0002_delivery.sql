-- Delivery: the outbox (every message owed to someone), batches, deadlines.

CREATE TABLE delivery_batches (
    id            INTEGER PRIMARY KEY,
    purpose       TEXT NOT NULL,
    -- The commander told about unreachable recipients of this batch.
    owner_chat_id INTEGER,
    created_at    TEXT NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- 'send' a new message, or 'edit' the message sent under target_key.
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
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    message_id      INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox(state, priority, next_attempt_at, id);
CREATE INDEX outbox_batch ON outbox(batch_id, state);
CREATE INDEX outbox_target ON outbox(target_key);

-- People Telegram refused to deliver to (blocked the bot, deleted the account).
CREATE TABLE unreachable (
    chat_id    INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES personnel(id),
    reason     TEXT NOT NULL,
    since      TEXT NOT NULL
);

-- Every timer is a row: the scheduler fires each due row once, after a restart too.
CREATE TABLE deadlines (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled')),
    fired_at   TEXT,
    UNIQUE (kind, ref)
);
CREATE INDEX deadlines_due ON deadlines(state, due_at);
