-- Rate-limit counters are written on every API request and are worth nothing after a crash (a
-- window restarts): an unlogged table skips the WAL, so these writes never wait for a disk flush.
ALTER TABLE "rate_limit_counters" SET UNLOGGED;
