-- Foundation: categories, the roster, roles, account links, language, audit.

CREATE TABLE categories (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    target_strength INTEGER NOT NULL DEFAULT 0 CHECK (target_strength >= 0),
    -- Where a short call-out may widen to (e.g. BRIMOB -> POH); NULL when none.
    reserve_code    TEXT REFERENCES categories(code)
);

CREATE TABLE personnel (
    id               INTEGER PRIMARY KEY,
    nrp              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    rank             TEXT NOT NULL,
    category_code    TEXT NOT NULL REFERENCES categories(code),
    unit             TEXT NOT NULL,
    phone            TEXT NOT NULL,
    role             TEXT NOT NULL DEFAULT 'anggota'
                     CHECK (role IN ('anggota', 'komandan', 'admin')),
    active           INTEGER NOT NULL DEFAULT 1,
    telegram_user_id INTEGER UNIQUE,
    linked_at        TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX personnel_phone ON personnel(phone);
CREATE INDEX personnel_category ON personnel(category_code, active);
CREATE INDEX personnel_unit ON personnel(unit, active);

-- What a commander may order: people of these units and/or these categories.
CREATE TABLE commander_scopes (
    person_id INTEGER NOT NULL REFERENCES personnel(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('unit', 'category')),
    value     TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, value)
);

-- Per Telegram account, linked or not (a stranger can pick a language too).
CREATE TABLE telegram_users (
    telegram_user_id INTEGER PRIMARY KEY,
    language         TEXT,
    -- What the next plain text from this user answers (e.g. 'nrp', 'reason:apel:12').
    pending_input    TEXT,
    shared_phone     TEXT,
    first_seen_at    TEXT NOT NULL
);

-- A person whose phone did not match asks to be linked by NRP; an admin or commander decides.
CREATE TABLE link_requests (
    id               INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL,
    chat_id          INTEGER NOT NULL,
    person_id        INTEGER NOT NULL REFERENCES personnel(id),
    shared_phone     TEXT,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at       TEXT NOT NULL,
    decided_by       INTEGER,
    decided_at       TEXT
);
CREATE INDEX link_requests_pending ON link_requests(telegram_user_id, status);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    actor_user_id    INTEGER,
    actor_person_id  INTEGER,
    action           TEXT NOT NULL,
    subject          TEXT,
    details          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
