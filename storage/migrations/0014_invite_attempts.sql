-- An invitation that bounced (the bot blocked: 403) is re-opened when its person is back and
-- the line is still short: the same row (one person, one row per call-out), a new message.
-- `attempt` names that message: the first keeps its key `co:inv:<id>`, later ones
-- `co:inv:<id>:again:<n>` (storage/callouts.Invite.message_key).
ALTER TABLE callout_invites ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
