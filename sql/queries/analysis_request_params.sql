-- The stored parameters of one analysis (sql/read-path/analysis-session.ts puts this expression in
-- place of each parameter of the analysis's statement, with {request_id:String} replaced by the
-- quoted random hex id of the row; an empty object if the row were missing).
ifNull((SELECT params FROM analysis_requests WHERE id = {request_id:String} LIMIT 1), '')
