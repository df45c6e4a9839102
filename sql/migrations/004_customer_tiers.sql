-- RFM quintile scores (5 = best; ties share a score) and the RFM-LTV tier of models/rfm.ts.
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS r_score UInt8 DEFAULT 0;
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS f_score UInt8 DEFAULT 0;
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS m_score UInt8 DEFAULT 0;
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS tier LowCardinality(String) DEFAULT ''
