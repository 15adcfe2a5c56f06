-- The buckets of a Fieldreg workspace: every value is sealed by the store
-- (AEAD) before it gets here; keys are record ids, sequence numbers and
-- keyed hashes (see store/doc.go for what each bucket's keys are).
CREATE TABLE kv_buckets (
	name text PRIMARY KEY
);

CREATE TABLE kv (
	bucket text  NOT NULL REFERENCES kv_buckets (name),
	key    bytea NOT NULL,
	value  bytea NOT NULL,
	PRIMARY KEY (bucket, key)
);
