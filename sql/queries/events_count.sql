SELECT count() AS events, uniqExact(source, message_id) AS unique_events FROM events FINAL
