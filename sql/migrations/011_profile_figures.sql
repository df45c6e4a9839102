-- Profiles keep as columns the two figures other reads need of a person's features: the 365-day
-- spend (the high_value line before a value fit) and the orders of the last 180 days (the demo
-- compares them with the simulator). The whole feature vector is no longer stored with each
-- recompute: the profile API counts it from the person's facts when asked, as of that moment.
-- Rows written before keep their figures, read from the feature JSON they stored.
ALTER TABLE person_profiles ADD COLUMN IF NOT EXISTS spend_365d Float64 DEFAULT JSONExtractFloat(features, 'window365d', 'spend');
ALTER TABLE person_profiles ADD COLUMN IF NOT EXISTS orders_180d UInt32 DEFAULT toUInt32(JSONExtractUInt(features, 'window180d', 'orders'))
