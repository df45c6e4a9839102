DROP VIEW IF EXISTS person_of_id_feed
