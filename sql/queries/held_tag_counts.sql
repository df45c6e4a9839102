-- Every tag some person holds now, with how many persons hold it.
SELECT tag, any(layer) AS layer, count() AS customers
FROM person_tags FINAL
WHERE active = 1
GROUP BY tag
ORDER BY tag
