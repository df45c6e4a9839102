INSERT INTO dead_letters FORMAT JSONEachRow
