-- Call-outs (pengerahan): the order, its per-category quotas, every invitation, arrivals.

-- An order being put together (typed in full, or guided by buttons) until Kirim or Batal.
-- A double tap on Kirim finds the draft already 'sent' and creates nothing more.
CREATE TABLE callout_drafts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,
    -- The order as JSON (bot.domain.callout.order_to_json); partial while guided.
    spec       TEXT NOT NULL DEFAULT '{}',
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sent', 'discarded')),
    callout_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX callout_drafts_user ON callout_drafts(user_id, chat_id, status);

CREATE TABLE callouts (
    id                   INTEGER PRIMARY KEY,
    draft_id             INTEGER UNIQUE REFERENCES callout_drafts(id),
    status               TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'completed', 'cancelled')),
    -- Drills (latihan) run exactly like real call-outs but stay out of real statistics.
    drill                INTEGER NOT NULL DEFAULT 0,
    location             TEXT NOT NULL,
    latitude             REAL,
    longitude            REAL,
    radius_m             REAL,
    order_ref            TEXT,
    ordered_by_user_id   INTEGER NOT NULL,
    ordered_by_person_id INTEGER REFERENCES personnel(id),
    ordered_by_name      TEXT NOT NULL,
    -- Where the order was given: the live card lives in this chat (private or command group).
    chat_id              INTEGER NOT NULL,
    chat_is_group        INTEGER NOT NULL DEFAULT 0,
    language             TEXT NOT NULL,
    invite_timeout_s     INTEGER NOT NULL CHECK (invite_timeout_s > 0),
    batch_id             INTEGER REFERENCES delivery_batches(id),
    created_at           TEXT NOT NULL,
    closed_at            TEXT,
    closed_by_user_id    INTEGER,
    last_reminder_at     TEXT
);
CREATE INDEX callouts_status ON callouts(status, created_at);

-- One quota per category. Widening a short line to its reserve moves part of its quota to a
-- line of the reserve category (reserve_for_line_id), so `requested` keeps what was ordered.
CREATE TABLE callout_lines (
    id                  INTEGER PRIMARY KEY,
    callout_id          INTEGER NOT NULL REFERENCES callouts(id),
    category_code       TEXT NOT NULL REFERENCES categories(code),
    quota               INTEGER NOT NULL CHECK (quota >= 0),
    requested           INTEGER NOT NULL CHECK (requested >= 0),
    -- A unit commander's reach as a JSON list of units; NULL: the whole category.
    units               TEXT,
    reserve_for_line_id INTEGER REFERENCES callout_lines(id),
    -- The shortfall last reported to the commander, and in which notice round.
    short_reported      INTEGER NOT NULL DEFAULT 0,
    short_round         INTEGER NOT NULL DEFAULT 0,
    shortfall_accepted  INTEGER NOT NULL DEFAULT 0,
    filled_at           TEXT,
    UNIQUE (callout_id, category_code)
);

CREATE TABLE callout_invites (
    id                  INTEGER PRIMARY KEY,
    callout_id          INTEGER NOT NULL REFERENCES callouts(id),
    line_id             INTEGER NOT NULL REFERENCES callout_lines(id),
    person_id           INTEGER NOT NULL REFERENCES personnel(id),
    chat_id             INTEGER NOT NULL,
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'accepted', 'declined', 'timed_out',
                                         'no_answer', 'stood_down', 'cancelled', 'unreachable')),
    invited_at          TEXT NOT NULL,
    answered_at         TEXT,
    reminders           INTEGER NOT NULL DEFAULT 0,
    decline_reason      TEXT,
    decline_text        TEXT,
    -- A commander who answered for a silent person (the audit log has the details).
    answered_by_user_id INTEGER,
    proxy               INTEGER NOT NULL DEFAULT 0,
    -- Why the invite ended without an answer (e.g. 'blocked', 'deactivated').
    end_reason          TEXT,
    arrived_at          TEXT,
    arrival_status      TEXT CHECK (arrival_status IN ('verified', 'reported')),
    -- When an accepted person was let go (completed or cancelled): no longer held.
    released_at         TEXT,
    UNIQUE (callout_id, person_id)
);
CREATE INDEX callout_invites_line ON callout_invites(line_id, state);
CREATE INDEX callout_invites_callout ON callout_invites(callout_id, state);
-- The backstop for "nobody is in two live call-outs at once": the pick already excludes
-- them inside one transaction, this makes a slip an error instead of a double booking.
CREATE UNIQUE INDEX callout_invites_live_person ON callout_invites(person_id)
    WHERE state IN ('pending', 'timed_out') OR (state = 'accepted' AND released_at IS NULL);

-- Every location a deployed person shared to report arrival, counted or not.
CREATE TABLE callout_arrivals (
    id         INTEGER PRIMARY KEY,
    invite_id  INTEGER NOT NULL REFERENCES callout_invites(id),
    at         TEXT NOT NULL,
    latitude   REAL NOT NULL,
    longitude  REAL NOT NULL,
    accuracy_m REAL,
    distance_m REAL,
    status     TEXT NOT NULL CHECK (status IN ('verified', 'reported', 'outside'))
);
CREATE INDEX callout_arrivals_invite ON callout_arrivals(invite_id);
