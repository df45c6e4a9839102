-- The embedded engine's identity cache (sql/profiles/identity-cache.ts): the hash table a LEFT ANY
-- JOIN on id builds, kept built. join_any_take_last_row: a later insert of an id replaces its
-- person, as the higher version does in person_ids (one writer, the profile stage, inserts them in
-- version order). Not persistent: it is rebuilt from person_ids whenever the engine opens, so a
-- crash between an insert into person_ids and this table's copy cannot leave them apart.
CREATE TABLE person_of_id
(
    id          String,
    person_id   String
)
ENGINE = Join(ANY, LEFT, id)
SETTINGS join_any_take_last_row = 1, persistent = 0
