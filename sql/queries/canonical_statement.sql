-- The engine's own parser reads an analyst query: one statement or an error, comments dropped.
SELECT formatQuery({statement:String}) AS canonical
