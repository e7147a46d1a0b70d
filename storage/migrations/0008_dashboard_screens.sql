-- Big-screen links of the posko dashboard (/dasbor layar): one row per link handed out.
-- The link itself is signed (bot/domain/dashboard.py); this row is what revokes it.
CREATE TABLE dashboard_screens (
    id              INTEGER PRIMARY KEY,
    -- The command group whose scope the screen shows (counts only).
    chat_id         INTEGER NOT NULL,
    created_by_user INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    revoked_at      TEXT,
    revoked_by_user INTEGER
);
CREATE INDEX dashboard_screens_chat ON dashboard_screens(chat_id, revoked_at);
