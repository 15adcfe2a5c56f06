package wire

// The protocol over HTTPS: each message pair is POSTed to its path, both
// ways with this media type. HQ serves these paths and devices call them;
// this is their one definition.
const (
	PathSync    = "/v1/sync"   // SyncRequest → SyncResponse, mutual TLS
	PathEnroll  = "/v1/enroll" // EnrollRequest → EnrollResponse, TLS pinned by the enrollment code
	ContentType = "application/vnd.fieldreg+cbor+zstd"
)
