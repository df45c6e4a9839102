-- The stored parameters of one analysis (sql/read-path/analysis-session.ts puts this expression in
-- place of each parameter of the analysis's statement, with request_id replaced by the quoted
-- random hex id of the row). It must stay a constant expression (LIMIT and table functions take
-- parameters): the row is written just before the statement, with texts made well-formed, as the
-- engine's JSON reader refuses an escaped lone surrogate. A row gone from the bounded table
-- (migration 016) fails the statement rather than giving every parameter its type's default; the
-- message names the row, so that analysis-session.ts stores it again and retries only for its own
-- statement's row (not for a statement that throws the same words itself).
-- (An aggregate always gives its one row: assumeNotNull only drops the Nullable the engine gives a scalar subquery.)
assumeNotNull((SELECT if(count() > 0, any(params), toString(throwIf(1, concat('the stored parameters of analysis request ', {request_id:String}, ' are gone')))) FROM analysis_requests WHERE id = {request_id:String}))
