-- Retention (bot/domain/retention.py, storage/retention.py). A deactivated person's phone and
-- Telegram link are erased some time after the deactivation: the moment is recorded, and so
-- is the erasure (their answers stay in the records and keep counting in old reports).
ALTER TABLE personnel ADD COLUMN deactivated_at TEXT;
ALTER TABLE personnel ADD COLUMN erased_at TEXT;
-- People deactivated before this column existed: their last change is the best known moment.
UPDATE personnel SET deactivated_at = updated_at WHERE active = 0;
CREATE INDEX personnel_deactivated ON personnel(deactivated_at) WHERE active = 0;
