-- Journeys (events sharing a journey_id) that reached each step; the caller orders the steps.
SELECT event AS step, uniqExact(JSONExtractString(properties, 'journey_id')) AS journeys
FROM events FINAL
WHERE event IN {steps:Array(String)} AND JSONHas(properties, 'journey_id')
GROUP BY event
