-- Who may still be invited (storage/callouts.py `candidates`) asks, for every person of the
-- category, whether they have an invite to this call-out or a live one anywhere. Without an
-- index on person_id that was a scan of all invites per person: in a call-out of everyone,
-- each acceptance re-ran it and held the database ~0.5 s (bench/README.md, call-out).
CREATE INDEX callout_invites_person ON callout_invites(person_id);
