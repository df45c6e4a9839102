-- The verdicts of a request without filters: property_filter_passes.sql answers an empty array then
-- too, but the engine would still analyse its large expression, about 50 ms of every funnel
-- statement (sql-files.ts withFilterPasses picks one of the two).
CAST([], 'Array(UInt8)')
