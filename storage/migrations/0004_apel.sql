-- Roll calls (apel) and readiness checks (cek kesiapan): one engine, two kinds of question.

CREATE TABLE rollcalls (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('apel', 'cek')),
    scope_kind       TEXT NOT NULL CHECK (scope_kind IN ('all', 'category', 'unit')),
    scope_value      TEXT,
    title            TEXT,
    -- The commander: the report (names, phones) goes to this private chat, never to a group.
    opened_by_user   INTEGER NOT NULL,
    opened_by_person INTEGER REFERENCES personnel(id),
    opened_by_name   TEXT NOT NULL,
    -- Where the live tally card lives (the chat /apel was typed in) and its language.
    card_chat_id     INTEGER NOT NULL,
    language         TEXT NOT NULL,
    opened_at        TEXT NOT NULL,
    closes_at        TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    closed_at        TEXT,
    closed_by        TEXT,
    -- Assembly point (titik kumpul); all three or none.
    point_lat        REAL,
    point_lon        REAL,
    radius_m         INTEGER CHECK (radius_m IS NULL OR radius_m > 0),
    batch_id         INTEGER REFERENCES delivery_batches(id),
    manual_reminders INTEGER NOT NULL DEFAULT 0,
    last_manual_reminder_at TEXT
);
CREATE INDEX rollcalls_state ON rollcalls(state, closes_at);

-- Everyone in scope at open, linked or not: the report names who could not be called too.
CREATE TABLE rollcall_targets (
    rollcall_id    INTEGER NOT NULL REFERENCES rollcalls(id),
    person_id      INTEGER NOT NULL REFERENCES personnel(id),
    -- The private chat the prompt went to; NULL when the person was not linked.
    chat_id        INTEGER,
    category_code  TEXT NOT NULL,
    -- Not asked: 'unlinked' (no Telegram account) or 'bertugas' (deployed, readiness checks).
    excluded       TEXT CHECK (excluded IN ('unlinked', 'bertugas')),
    answer         TEXT CHECK (answer IN ('yes', 'no')),
    reason         TEXT,
    reason_text    TEXT,
    answered_at    TEXT,
    -- Bumped on every change of answer: names the location request of that answer.
    revision       INTEGER NOT NULL DEFAULT 0,
    location_state TEXT CHECK (location_state IN ('awaiting', 'inside', 'outside', 'shared')),
    latitude       REAL,
    longitude      REAL,
    distance_m     REAL,
    located_at     TEXT,
    PRIMARY KEY (rollcall_id, person_id)
);
CREATE INDEX rollcall_targets_person ON rollcall_targets(person_id, location_state);

-- Every answer as given, for the audit trail; the target row holds the latest.
CREATE TABLE rollcall_answer_log (
    id          INTEGER PRIMARY KEY,
    rollcall_id INTEGER NOT NULL REFERENCES rollcalls(id),
    person_id   INTEGER NOT NULL REFERENCES personnel(id),
    at          TEXT NOT NULL,
    answer      TEXT,
    reason      TEXT,
    detail      TEXT
);
CREATE INDEX rollcall_answer_log_rollcall ON rollcall_answer_log(rollcall_id, person_id);

-- A commander's roll call being put together with buttons (scope, deadline, point, title).
CREATE TABLE rollcall_drafts (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('apel', 'cek')),
    user_id           INTEGER NOT NULL,
    chat_id           INTEGER NOT NULL,
    -- The scope buttons offered, as JSON [[kind, value], …]; a button carries its index.
    options           TEXT NOT NULL DEFAULT '[]',
    scope_kind        TEXT,
    scope_value       TEXT,
    minutes           INTEGER,
    title             TEXT,
    point_lat         REAL,
    point_lon         REAL,
    radius_m          INTEGER,
    awaiting_location INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL DEFAULT 'draft'
                      CHECK (state IN ('draft', 'opened', 'cancelled')),
    rollcall_id       INTEGER REFERENCES rollcalls(id),
    created_at        TEXT NOT NULL
);
CREATE INDEX rollcall_drafts_user ON rollcall_drafts(user_id, awaiting_location);
