-- Every webhook delivery attempt: delivered (a 2xx answer), retrying (another answer, an error or
-- a timeout; tried again later) or failed (still undelivered past the webhook's max retry age).
CREATE TABLE IF NOT EXISTS webhook_deliveries
(
    webhook     String,
    subject     String,
    -- The Pulse-Delivery header: the same for every attempt of one message.
    delivery_id String,
    attempt     UInt32,
    status      LowCardinality(String),
    http_status Nullable(UInt16),
    error       String,
    duration_ms UInt32,
    at          DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (webhook, at, delivery_id)
