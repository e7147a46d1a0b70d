-- A version that every change to what the status counts moves: the people on the roster,
-- their readiness, who cannot be reached, call-outs (drills count as available) and the
-- categories. /status keeps its counts while the version stands still and nobody's state has
-- changed with time (storage.status.counts_version): 3,294 people read and counted once, not
-- on every /status and every group's broadcast.
--
-- A random value, not a counter: a rolled-back change must not leave behind a version that
-- a later, different change could reach again.

CREATE TABLE status_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO status_version (id, version) VALUES (1, 0);

CREATE TRIGGER personnel_insert_status AFTER INSERT ON personnel
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER personnel_update_status AFTER UPDATE ON personnel
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER personnel_delete_status AFTER DELETE ON personnel
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER readiness_insert_status AFTER INSERT ON readiness
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER readiness_update_status AFTER UPDATE ON readiness
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER readiness_delete_status AFTER DELETE ON readiness
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER unreachable_insert_status AFTER INSERT ON unreachable
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER unreachable_update_status AFTER UPDATE ON unreachable
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER unreachable_delete_status AFTER DELETE ON unreachable
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callouts_insert_status AFTER INSERT ON callouts
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callouts_update_status AFTER UPDATE ON callouts
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callouts_delete_status AFTER DELETE ON callouts
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callout_invites_insert_status AFTER INSERT ON callout_invites
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callout_invites_update_status AFTER UPDATE ON callout_invites
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER callout_invites_delete_status AFTER DELETE ON callout_invites
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER categories_insert_status AFTER INSERT ON categories
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER categories_update_status AFTER UPDATE ON categories
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER categories_delete_status AFTER DELETE ON categories
BEGIN
    UPDATE status_version SET version = random() WHERE id = 1;
END;
