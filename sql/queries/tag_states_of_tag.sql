-- Every person whose state of {tag} is stored, held now (active = 1) or removed, with the version
-- of that state: a save keys each change by the state it replaces (pipelines/jobs/funnel-audience.ts).
SELECT person_id, active, version
FROM person_tags FINAL
WHERE tag = {tag:String}
