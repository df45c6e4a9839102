-- The syntax tree of an analyst query (parsed, not run); the query follows this line.
EXPLAIN AST
