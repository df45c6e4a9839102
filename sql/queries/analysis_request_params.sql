-- The stored parameters of one analysis (sql/read-path/analysis-session.ts puts this expression in
-- place of each parameter of the analysis's statement, with request_id replaced by the quoted
-- random hex id of the row). It must stay a constant expression (LIMIT and table functions take
-- parameters): the row is written just before the statement, with texts made well-formed, as the
-- engine's JSON reader refuses an escaped lone surrogate.
ifNull((SELECT params FROM analysis_requests WHERE id = {request_id:String} LIMIT 1), '')
