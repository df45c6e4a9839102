SELECT * FROM model_fits ORDER BY fitted_at DESC LIMIT 1
