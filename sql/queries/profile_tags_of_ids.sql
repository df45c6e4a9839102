-- For each of {ids}: its person's current tags and orders of the last 180 days (the demo compares
-- them with the simulator's truth).
SELECT
    i.id AS id,
    p.person_id AS person_id,
    p.tags AS tags,
    p.orders_180d AS orders_180d
FROM (SELECT id, person_id FROM person_ids FINAL WHERE id IN {ids:Array(String)}) AS i
INNER JOIN (SELECT person_id, tags, orders_180d FROM person_profiles FINAL WHERE merged_into = '') AS p ON p.person_id = i.person_id
