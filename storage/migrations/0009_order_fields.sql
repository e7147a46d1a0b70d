-- What a member needs to act on an order (issue 12), all optional.

-- The post a person holds (jabatan, e.g. "Dansat Brimob"): the roster's optional column,
-- shown beside an orderer's name on a call-out.
ALTER TABLE personnel ADD COLUMN position TEXT;

-- A call-out's order fields, and the orderer's post as it was when they ordered.
ALTER TABLE callouts ADD COLUMN ordered_by_position TEXT;
ALTER TABLE callouts ADD COLUMN task TEXT;        -- task or BKO, e.g. "BKO Polres Sanggau"
ALTER TABLE callouts ADD COLUMN assembly TEXT;    -- where to assemble
ALTER TABLE callouts ADD COLUMN report_to TEXT;   -- whom to report to: name and phone, or radio

-- A roll call's assembly place by name, and the time of the apel itself (the answer deadline
-- is closes_at), as typed (`; tempat: …; pukul: 07.30`) or chosen in the guided flow.
ALTER TABLE rollcalls ADD COLUMN place TEXT;
ALTER TABLE rollcalls ADD COLUMN assembles_at TEXT;
ALTER TABLE rollcall_drafts ADD COLUMN place TEXT;
ALTER TABLE rollcall_drafts ADD COLUMN assembles_at TEXT;
