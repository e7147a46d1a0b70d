-- Readiness (kesiapan): each person's current state, and its history.

CREATE TABLE readiness (
    person_id    INTEGER PRIMARY KEY REFERENCES personnel(id),
    state        TEXT NOT NULL CHECK (state IN ('SIAP', 'TIDAK_SIAP', 'BERTUGAS')),
    -- sakit / izin / cuti / dinas_luar / lainnya (TIDAK_SIAP only)
    reason       TEXT,
    reason_text  TEXT,
    -- TIDAK_SIAP until this moment; then the person is asked to confirm again.
    until        TEXT,
    -- When the person last confirmed (SIAP goes stale some hours after this).
    confirmed_at TEXT NOT NULL,
    -- The call-out a BERTUGAS person is deployed on.
    callout_id   INTEGER,
    -- When they last went on a call-out: the least recently deployed are invited first.
    last_deployed_at TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX readiness_state ON readiness(state);

CREATE TABLE readiness_history (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES personnel(id),
    at         TEXT NOT NULL,
    state      TEXT NOT NULL,
    reason     TEXT,
    source     TEXT NOT NULL
);
CREATE INDEX readiness_history_person ON readiness_history(person_id, at);
