package wire

// The protocol over HTTPS: each message pair is POSTed to its path, both
// ways with this media type. HQ serves these paths and devices call them;
// this is their one definition.
const (
	PathSync   = "/v1/sync"   // SyncRequest → SyncResponse, mutual TLS
	PathEnroll = "/v1/enroll" // EnrollRequest → EnrollResponse, TLS pinned by the enrollment code
	// PathPush streams a push: frames of SyncRequests (FramePush) one way,
	// HQ's acknowledgements (FrameAck, FrameError) the other, on one
	// connection at once (see frames.go). An HQ older than it answers 404;
	// a device then pushes in PathSync rounds.
	PathPush    = "/v1/push"
	ContentType = "application/vnd.fieldreg+cbor+zstd"
)
