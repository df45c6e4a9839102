-- The churn model of a version, or the latest one when {version} is empty (churn_models, 012).
SELECT version, toUnixTimestamp64Milli(fitted_at) AS fitted_at, toUnixTimestamp64Milli(as_of) AS as_of, card
FROM churn_models
WHERE {version:String} = '' OR version = {version:String}
ORDER BY fitted_at DESC
LIMIT 1
