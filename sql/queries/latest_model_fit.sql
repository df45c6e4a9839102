SELECT * FROM model_fits WHERE converged = 1 ORDER BY fitted_at DESC LIMIT 1
