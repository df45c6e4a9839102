-- The analysed query tree of an analyst query, every table resolved; the query follows this line.
EXPLAIN QUERY TREE
