-- An analyst's statement, as the engine printed it, replaces the marker line below: as the body of
-- a subquery it cannot close the parentheses early, and INTO OUTFILE, FORMAT or a second statement
-- cannot parse there.
SELECT * FROM (
-- analyst statement
)
