SELECT source, event, count() AS events, uniqExact(distinct_id) AS ids, round(sum(revenue), 2) AS revenue
FROM events FINAL
GROUP BY source, event
ORDER BY events DESC
