-- A year on one file (issue 17): a burst of taps must cost what it costs on a fresh file.
-- An index led by person_id holds each person's entries of two years together and people
-- apart, so a burst of 1,500 answers that writes into such an index dirties ~1,500 pages
-- of it, one per person, where a fresh file's index has a few: the commits of the burst on
-- the year's file wrote about twice as much (measured with the burst's own writes, 5 Dec
-- 2026). Every index an answer writes is now led by the roll call (or is the person's one
-- readiness row), so a burst's entries lie together whatever the file's age.

-- An answer sets location_state, the second column here: every tap rewrote its entry, and
-- every roll call opened and every one retention deleted wrote one per person. No query
-- needs it: a person's open roll calls are found from the open roll calls
-- (rollcalls_state) and the primary key (tests/test_apel_storage.py checks the plans).
DROP INDEX rollcall_targets_person;

-- Every confirmation (each roll call's Hadir, each "Siap") appends a row here. Nothing in
-- the bot reads the history by person; retention deletes it by id, in time order.
DROP INDEX readiness_history_person;
