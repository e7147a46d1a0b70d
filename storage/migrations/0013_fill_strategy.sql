-- Fill strategies (issue 11): how a call-out keeps its lines invited. Call-outs made before
-- this migration invited exactly the shortfall: they are 'tepat'.
ALTER TABLE callouts ADD COLUMN strategy TEXT NOT NULL DEFAULT 'tepat'
    CHECK (strategy IN ('cepat', 'tepat', 'semua'));
-- The response model learned from earlier call-outs when this one was ordered (JSON of
-- bot.domain.fill.ResponseModel): after a restart the rule is re-evaluated with the same
-- model and tonight's rows, not replayed. NULL for 'tepat' and 'semua', which need none.
ALTER TABLE callouts ADD COLUMN fill_model TEXT;
