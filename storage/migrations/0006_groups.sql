-- Command groups (posko): group chats that get status broadcasts for their scope; jam rawan.

CREATE TABLE command_groups (
    chat_id              INTEGER PRIMARY KEY,
    title                TEXT NOT NULL DEFAULT '',
    -- The whole command; otherwise the units and categories in command_group_scopes.
    everything           INTEGER NOT NULL DEFAULT 0,
    -- The language broadcasts are written in (the registering commander's).
    language             TEXT NOT NULL DEFAULT 'id',
    -- 'new': a new message per broadcast; 'pinned': one pinned message edited in place.
    mode                 TEXT NOT NULL DEFAULT 'new' CHECK (mode IN ('new', 'pinned')),
    -- Each broadcast carries the readiness chart (PNG).
    chart                INTEGER NOT NULL DEFAULT 1,
    active               INTEGER NOT NULL DEFAULT 1,
    -- Pinned mode: the outbox dedup key of the status message that edits target, and
    -- whether it has been pinned ('no' = not yet, 'yes', 'denied' = the bot lacks the right).
    status_key           TEXT,
    pin_state            TEXT NOT NULL DEFAULT 'no' CHECK (pin_state IN ('no', 'yes', 'denied')),
    -- The last slot broadcast (UTC, as stored): a slot is never broadcast twice.
    last_slot            TEXT,
    registered_by_user   INTEGER NOT NULL,
    registered_by_person INTEGER REFERENCES personnel(id),
    registered_at        TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    removed_at           TEXT,
    -- 'left' / 'kicked' (my_chat_member), 'unreachable' (403), 'stopped' (/posko berhenti).
    removed_reason       TEXT
);
CREATE INDEX command_groups_active ON command_groups(active);

CREATE TABLE command_group_scopes (
    chat_id INTEGER NOT NULL REFERENCES command_groups(chat_id)
            ON DELETE CASCADE ON UPDATE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('unit', 'category')),
    value   TEXT NOT NULL,
    PRIMARY KEY (chat_id, kind, value)
);

-- Jam rawan for the whole command: the commanders' switch and windows set at run time.
CREATE TABLE jam_rawan (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    manual_on   INTEGER NOT NULL DEFAULT 0,
    -- Daily windows in local time (e.g. '18:00-23:59,00:00-06:00'); NULL: the configured ones.
    windows     TEXT,
    set_by_user INTEGER,
    updated_at  TEXT
);
INSERT INTO jam_rawan (id, manual_on) VALUES (1, 0);
